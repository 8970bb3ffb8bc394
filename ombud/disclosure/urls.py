from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("desk/accounts/", views.queue, name="queue"),
    path("desk/accounts/<int:pk>/", views.review, name="review"),
    path("case/<str:ticket>/publication", views.publication, name="publication"),
    path("complaints/", views.complaints, name="complaints"),
    path("businesses/", views.businesses, name="businesses"),
    path("businesses/<int:pk>/", views.business, name="business"),
]
