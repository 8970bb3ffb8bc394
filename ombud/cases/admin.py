from django.contrib import admin

from .models import Case, CaseEvent


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "actor_label", "from_status", "to_status", "authority", "reason", "article")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "status", "authority", "received_at", "incomplete")
    list_filter = ("kind", "status", "channel", "incomplete")
    search_fields = ("ticket",)
    raw_id_fields = ("respondent", "platform", "authority", "intake_authority", "complainant_region",
                     "conduct_region", "linked_case", "submitted_by_key", "submitted_by_user", "rule_set")
    inlines = [EventInline]
    readonly_fields = ("ticket", "received_at", "rule_set")
