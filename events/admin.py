"""
Admin for events, series, shifts and signups.

Admin edits go straight to the models, so the rules that services enforce (sequence bumps,
locking, promotions) are not applied here: signups and status are read-only, and leads use the
site or the API for day-to-day work.
"""

from django.contrib import admin
from django.db import models

from .models import Event, EventSeries, Shift, Signup


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0
    fields = ["name", "starts_at", "ends_at", "capacity"]


class SignupInline(admin.TabularInline):
    model = Signup
    extra = 0
    fields = ["user", "status", "attended", "hours", "created_at"]
    readonly_fields = ["user", "status", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "chapter", "recurrence", "start_date", "start_time", "status"]
    list_filter = ["status", "strategy", "chapter"]
    list_select_related = ["chapter"]
    search_fields = ["title", "description", "chapter__name"]
    autocomplete_fields = ["chapter", "campaign", "partners"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "chapter", "starts_at", "timezone", "status", "visibility", "strategy", "sequence"]
    list_filter = ["status", "visibility", "strategy", "format", "chapter", "campaign"]
    list_select_related = ["chapter", "campaign"]
    search_fields = ["title", "summary", "description", "venue", "chapter__name", "uid"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["chapter", "campaign", "partners", "series"]
    readonly_fields = ["uid", "sequence", "status", "series", "occurrence_date", "created_at", "updated_at"]
    inlines = [ShiftInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "starts_at", "ends_at", "capacity"]
    list_filter = ["event__chapter"]
    list_select_related = ["event", "event__chapter"]
    search_fields = ["name", "event__title"]
    autocomplete_fields = ["event"]
    inlines = [SignupInline]


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ["user", "shift", "status", "attended", "hours", "created_at"]
    list_filter = ["status", "attended", "shift__event__chapter"]
    list_select_related = ["user", "shift", "shift__event"]
    search_fields = ["user__email", "user__display_name", "shift__name", "shift__event__title"]
    readonly_fields = ["user", "shift", "status", "created_at", "updated_at", "cancelled_at"]
    date_hierarchy = "created_at"
