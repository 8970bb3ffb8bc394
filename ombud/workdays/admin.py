from django.contrib import admin

from .models import CalendarDay, HolidayArrangement
from .selectors import clear_cache


class _ClearsCache:
    """Edits take effect in this process at once, in the others within the cache TTL."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        clear_cache()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        clear_cache()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        clear_cache()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        clear_cache()


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(HolidayArrangement)
class HolidayArrangementAdmin(_ClearsCache, admin.ModelAdmin):
    list_display = ("year", "official", "source", "loaded_at")
    list_filter = ("official",)
    inlines = [CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(_ClearsCache, admin.ModelAdmin):
    list_display = ("date", "kind", "name", "arrangement")
    list_filter = ("kind", "arrangement")
    date_hierarchy = "date"
    search_fields = ("name",)
