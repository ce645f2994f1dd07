from django.contrib import admin
from django.urls import include, path

from config.middleware import STAFF_PREFIX
from config.views import healthz, readyz

urlpatterns = [
    # Sessions, sign-in and messages run under this prefix only (config/middleware.py).
    path(STAFF_PREFIX.strip("/") + "/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("sources/", include("sources.urls")),
    path("", include("claims.urls")),
    path("", include("faq.urls")),
]
