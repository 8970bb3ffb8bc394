from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "ombud.rules"
    label = "rules"
