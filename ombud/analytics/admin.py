from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ScorecardFormula


class ScorecardFormulaForm(forms.ModelForm):
    class Meta:
        model = ScorecardFormula
        fields = ["version", "weights", "normalisation", "published_on", "active", "notes"]


@admin.register(ScorecardFormula)
class ScorecardFormulaAdmin(admin.ModelAdmin):
    """A published version is never changed in place (the model refuses it): "Save as new" with a new
    version number, then set its publication date and make it the active one."""

    form = ScorecardFormulaForm
    list_display = ("version", "normalisation", "published_on", "active", "weights_shown")
    list_filter = ("active",)
    ordering = ("-version",)
    save_as = True
    save_as_continue = True

    @admin.display(description=_("weights"))
    def weights_shown(self, obj):
        from .scorecard import INDICATORS

        return ", ".join(f"{INDICATORS[k].label if k in INDICATORS else k} {v}" for k, v in (obj.weights or {}).items())

    def get_changeform_initial_data(self, request):
        """A new version starts from the active one: its weights and scaling, the next number."""
        from .scorecard import current_formula

        initial = super().get_changeform_initial_data(request)
        latest = ScorecardFormula.objects.order_by("-version").first()
        current = current_formula()
        if current is not None:
            initial.setdefault("weights", current.weights)
            initial.setdefault("normalisation", current.normalisation)
        initial.setdefault("version", (latest.version + 1) if latest else 1)
        return initial
