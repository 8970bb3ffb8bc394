from django.contrib import admin

from .models import Authority, Region, RegionEdition


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "level", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name", "full_name")
    raw_id_fields = ("parent",)


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "level", "active")
    list_filter = ("kind", "level", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("region", "parent")


@admin.register(RegionEdition)
class RegionEditionAdmin(admin.ModelAdmin):
    list_display = ("name", "as_of", "regions", "loaded_at", "is_current")
