"""The outbox in the admin: read-only, the record of what was sent, when, and why not."""

from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: the outbox is the record of what was sent, when, and why not."""

    list_display = ["created_at", "kind", "email", "subject", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["user"]
    search_fields = ["email", "subject", "dedupe_key"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "state",
        "user",
        "email",
        "reply_to",
        "subject",
        "dedupe_key",
        "signup",
        "event",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "sent_at",
        "created_at",
        "body_text",
        "body_html",
        "calendar",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
