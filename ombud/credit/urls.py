from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("businesses/<int:pk>/credit/", views.business, name="business"),
    path("desk/credit/", views.desk_list, name="desk-list"),
    path("desk/credit/<int:pk>/", views.desk_business, name="desk-business"),
]
