from django.apps import AppConfig


class BusinessesConfig(AppConfig):
    name = "ombud.businesses"
    label = "businesses"
