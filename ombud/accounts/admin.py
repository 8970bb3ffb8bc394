from django.contrib import admin

from .models import ApiKey, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "authority", "business")
    list_filter = ("role",)
    raw_id_fields = ("authority", "business")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "role", "authority", "created_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash")
    raw_id_fields = ("authority",)
