from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("desk/alerts/", views.alert_queue, name="queue"),
    path("desk/alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("desk/alerts/<int:pk>/dismiss", views.alert_dismiss, name="dismiss"),
    path("desk/alerts/<int:pk>/draft", views.alert_draft, name="draft"),
    path("desk/warnings/", views.warning_desk, name="warnings"),
    path("desk/warnings/new/", views.warning_new, name="warning-new"),
    path("desk/warnings/<int:pk>/", views.warning_detail, name="warning"),
    path("desk/warnings/<int:pk>/edit", views.warning_edit, name="warning-edit"),
    path("desk/warnings/<int:pk>/<str:action>", views.warning_act, name="warning-act"),
    path("warnings/", views.public_warnings, name="public-warnings"),
    path("warnings/<int:pk>/", views.public_warning, name="public-warning"),
]
