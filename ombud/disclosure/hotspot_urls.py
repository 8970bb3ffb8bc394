from django.urls import path

from . import hotspots

app_name = "hotspots"

urlpatterns = [
    path("hotspots/", hotspots.page, name="index"),
    path("hotspots/regions", hotspots.region_picker, name="regions"),
]
