from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "ombud.taxonomy"
    label = "taxonomy"
