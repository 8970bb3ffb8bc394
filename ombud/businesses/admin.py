from django.contrib import admin

from .models import Business


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "kind", "operating_region", "odr_enrolled", "address_needs_review")
    list_filter = ("kind", "odr_enrolled", "address_needs_review")
    search_fields = ("name", "uscc")
    raw_id_fields = ("platform", "registered_region", "operating_region")
