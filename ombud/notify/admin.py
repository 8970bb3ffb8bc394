from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Message
from .services import requeue


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox; filter on status "dead" for the dead letters."""

    list_display = ("id", "created_at", "status", "channel", "to", "template", "attempts", "last_error")
    list_filter = ("status", "channel", "template")
    search_fields = ("to", "case__ticket")
    readonly_fields = [f.name for f in Message._meta.fields]
    actions = ["send_again"]

    @admin.action(description=_("Send the selected dead letters again"))
    def send_again(self, request, queryset):
        n = requeue(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, ngettext("%(n)d message queued again", "%(n)d messages queued again", n) % {"n": n},
                          messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
