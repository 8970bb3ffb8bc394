from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ombud.documents"
    label = "documents"
    verbose_name = "official documents"
