from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "ombud.core"
    label = "core"

    def ready(self):
        post_migrate.connect(_seed, dispatch_uid="ombud-seed")


def _seed(sender, **kwargs):
    """Reference data every install needs: divisions, authorities, taxonomies, rule sets."""
    if sender.label != "core":
        return
    from ombud.core.seed import seed_reference_data

    seed_reference_data()
