from django.contrib import admin

from .models import RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "title", "effective_from", "effective_until", "active")
    list_filter = ("active",)
