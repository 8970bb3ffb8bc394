from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessesConfig(AppConfig):
    name = "ombud.businesses"
    label = "businesses"
    verbose_name = _("businesses")
