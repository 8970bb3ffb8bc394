from django.contrib import admin

from .models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("scheme", "code", "name_zh", "name_en", "group", "active", "version", "retired_in")
    list_filter = ("scheme", "active", "group")
    search_fields = ("code", "name_zh", "name_en")
