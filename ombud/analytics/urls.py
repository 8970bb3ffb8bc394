from django.urls import path

from . import scorecard_views, views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("export/<str:key>.csv", views.export_csv, name="export"),
    path("scorecard/", scorecard_views.scorecard_page, name="scorecard"),
    path("scorecard.csv", scorecard_views.scorecard_csv, name="scorecard-csv"),
]
