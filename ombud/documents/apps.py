from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "ombud.documents"
    label = "documents"
    verbose_name = _("official documents")

    def ready(self):
        from . import checks  # noqa: F401  (registers the CJK font check)
