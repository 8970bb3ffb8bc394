from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import citations, selectors
from .models import RuleSet, RuleSetRevision
from .services import save_rule_set

WHERE = {"citations": gettext_lazy("citation"), "periods": gettext_lazy("period"),
         "refusal_grounds": gettext_lazy("refusal ground"), "termination_grounds": gettext_lazy("termination ground"),
         "rewards": gettext_lazy("rewards")}


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Amend a version in place to correct it; "Save as new" with a higher version when the law changes."""

    list_display = ("code", "version", "title", "effective_from", "effective_until", "active")
    list_filter = ("active",)
    save_as = True
    readonly_fields = ("history",)
    change_list_template = "admin/rules/ruleset/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.unconfirmed_view)
        return [path("unconfirmed/", view, name="rules_ruleset_unconfirmed"), *super().get_urls()]

    def unconfirmed_view(self, request):
        """Every citation not yet read in the gazette text, to be checked and corrected in the rule set."""
        zh = (get_language() or "").lower().startswith("zh")
        rows = [{**row, "zh": citations.render(row["article"], row["rule_set"], "zh"),
                 "en": citations.render(row["article"], row["rule_set"], "en"),
                 "where": WHERE.get(row["where"], row["where"]), "text": row["text_zh"] if zh else row["text"]}
                for row in selectors.unconfirmed_citations()]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "rows": rows, "en": not zh,
                   "title": _("Citations to check against the gazette")}
        return TemplateResponse(request, "admin/rules/ruleset/unconfirmed.html", context)

    @admin.display(description=gettext_lazy("history of changes"))
    def history(self, obj):
        rows = [(r.at.strftime("%Y-%m-%d %H:%M"), r.user or "system", r.action, ", ".join(sorted(r.changes)),
                 r.comment) for r in obj.revisions.select_related("user")] if obj.pk else []
        return format_html_join(mark_safe("<br>"), "{} · {} · {} ({}) {}", rows) or "—"

    def save_model(self, request, obj, form, change):
        save_rule_set(rule_set=obj, user=request.user, comment=request.POST.get("_comment", ""))


@admin.register(RuleSetRevision)
class RuleSetRevisionAdmin(admin.ModelAdmin):
    list_display = ("rule_set", "at", "user", "action")
    list_filter = ("rule_set",)
    readonly_fields = ("rule_set", "at", "user", "action", "changes", "snapshot", "comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
