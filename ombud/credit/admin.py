from django import forms
from django.contrib import admin

from .models import CreditFormula, CreditRule, ListEntry, ListEvent


class _Versioned(admin.ModelAdmin):
    """A published version is never changed in place (the model refuses it): "Save as new" with the next version
    number, then publish it."""

    ordering = ("-version",)
    save_as = True

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        latest = self.model.objects.order_by("-version").first()
        if latest is not None:
            for name in self.copied:
                initial.setdefault(name, getattr(latest, name))
        initial.setdefault("version", (latest.version + 1) if latest else 1)
        return initial


class CreditRuleForm(forms.ModelForm):
    class Meta:
        model = CreditRule
        fields = ("version", "effective_from", "minor_public_months", "public_years", "low_fine_max",
                  "repair_after_months", "list_years", "early_removal_years", "list_articles", "regulations",
                  "citations", "published_on", "notes")


@admin.register(CreditRule)
class CreditRuleAdmin(_Versioned):
    form = CreditRuleForm
    list_display = ("version", "effective_from", "minor_public_months", "public_years", "low_fine_max",
                    "repair_after_months", "list_years", "published_on")
    copied = ("minor_public_months", "public_years", "low_fine_max", "repair_after_months", "list_years",
              "early_removal_years", "list_articles", "regulations", "citations")


class CreditFormulaForm(forms.ModelForm):
    class Meta:
        model = CreditFormula
        fields = ("version", "weights", "thresholds", "published_on", "active", "notes")


@admin.register(CreditFormula)
class CreditFormulaAdmin(_Versioned):
    form = CreditFormulaForm
    list_display = ("version", "published_on", "active")
    list_filter = ("active",)
    copied = ("weights", "thresholds")


class EventInline(admin.TabularInline):
    model = ListEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "actor_label", "action", "article", "rule", "note", "data")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ListEntry)
class ListEntryAdmin(admin.ModelAdmin):
    """Read-only here: entries are added and removed on the desk (/desk/credit/), where the rules are enforced and
    the history is written."""

    list_display = ("business", "decision_number", "article", "listed_on", "removal_eligible_on", "removed_on",
                    "authority")
    list_filter = ("removed_on",)
    readonly_fields = ("business", "authority", "article", "decision_number", "listed_on", "removal_eligible_on",
                       "removed_on", "removal_reason", "rule", "created_at", "created_by")
    inlines = (EventInline,)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
