from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ombud.regions.models import Authority


class Role(models.TextChoices):
    CONSUMER = "consumer", _("consumer")
    BUSINESS = "business", _("business representative")
    OPERATOR = "operator", _("hotline operator")
    HANDLER = "handler", _("case handler")
    SUPERVISOR = "supervisor", _("supervisor")
    ADMIN = "admin", _("administrator")
    INTEGRATOR = "integrator", _("integrator")


STAFF_ROLES = {Role.OPERATOR, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN}
# Roles that may state when a case was received (letters, hotline entry, imports).
BACKDATING_ROLES = STAFF_ROLES | {Role.INTEGRATOR}


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CONSUMER)
    authority = models.ForeignKey(Authority, null=True, blank=True, on_delete=models.PROTECT)
    business = models.ForeignKey("businesses.Business", null=True, blank=True, on_delete=models.PROTECT)
    phone = models.CharField(max_length=30, blank=True)
    language = models.CharField(max_length=10, blank=True)

    def __str__(self):
        return f"{self.user} ({self.role})"


class ApiKey(models.Model):
    """A bearer key for integrators and staff tools. Only a hash is stored."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    role = models.CharField(max_length=20, choices=Role.choices)
    authority = models.ForeignKey(Authority, null=True, blank=True, on_delete=models.PROTECT)
    business = models.ForeignKey("businesses.Business", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({self.role})"
