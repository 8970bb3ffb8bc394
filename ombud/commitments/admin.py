from django.contrib import admin
from django.db.models import Max

from .models import Breach, Commitment, CommitmentEvent, CommitmentRule, Rating, Shop


@admin.register(CommitmentRule)
class CommitmentRuleAdmin(admin.ModelAdmin):
    """Rules as data. Saving, whether a new rule or a change to one, adds a version: the rows events cite stay as
    they were."""

    list_display = ("registry", "version", "effective_from", "title_zh", "revoke_after", "breach_shown_days",
                    "created_at")
    list_filter = ("registry",)
    readonly_fields = ("version", "created_at", "created_by")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        latest = CommitmentRule.objects.filter(registry=obj.registry).aggregate(v=Max("version"))["v"] or 0
        obj.pk, obj._state.adding = None, True
        obj.version, obj.created_by = latest + 1, request.user
        obj.save()


class ReadOnly(admin.ModelAdmin):
    """Changed through the desk's pages (and their checks), never here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ShopInline(ReadOnlyInline):
    model = Shop
    fields = readonly_fields = ("name", "address", "county", "listed")


class EventInline(ReadOnlyInline):
    model = CommitmentEvent
    fields = readonly_fields = ("at", "action", "actor_label", "from_status", "to_status", "rule", "note")


@admin.register(Commitment)
class CommitmentAdmin(ReadOnly):
    list_display = ("id", "name", "registry", "status", "days", "region_path", "applied_at", "approved_at")
    list_filter = ("registry", "status")
    search_fields = ("name",)
    inlines = (ShopInline, EventInline)


@admin.register(Breach)
class BreachAdmin(ReadOnly):
    list_display = ("id", "commitment", "case", "issue_type", "status", "flagged_at", "decided_at")
    list_filter = ("status",)


@admin.register(CommitmentEvent)
class CommitmentEventAdmin(ReadOnly):
    list_display = ("at", "commitment", "action", "actor_label", "from_status", "to_status", "rule")
    list_filter = ("action",)
    date_hierarchy = "at"


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ("commitment", "stars", "at")
    exclude = ("rater",)
