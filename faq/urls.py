from django.urls import path

from faq import views, views_versions

app_name = "faq"

urlpatterns = [
    path("", views.home, name="home"),
    path("faq/<slug:slug>/", views.document_detail, name="detail"),
    path("faq/<slug:slug>/stored-copy/", views.stored_copy, name="stored_copy"),
    path("faq/<slug:slug>/versions/", views_versions.version_list, name="versions"),
    path("faq/<slug:slug>/versions/<int:number>/", views_versions.version_detail, name="version"),
    path("faq/<slug:slug>/compare/<int:old>/<int:new>/", views_versions.version_compare, name="compare"),
]
