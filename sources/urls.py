from django.urls import path

from sources import views

app_name = "sources"

urlpatterns = [
    path("", views.source_list, name="list"),
    path("<int:pk>/", views.source_detail, name="detail"),
]
