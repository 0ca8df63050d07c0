"""
Admin for events, series, shifts, signups and reports.

Every write made here goes through events.services, as the dashboard's and the API's do, so an
admin edit raises an event's sequence, tells its volunteers, keeps capacity above the confirmed
count and promotes the waitlist exactly as they would. What no service changes is read-only:
status (changed by the publish and cancel actions), the chapter once chosen, uid and sequence.

Services own their transactions (`atomic(durable=True)`), so these views do not wrap a save in the
admin's usual atomic block: an event and its shifts are saved one service call after another. A
service's refusal is shown beside the field at fault when nothing was written before it (see
ServiceAdmin.changeform_view).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.admin import MembershipInline
from outreach.models import Campaign, Chapter

from . import services
from .enums import Audience, EventStatus
from .models import Event, EventReport, EventSeries, Shift, Signup
from .validators import MAX_CAPACITY, validate_capacity

EVENT_CHANGES = (*services.EVENT_EDITABLE_FIELDS, "partners")
"""What event_update takes: the admin's event form changes only these."""

SERIES_CHANGES = (
    *services.SERIES_FIELDS,
    "recurrence",
    "start_date",
    "start_time",
    "duration",
    "capacity",
    "partners",
)
SHIFT_CHANGES = ("name", "description", "starts_at", "ends_at", "capacity")
REPORT_COUNTS = ("people_reached", "materials_distributed", "partners_engaged", "notes")

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


# Service refusals, shown where the admin shows errors


class Refused(Exception):
    """A service refused the save of the form at `prefix` (None for the admin's main form)."""

    def __init__(self, prefix: str | None, error: ValidationError):
        super().__init__(error)
        self.prefix, self.error = prefix, error


def refusal_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def call_service(request, prefix: str | None, service, **kwargs):
    """Call `service`; a ValidationError becomes Refused for the form at `prefix`, and writes are counted."""
    try:
        result = service(**kwargs)
    except ValidationError as error:
        raise Refused(prefix, error) from error
    request.admin_writes = getattr(request, "admin_writes", 0) + 1
    return result


class ServiceForm(forms.ModelForm):
    """A ModelForm that shows a service's refusal of an earlier try of the same POST as its own errors."""

    refusals: dict = {}  # form prefix -> ValidationError, on a per-request subclass (see with_refusals)

    def clean(self):
        cleaned = super().clean()
        error = self.refusals.get(self.prefix)
        if error is not None:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, error)
        return cleaned


def with_refusals(request, form_class):
    refusals = getattr(request, "admin_refusals", None)
    if not refusals:
        return form_class
    return type(form_class.__name__, (form_class,), {"refusals": refusals})


def changed(form, names) -> dict:
    """The cleaned values of the fields among `names` that the form changed."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in names}


def adopt(obj, saved) -> None:
    """Make the admin's `obj` the row a service saved, for the admin's log, message and redirect."""
    vars(obj).update(vars(saved))


class ServiceAdmin(admin.ModelAdmin):
    """
    A ModelAdmin whose saves call services. Subclasses implement save_model (and save_formset for
    their inlines) with call_service; the form's many-to-many fields are the services' to save.
    """

    form = ServiceForm
    formfield_overrides = URL_FIELDS

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # No atomic block around the view (ModelAdmin has one): each service's is durable.
        try:
            return self._changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:
            if getattr(request, "admin_writes", 0):
                # Part of the POST is saved; re-showing it would offer the saved part again.
                messages.error(request, _("Not saved: %(reason)s") % {"reason": refusal_text(refused.error)})
                messages.warning(request, _("The changes before it were saved; check the form before saving again."))
                return HttpResponseRedirect(request.get_full_path())
            # Nothing was written: the same POST again, with the refusal as the forms' errors.
            request.admin_refusals = {refused.prefix: refused.error}
            try:
                return self._changeform_view(request, object_id, form_url, extra_context)
            except Refused as again:  # the form it belongs to was not validated again
                messages.error(request, _("Not saved: %(reason)s") % {"reason": refusal_text(again.error)})
                return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return self._delete_view(request, object_id, extra_context)
        except Refused as refused:
            messages.error(request, _("Not deleted: %(reason)s") % {"reason": refusal_text(refused.error)})
            return HttpResponseRedirect(request.get_full_path())

    def log_deletions(self, request, queryset):
        """Left to logged_delete: a row is logged once the service has deleted it, not before it tries."""

    def logged_delete(self, request, obj, service, **kwargs):
        """Delete `obj` through `service`, then log it (delete_model's work in a subclass)."""
        call_service(request, None, service, **kwargs)
        super().log_deletions(request, [obj])

    def delete_queryset(self, request, queryset):
        deleted = 0
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except Refused as refused:
                messages.error(request, f"{obj}: {refusal_text(refused.error)}")
            else:
                deleted += 1
        if deleted < len(queryset):
            messages.warning(request, _("%(count)d of them were deleted.") % {"count": deleted})

    def get_form(self, request, obj=None, change=False, **kwargs):
        return with_refusals(request, super().get_form(request, obj, change, **kwargs))

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def run_actions(self, request, queryset, service, done: str) -> None:
        """Call `service` on each selected row; report the refusals one by one and the rest together."""
        count = 0
        for obj in queryset:
            try:
                service(obj)
            except ValidationError as error:
                self.message_user(request, f"{obj}: {refusal_text(error)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)


class ServiceInline(admin.TabularInline):
    form = ServiceForm

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_refusals(request, formset.form)
        return formset


def mark_saved(formset, new=(), changed_objects=(), deleted=()) -> None:
    """What formset.save() would have recorded, for the admin's change message."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = (
        list(new),
        list(changed_objects),
        list(deleted),
    )


def audiences_field():
    return forms.MultipleChoiceField(
        label=gettext_lazy("audiences"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Who the event is for."),
    )


# Shifts and signups


class ShiftForm(ServiceForm):
    def clean(self):
        cleaned = super().clean()
        capacity = cleaned.get("capacity")
        if self.instance.pk is not None and capacity is not None and "capacity" in self.changed_data:
            try:
                validate_capacity(capacity, confirmed=self.instance.signups.confirmed().count())
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class ShiftInlineForm(ShiftForm):
    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and not {"starts_at", "ends_at"} & set(self.changed_data):
            # A shift whose times are left alone moves with its event (services._reschedule_shifts),
            # which checks that it still fits: here it is checked against the event as stored.
            cleaned["event"] = Event.objects.get(pk=self.instance.event_id)
        return cleaned


class ShiftInline(ServiceInline):
    model = Shift
    form = ShiftInlineForm
    extra = 0
    fields = ["name", "starts_at", "ends_at", "capacity", "cancelled_at"]
    readonly_fields = ["cancelled_at"]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.is_cancelled)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_cancelled)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_cancelled)


class SignupCheckInForm(ServiceForm):
    def clean(self):
        cleaned = super().clean()
        if {"attended", "hours"} & set(self.changed_data) and cleaned.get("attended") is None:
            self.add_error("attended", _("Choose whether the volunteer came: Yes or No."))
        return cleaned


def check_in(request, prefix, form) -> Signup | None:
    """Record a check-in changed on `form` through signup_check_in; None when nothing changed."""
    if not {"attended", "hours"} & set(form.changed_data):
        return None
    hours = form.cleaned_data["hours"] if "hours" in form.changed_data else None
    return call_service(
        request,
        prefix,
        services.signup_check_in,
        signup=form.instance,
        attended=form.cleaned_data["attended"],
        hours=hours,
    )


class SignupInline(ServiceInline):
    """Signups are read-only but for check-in; they are made and cancelled on the site or the API."""

    model = Signup
    form = SignupCheckInForm
    extra = 0
    fields = ["user", "status", "attended", "hours", "created_at"]
    readonly_fields = ["user", "status", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# Series and events


class EventSeriesForm(ServiceForm):
    audiences = audiences_field()
    dropped = forms.ChoiceField(
        label=gettext_lazy("Published dates the change takes out"),
        choices=[
            ("", gettext_lazy("Refuse the change and list them")),
            ("cancel", gettext_lazy("Cancel them (their volunteers are told)")),
            ("keep", gettext_lazy("Keep them as one-off events")),
        ],
        required=False,
        help_text=gettext_lazy(
            "When the new rule or time no longer gives a published date, it is never just deleted: "
            "it is cancelled or kept as an event on its own."
        ),
    )


@admin.register(EventSeries)
class EventSeriesAdmin(ServiceAdmin):
    form = EventSeriesForm
    list_display = ["title", "chapter", "recurrence", "start_date", "start_time", "status"]
    list_filter = ["status", "strategy", "chapter"]
    list_select_related = ["chapter"]
    search_fields = ["title", "description", "chapter__name"]
    autocomplete_fields = ["chapter", "campaign", "partners"]
    readonly_fields = ["status", "created_by", "created_at", "updated_at"]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "chapter"] if obj is not None else self.readonly_fields

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return (
            fields if obj is not None else [name for name in fields if name != "dropped"]
        )  # a new series drops nothing

    def has_delete_permission(self, request, obj=None):
        return False  # no service deletes a series; its dates are cancelled one by one or by editing its rule

    def save_model(self, request, obj, form, change):
        if change:
            if not (changes := changed(form, SERIES_CHANGES)):
                return
            dropped = form.cleaned_data.get("dropped") or None
            saved = call_service(request, None, services.series_update, series=obj, dropped=dropped, **changes)
        else:
            data = form.cleaned_data
            saved = call_service(
                request,
                None,
                services.series_create,
                chapter=data["chapter"],
                created_by=request.user,
                partners=list(data["partners"]),
                **{name: data[name] for name in SERIES_CHANGES if name in data and name != "partners"},
            )
        adopt(obj, saved)

    @admin.action(description=gettext_lazy("Publish the selected series"), permissions=["change"])
    def publish(self, request, queryset):
        self.run_actions(
            request,
            queryset,
            lambda series: services.series_publish(series=series),
            _("%(count)d series published, with their upcoming dates."),
        )


class EventForm(ServiceForm):
    audiences = audiences_field()


class EventAddForm(EventForm):
    capacity = forms.IntegerField(
        label=gettext_lazy("places"),
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=services.DEFAULT_CAPACITY,
        help_text=gettext_lazy("Places on the event's one shift; add more shifts once it is saved."),
    )


WHAT = ["title", "summary", "description", "strategy", "audiences", "language", "campaign", "partners"]
WHEN = ["starts_at", "ends_at", "all_day", "timezone"]
WHERE = ["format", "venue", "address", "latitude", "longitude", "address_visibility", "online_url", "visibility"]
RECORD = [
    "status",
    "series",
    "occurrence_date",
    "detached",
    "cancellation_note",
    "uid",
    "sequence",
    "created_by",
    "created_at",
    "updated_at",
]


@admin.register(Event)
class EventAdmin(ServiceAdmin):
    form = EventForm
    list_display = ["title", "chapter", "starts_at", "timezone", "status", "visibility", "strategy", "sequence"]
    list_filter = ["status", "visibility", "strategy", "format", "chapter", "campaign"]
    list_select_related = ["chapter", "campaign"]
    search_fields = ["title", "summary", "description", "venue", "chapter__name", "uid"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["chapter", "campaign", "partners"]
    readonly_fields = ["chapter", *RECORD]
    fieldsets = [
        (None, {"fields": ["chapter", *WHAT]}),
        (gettext_lazy("When"), {"fields": WHEN}),
        (gettext_lazy("Where"), {"fields": WHERE}),
        (gettext_lazy("Record"), {"fields": RECORD}),
    ]
    add_fieldsets = [
        (None, {"fields": ["chapter", *WHAT]}),
        (gettext_lazy("When"), {"fields": WHEN}),
        (gettext_lazy("Where"), {"fields": WHERE}),
        (gettext_lazy("Shift"), {"fields": ["capacity"]}),
    ]
    inlines = [ShiftInline]
    actions = ["publish", "cancel"]

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj is not None else self.add_fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EventAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # event_create makes the first shift

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_cancelled)

    def has_delete_permission(self, request, obj=None):
        # Only a draft may be deleted; a published event is cancelled, so calendars learn of it.
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == EventStatus.DRAFT)

    def save_model(self, request, obj, form, change):
        if change:
            if not (changes := changed(form, EVENT_CHANGES)):
                return
            saved = call_service(request, None, services.event_update, event=obj, **changes)
        else:
            data = form.cleaned_data
            details = {name: data[name] for name in services.EVENT_EDITABLE_FIELDS if name in data}
            saved = call_service(
                request,
                None,
                services.event_create,
                chapter=data["chapter"],
                created_by=request.user,
                capacity=data["capacity"],
                partners=list(data["partners"]),
                **details,
            )
        adopt(obj, saved)

    def save_formset(self, request, form, formset, change):
        """The event's shifts: changed rows through shift_update, new ones shift_create, deleted ones shift_delete."""
        event, new, changed_objects, deleted = form.instance, [], [], []
        for shift_form in formset.initial_forms:
            shift = shift_form.instance
            if shift_form in formset.deleted_forms:
                try:
                    call_service(request, None, services.shift_delete, shift=shift)
                except Refused as refused:
                    message = _("The shift “%(shift)s” was not deleted: %(reason)s") % {
                        "shift": shift.name,
                        "reason": refusal_text(refused.error),
                    }
                    raise Refused(None, ValidationError(message)) from refused
                deleted.append(shift)
            elif shift_changes := changed(shift_form, SHIFT_CHANGES):
                saved = call_service(request, shift_form.prefix, services.shift_update, shift=shift, **shift_changes)
                changed_objects.append((saved, list(shift_changes)))
        for shift_form in formset.extra_forms:
            if shift_form.has_changed() and shift_form not in formset.deleted_forms:
                data = {
                    name: shift_form.cleaned_data[name] for name in SHIFT_CHANGES if name in shift_form.cleaned_data
                }
                new.append(call_service(request, shift_form.prefix, services.shift_create, event=event, **data))
        mark_saved(formset, new, changed_objects, deleted)

    def delete_model(self, request, obj):
        self.logged_delete(request, obj, services.event_delete, event=obj)

    @admin.action(description=gettext_lazy("Publish the selected drafts"), permissions=["change"])
    def publish(self, request, queryset):
        self.run_actions(
            request,
            queryset,
            lambda event: services.event_publish(event=event),
            _("%(count)d events published."),
        )

    @admin.action(
        description=gettext_lazy("Cancel the selected events and tell their volunteers"), permissions=["change"]
    )
    def cancel(self, request, queryset):
        self.run_actions(
            request,
            queryset,
            lambda event: services.event_cancel(event=event, note=""),
            _("%(count)d events cancelled."),
        )


@admin.register(Shift)
class ShiftAdmin(ServiceAdmin):
    form = ShiftForm
    list_display = ["name", "event", "starts_at", "ends_at", "capacity", "cancelled_at"]
    list_filter = ["event__chapter"]
    list_select_related = ["event", "event__chapter"]
    search_fields = ["name", "event__title"]
    autocomplete_fields = ["event"]
    fields = ["event", "name", "description", "starts_at", "ends_at", "capacity", "cancelled_at", "cancellation_note"]
    readonly_fields = ["cancelled_at", "cancellation_note"]
    inlines = [SignupInline]

    def get_readonly_fields(self, request, obj=None):
        return ["event", *self.readonly_fields] if obj is not None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_cancelled)

    def save_model(self, request, obj, form, change):
        if change:
            if not (changes := changed(form, SHIFT_CHANGES)):
                return
            saved = call_service(request, None, services.shift_update, shift=obj, **changes)
        else:
            data = form.cleaned_data
            fields = {name: data[name] for name in SHIFT_CHANGES if name in data}
            saved = call_service(request, None, services.shift_create, event=data["event"], **fields)
        adopt(obj, saved)

    def save_formset(self, request, form, formset, change):
        """The shift's signups: check-in only, through signup_check_in."""
        changed_objects = []
        for signup_form in formset.initial_forms:
            saved = check_in(request, signup_form.prefix, signup_form)
            if saved is not None:
                changed_objects.append((saved, ["attended", "hours"]))
        mark_saved(formset, changed_objects=changed_objects)

    def delete_model(self, request, obj):
        self.logged_delete(request, obj, services.shift_delete, shift=obj)


@admin.register(Signup)
class SignupAdmin(ServiceAdmin):
    """Read-only but for check-in: signups are made and cancelled on the site or the API (waitlist promotion)."""

    form = SignupCheckInForm
    list_display = ["user", "shift", "status", "attended", "hours", "created_at"]
    list_filter = ["status", "attended", "shift__event__chapter"]
    list_select_related = ["user", "shift", "shift__event"]
    search_fields = ["user__email", "user__display_name", "shift__name", "shift__event__title"]
    fields = [
        "user",
        "shift",
        "status",
        "attended",
        "hours",
        "checked_in_at",
        "created_at",
        "updated_at",
        "cancelled_at",
    ]
    readonly_fields = ["user", "shift", "status", "checked_in_at", "created_at", "updated_at", "cancelled_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = check_in(request, None, form)
        if saved is not None:
            adopt(obj, saved)


@admin.register(EventReport)
class EventReportAdmin(ServiceAdmin):
    list_display = ["event", "people_reached", "materials_distributed", "partners_engaged", "updated_by", "updated_at"]
    list_filter = ["event__chapter", "event__strategy"]
    list_select_related = ["event", "updated_by"]
    search_fields = ["event__title", "event__chapter__name", "notes"]
    autocomplete_fields = ["event"]
    fields = ["event", *REPORT_COUNTS, "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["event", *self.readonly_fields] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # a report is corrected, not removed

    def save_model(self, request, obj, form, change):
        event = obj.event if change else form.cleaned_data["event"]
        counts = changed(form, REPORT_COUNTS) if change else {name: form.cleaned_data[name] for name in REPORT_COUNTS}
        if change and not counts:
            return
        adopt(obj, call_service(request, None, services.report_save, event=event, updated_by=request.user, **counts))


# Chapters and campaigns: registered here, not in outreach/admin.py, because their edits go through
# events.services, which carries a chapter's rename into its events' calendar entries.


class UpdatedByServiceAdmin(ServiceAdmin):
    """
    An admin whose changes go through `update_service(<update_argument>=obj, **changes)`; a new row
    has no feed yet and is saved as it is.
    """

    update_service = None
    update_argument = ""

    def save_model(self, request, obj, form, change):
        if not change:
            obj.full_clean()
            obj.save()
        elif changes := changed(form, form.changed_data):
            service = type(self).update_service
            adopt(obj, call_service(request, None, service, **{self.update_argument: obj}, **changes))


@admin.register(Chapter)
class ChapterAdmin(UpdatedByServiceAdmin):
    list_display = ["name", "slug", "city", "country", "timezone", "is_active"]
    list_filter = ["is_active", "country", "timezone"]
    search_fields = ["name", "slug", "city", "region"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    update_service, update_argument = services.chapter_update, "chapter"


@admin.register(Campaign)
class CampaignAdmin(UpdatedByServiceAdmin):
    list_display = ["name", "slug", "starts_on", "ends_on"]
    search_fields = ["name", "slug"]
    date_hierarchy = "starts_on"
    prepopulated_fields = {"slug": ["name"]}
    update_service, update_argument = services.campaign_update, "campaign"
