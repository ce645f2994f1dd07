from django.contrib import admin
from django.urls import include, path

from config.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("sources/", include("sources.urls")),
    path("", include("claims.urls")),
    path("", include("faq.urls")),
]
