from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import PUBLISHABLE, Narrative, NarrativeEvent, PublicationRule


class PublicationRuleForm(forms.ModelForm):
    class Meta:
        model = PublicationRule
        fields = ["version", "kinds", "statuses", "delay_days", "public_years", "fields", "narratives",
                  "published_on", "active", "notes"]


@admin.register(PublicationRule)
class PublicationRuleAdmin(admin.ModelAdmin):
    """A published version is never changed in place (the model refuses it): "Save as new" with the next
    version number, then publish it and make it the active one."""

    form = PublicationRuleForm
    list_display = ("version", "delay_days", "public_years", "narratives", "published_on", "active", "fields_shown")
    list_filter = ("active",)
    ordering = ("-version",)
    save_as = True

    @admin.display(description=_("published fields"))
    def fields_shown(self, obj):
        return ", ".join(str(PUBLISHABLE.get(f, f)) for f in obj.fields or [])

    def get_changeform_initial_data(self, request):
        """A new version starts from the active one, with the next number."""
        from .selectors import current_rule

        initial = super().get_changeform_initial_data(request)
        latest, current = PublicationRule.objects.order_by("-version").first(), current_rule()
        if current is not None:
            for name in ("kinds", "statuses", "delay_days", "public_years", "fields", "narratives"):
                initial.setdefault(name, getattr(current, name))
        initial.setdefault("version", (latest.version + 1) if latest else 1)
        return initial


class EventInline(admin.TabularInline):
    model = NarrativeEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "action", "rule_version", "note", "data")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Narrative)
class NarrativeAdmin(admin.ModelAdmin):
    """Read-only here: accounts are reviewed on the desk, where the rules are enforced."""

    list_display = ("case", "status", "queued_at", "reviewed_at", "reviewed_by")
    list_filter = ("status",)
    readonly_fields = ("case", "status", "scrubbed", "removed", "text", "queued_at", "reviewed_at", "reviewed_by")
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
