from django.contrib import admin

from .models import Alert, ConsumerWarning, DetectionRule, WarningEvent


@admin.register(DetectionRule)
class DetectionRuleAdmin(admin.ModelAdmin):
    """Thresholds and parameters as data: each saved change raises the rule's version, which new alerts carry."""

    list_display = ("level", "method", "min_count", "window", "active", "version", "updated_at")
    list_filter = ("level", "active")
    readonly_fields = ("version", "updated_at")

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            obj.version += 1
        super().save_model(request, obj, form, change)


class ReadOnly(admin.ModelAdmin):
    """Changed through the desk's pages (and their checks), never here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ("day", "level", "key", "scope", "observed", "expected", "threshold", "method", "status")
    list_filter = ("level", "status", "method")
    search_fields = ("key",)
    date_hierarchy = "day"


class EventInline(admin.TabularInline):
    model = WarningEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "actor_label", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConsumerWarning)
class ConsumerWarningAdmin(ReadOnly):
    list_display = ("id", "kind", "title_zh", "scope", "status", "drafted_at", "published_at")
    list_filter = ("kind", "status")
    search_fields = ("title_zh", "title_en")
    inlines = [EventInline]
