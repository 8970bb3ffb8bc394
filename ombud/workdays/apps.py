from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "ombud.workdays"
    label = "workdays"
    verbose_name = "working-day calendar"
