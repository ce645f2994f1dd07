from django.urls import path

from claims import repeated, views

app_name = "claims"

urlpatterns = [
    path("claims/", views.claim_list, name="list"),
    path("claims/export.csv", views.export_csv, name="export_csv"),
    path("claims/export.json", views.export_json, name="export_json"),
    path("claims/repeated/", repeated.repeated_claims, name="repeated"),
    path("claims/<int:pk>/", views.claim_detail, name="detail"),
    path("claims/<int:pk>/history/", views.claim_history, name="history"),
    path("how-we-rate/", views.how_we_rate, name="how_we_rate"),
    path("claimreview.json", views.claimreview_feed, name="claimreview_feed"),
]
