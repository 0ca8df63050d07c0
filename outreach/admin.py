from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Membership, Partner, User

admin.site.site_header = _("Outreach administration")
admin.site.site_title = _("Outreach admin")
admin.site.index_title = _("Chapters, events and volunteers")


class ReadOnlyMemberships:
    """
    Memberships and roles change through outreach.services (the last lead stays, cached roles are
    forgotten), which the dashboard's members page uses, for staff in every chapter; the admin shows
    them only.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Chapters and campaigns are registered in events/admin.py: their edits go through events.services,
# which raises the SEQUENCE of their events' calendar entries and bumps the feeds' versions.


class MembershipInline(ReadOnlyMemberships, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "chapter", "role", "created_at"]
    readonly_fields = fields


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "legal_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "memberships__role"]
    search_fields = ["email", "display_name", "legal_name", "phone"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "legal_name", "phone"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A deactivated account keeps no API token: reactivating it does not bring a stolen one back.
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.api_tokens_revoke(user=obj)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMemberships, admin.ModelAdmin):
    list_display = ["user", "chapter", "role", "created_at"]
    list_filter = ["role", "chapter"]
    list_select_related = ["user", "chapter"]
    search_fields = ["user__email", "user__display_name", "chapter__name"]
    autocomplete_fields = ["user", "chapter"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "chapter"]
    list_filter = ["kind", "chapter"]
    list_select_related = ["chapter"]
    search_fields = ["name", "chapter__name"]
    # Typed addresses without a scheme are https, as Django 6 will assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
