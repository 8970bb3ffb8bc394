from django.contrib import admin

from .models import RuleSet, RuleSetRevision
from .services import save_rule_set


class RevisionInline(admin.TabularInline):
    model = RuleSetRevision
    extra = 0
    can_delete = False
    fields = ("at", "user", "action", "changed_fields", "comment")
    readonly_fields = fields
    ordering = ("-at", "-id")

    def changed_fields(self, obj):
        return ", ".join(sorted(obj.changes))

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Amend a version in place to correct it; "Save as new" with a higher version when the law changes."""

    list_display = ("code", "version", "title", "effective_from", "effective_until", "active")
    list_filter = ("active",)
    save_as = True
    inlines = [RevisionInline]

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
