from django.contrib import admin
from django.db import transaction

from .models import CalendarDay, HolidayArrangement
from .selectors import clear_cache


def _changed(years):
    """Clear this process's cache now; after commit, a worker recomputes the years' open deadlines."""
    from ombud.workflow.tasks import recompute_year

    clear_cache()
    for year in set(years):
        transaction.on_commit(lambda y=year: recompute_year(y))


def _year(obj):
    return obj.year if isinstance(obj, HolidayArrangement) else obj.date.year


class _ClearsCache:
    """Edits take effect in this process at once, in the others within the cache TTL; open
    deadlines touching the edited year are recomputed in the background."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _changed([_year(obj)])

    def delete_model(self, request, obj):
        year = _year(obj)
        super().delete_model(request, obj)
        _changed([year])

    def delete_queryset(self, request, queryset):
        years = [_year(o) for o in queryset]
        super().delete_queryset(request, queryset)
        _changed(years)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _changed([_year(form.instance)])


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
