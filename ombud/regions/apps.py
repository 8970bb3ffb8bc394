from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "ombud.regions"
    label = "regions"
