from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from .models import RuleSet, RuleSetRevision
from .services import save_rule_set


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Amend a version in place to correct it; "Save as new" with a higher version when the law changes."""

    list_display = ("code", "version", "title", "effective_from", "effective_until", "active")
    list_filter = ("active",)
    save_as = True
    readonly_fields = ("history",)

    @admin.display(description="history of changes")
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
