from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ombud.core"
    label = "core"
    verbose_name = _("core")

    def ready(self):
        from django.apps import apps

        from .labels import translate_model_names

        post_migrate.connect(_seed, dispatch_uid="ombud-seed")
        translate_model_names(m for m in apps.get_models() if m.__module__.startswith("ombud."))


def _seed(sender, **kwargs):
    """Reference data every install needs: divisions, authorities, taxonomies, rule sets."""
    if sender.label != "core":
        return
    from ombud.core.seed import seed_reference_data

    seed_reference_data()
