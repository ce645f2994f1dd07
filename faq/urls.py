from django.urls import path

from faq import views

app_name = "faq"

urlpatterns = [
    path("", views.home, name="home"),
    path("faq/<slug:slug>/", views.document_detail, name="detail"),
    path("faq/<slug:slug>/stored-copy/", views.stored_copy, name="stored_copy"),
]
