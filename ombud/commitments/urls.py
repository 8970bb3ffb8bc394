from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("commitments/", views.search, name="search"),
    path("commitments/<int:pk>/", views.entry, name="entry"),
    path("commitments/<int:pk>/rate", views.rate, name="rate"),
    path("business/commitments/", views.mine, name="mine"),
    path("business/commitments/new/", views.apply, name="apply"),
    path("business/commitments/<int:pk>/", views.own, name="own"),
    path("desk/commitments/", views.queue, name="queue"),
    path("desk/commitments/<int:pk>/", views.desk_entry, name="desk-entry"),
    path("desk/commitments/<int:pk>/<str:action>", views.act, name="act"),
    path("desk/commitments/breaches/<int:pk>/<str:action>", views.breach_act, name="breach-act"),
]
