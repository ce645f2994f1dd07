from django.contrib import admin
from django.urls import include, path

from config.views import healthz, readyz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("sources/", include("sources.urls")),
    path("", include("claims.urls")),
    path("", include("faq.urls")),
]
