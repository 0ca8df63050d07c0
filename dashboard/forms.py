"""
Forms of the lead dashboard.

Times are entered as a local date and time in the event's own zone and made aware with
make_aware_local, so a time the clocks skip is refused beside the field that holds it. Each rule
comes from validators.py; a refusal from a service is shown beside its field by add_service_errors.
Every text field refuses control characters (outreach.validators): one-line fields also line
breaks and tabs, multi-line ones only the others.
"""

import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.enums import Audience, Frequency
from events.models import EVENT_DETAIL_FIELDS, Event, EventReport, EventSeries, Shift
from events.validators import (
    MAX_CAPACITY,
    MAX_REPORT_COUNT,
    duration_text,
    make_aware_local,
    series_rule_dates,
    shift_margin,
    validate_capacity,
    validate_hours,
    validate_shift_within_event,
    validate_window,
)
from outreach.enums import Role
from outreach.models import Campaign, Partner, User
from outreach.validators import validate_plain_text, validate_single_line

TEXT_VALIDATORS = (validate_single_line, validate_plain_text)

TIMEZONE_CHOICES = [
    (name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name and not name.startswith("Etc/")
] + [("UTC", "UTC")]

SERVICE_FIELDS = {"starts_at": "start_time", "ends_at": "end_time", "recurrence": "repeat", "duration": "end_time"}
"""Service and validator keys that a form shows beside a field of another name."""


def add_service_errors(form: forms.Form, error: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Show a refusal beside the form field it names (through `fields`), or above the form if none."""
    mapping = {**SERVICE_FIELDS, **(fields or {})}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        name = mapping.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


def _text_only(field: forms.Field) -> forms.Field:
    """
    A field with a text validator drops Django's NUL check: the validator refuses NUL too, and says
    where it is, so the field shows one message, not two about the same character.
    """
    if any(validator in TEXT_VALIDATORS for validator in field.validators):
        field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
    return field


def _model_field(model: type[models.Model], name: str, **kwargs) -> forms.Field:
    """
    The model field's form field, with the model's text validator: Django hands a model's validators
    to ModelForms only, and these forms are plain ones.
    """
    field = model._meta.get_field(name).formfield(**kwargs)
    model_text = [v for v in model._meta.get_field(name).validators if v in TEXT_VALIDATORS]
    field.validators = [*(v for v in model_text if v not in field.validators), *field.validators]
    return _text_only(field)


def _event_field(name: str, **kwargs) -> forms.Field:
    return _model_field(Event, name, **kwargs)


def _date_field(label) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


def _time_field(label, help_text) -> forms.TimeField:
    return forms.TimeField(
        label=label, help_text=help_text, widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    )


class LocalWindowMixin:
    """start_date, start_time, end_date and end_time in a zone, made into aware `starts_at` and `ends_at`."""

    def clean_window(self, zone: str) -> None:
        data = self.cleaned_data
        parts = [data.get(name) for name in ("start_date", "start_time", "end_date", "end_time")]
        if None in parts or not zone:
            return
        start_date, start_time, end_date, end_time = parts
        try:
            starts_at = make_aware_local(dt.datetime.combine(start_date, start_time), zone, field="start_time")
            ends_at = make_aware_local(dt.datetime.combine(end_date, end_time), zone, field="end_time")
            validate_window(starts_at, ends_at, start_field="start_time", end_field="end_time")
        except ValidationError as error:
            add_service_errors(self, error)
            return
        data["starts_at"], data["ends_at"] = starts_at, ends_at


class EventForm(LocalWindowMixin, forms.Form):
    """An event's details and local times; when creating, also a repeat rule and the default shift's places."""

    ONE_OFF = ""
    REPEAT_CHOICES = [
        (ONE_OFF, _("Does not repeat")),
        (Frequency.WEEKLY, _("Weekly")),
        (Frequency.MONTHLY, _("Monthly")),
    ]

    title = _event_field("title")
    summary = _event_field("summary")
    description = _event_field("description")
    strategy = _event_field("strategy")
    audiences = forms.MultipleChoiceField(
        label=_("Audiences"), choices=Audience.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    language = _event_field("language", validators=[validate_single_line])
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=TIMEZONE_CHOICES, help_text=_("Defaults to the chapter's.")
    )
    start_date = _date_field(_("Start date"))
    start_time = _time_field(_("Start time"), _("Local time in the time zone above."))
    end_date = _date_field(_("End date"))
    end_time = _time_field(_("End time"), _("Local time in the time zone above."))
    repeat = forms.ChoiceField(label=_("Repeat"), choices=REPEAT_CHOICES, required=False)
    count = forms.IntegerField(
        label=_("Number of dates"),
        required=False,
        min_value=1,
        max_value=settings.SERIES_MAX_OCCURRENCES,
        help_text=_("For a repeating event: how many dates, or leave empty and give a last date."),
    )
    until = forms.DateField(
        label=_("Last date"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("For a repeating event: repeat up to this date."),
    )
    format = _event_field("format")
    venue = _event_field("venue")
    address = _event_field("address")
    latitude = _event_field("latitude")
    longitude = _event_field("longitude")
    address_visibility = _event_field("address_visibility")
    online_url = _event_field(
        "online_url",
        assume_scheme="https",
        # A URL's path may hold control characters that a calendar refuses; the model does not check.
        validators=[validate_single_line],
        help_text=_("Needed to publish an online or hybrid event."),
    )
    visibility = _event_field("visibility")
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.all(), required=False)
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"), queryset=Partner.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=20,
        help_text=_("Volunteer places on the event's shift; add more shifts later."),
    )

    CREATE_ONLY = ("repeat", "count", "until", "capacity")
    FIELDSETS = (
        (_("What"), ("title", "summary", "description", "strategy", "audiences", "language")),
        (_("When"), ("timezone", "start_date", "start_time", "end_date", "end_time", "repeat", "count", "until")),
        (
            _("Where"),
            ("format", "venue", "address", "latitude", "longitude", "address_visibility", "online_url"),
        ),
        (_("Who"), ("visibility", "campaign", "partners", "capacity")),
    )
    DETAIL_FIELDS = EVENT_DETAIL_FIELDS

    def __init__(self, *args, chapter, event: Event | None = None, **kwargs):
        self.chapter, self.event = chapter, event
        if event is not None:
            kwargs.setdefault("initial", self.initial_for(event))
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.filter(chapter=chapter).order_by("name")
        if event is None:
            self.fields["timezone"].initial = chapter.timezone
        else:
            for name in self.CREATE_ONLY:
                del self.fields[name]

    @staticmethod
    def initial_for(event: Event) -> dict:
        starts, ends = event.local_starts_at, event.local_ends_at
        return {
            **{name: getattr(event, name) for name in EventForm.DETAIL_FIELDS},
            "start_date": starts.date(),
            "start_time": starts.time(),
            "end_date": ends.date(),
            "end_time": ends.time(),
            "partners": list(event.partners.all()),
        }

    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            yield legend, [self[name] for name in names if name in self.fields]

    def clean(self):
        data = super().clean()
        self.clean_window(data.get("timezone"))
        if data.get("repeat") and "starts_at" in data:
            self._clean_recurrence(data)
        return data

    def _clean_recurrence(self, data) -> None:
        count, until = data.get("count"), data.get("until")
        if (count is None) == (until is None):
            self.add_error("count", _("Give either the number of dates or the last date, not both."))
            return
        if until is not None and until < data["start_date"]:
            self.add_error("until", _("The last date cannot be before the start date."))
            return
        end = f"COUNT={count}" if count is not None else f"UNTIL={until:%Y%m%d}T235959"
        data["recurrence"] = f"FREQ={data['repeat']};{end}"
        try:
            # Every date must have its local start time: refuse here rather than half-way through the series.
            series_rule_dates(
                data["recurrence"], start_date=data["start_date"], start_time=data["start_time"], zone=data["timezone"]
            )
        except ValidationError as error:
            add_service_errors(self, error)
            return

    def details(self) -> dict:
        """The cleaned values that services take as the event's details."""
        return {name: self.cleaned_data[name] for name in self.DETAIL_FIELDS}


class SeriesForm(forms.Form):
    """
    A series as a whole: every detail an event has (EVENT_DETAIL_FIELDS, the same fields as
    EventForm), its partners, its local time of day and the places new dates get. The repeat rule
    and the first date stay as created.
    """

    start_time = _time_field(_("Start time"), "")
    end_time = _time_field(_("End time"), _("Earlier than the start time: the next day."))
    capacity = forms.IntegerField(
        label=_("Places on new dates"),
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("Places on the shift of each date added from now on; existing shifts keep theirs."),
    )

    DETAIL_FIELDS = EVENT_DETAIL_FIELDS
    FIELDSETS = (
        (_("What"), ("title", "summary", "description", "strategy", "audiences", "language")),
        (_("When"), ("timezone", "start_time", "end_time")),
        (_("Where"), ("format", "venue", "address", "latitude", "longitude", "address_visibility", "online_url")),
        (_("Who"), ("visibility", "campaign", "partners", "capacity")),
    )

    def __init__(self, *args, series: EventSeries, **kwargs):
        self.series = series
        end = dt.datetime.combine(series.start_date, series.start_time) + series.duration
        initial = {name: getattr(series, name) for name in self.DETAIL_FIELDS}
        initial |= {"start_time": series.start_time, "end_time": end.time(), "capacity": series.capacity}
        initial["partners"] = list(series.partners.all())
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.filter(chapter=series.chapter).order_by("name")
        self.fields["start_time"].help_text = _("Local time in the time zone above.")

    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            yield legend, [self[name] for name in names]

    def clean(self):
        data = super().clean()
        start_time, end_time, zone = data.get("start_time"), data.get("end_time"), data.get("timezone")
        if start_time is None or end_time is None or not zone:
            return data
        if end_time == start_time:
            self.add_error("end_time", _("The end time must differ from the start time."))
            return data
        first = dt.datetime.combine(self.series.start_date, start_time)
        end = dt.datetime.combine(self.series.start_date, end_time)
        data["duration"] = end - first if end > first else end + dt.timedelta(days=1) - first
        try:
            # Every date must have its local start time: refuse beside the field, not half-way through.
            series_rule_dates(
                self.series.recurrence, start_date=self.series.start_date, start_time=start_time, zone=zone
            )
        except ValidationError as error:
            add_service_errors(self, error)
        return data

    def changes(self) -> dict:
        """The cleaned values as series_update takes them."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.DETAIL_FIELDS},
            "partners": list(data["partners"]),
            "start_time": data["start_time"],
            "duration": data["duration"],
            "capacity": data["capacity"],
        }


# The series editor shows an event's detail fields exactly as the event form does.
SeriesForm.base_fields = {
    **{name: EventForm.base_fields[name] for name in (*EVENT_DETAIL_FIELDS, "partners")},
    **SeriesForm.base_fields,
}


class ShiftForm(LocalWindowMixin, forms.Form):
    name = _model_field(Shift, "name")
    description = _model_field(Shift, "description", widget=forms.Textarea(attrs={"rows": 3}))
    start_date = _date_field(_("Start date"))
    start_time = _time_field(_("Start time"), "")
    end_date = _date_field(_("End date"))
    end_time = _time_field(_("End time"), "")
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=MAX_CAPACITY)

    def __init__(self, *args, event: Event, shift: Shift | None = None, confirmed: int = 0, **kwargs):
        self.event, self.confirmed = event, confirmed
        span = shift or event
        starts, ends = span.starts_at.astimezone(event.zone), span.ends_at.astimezone(event.zone)
        initial = {"start_date": starts.date(), "start_time": starts.time(), "end_date": ends.date()}
        initial |= {"end_time": ends.time(), "capacity": 4}
        if shift is not None:
            initial |= {"name": shift.name, "description": shift.description, "capacity": shift.capacity}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        local = _("Local time in %(zone)s, the event's time zone.") % {"zone": event.timezone}
        self.fields["start_time"].help_text = self.fields["end_time"].help_text = local
        margin = shift_margin()
        if margin:
            self.fields["start_date"].help_text = _(
                "A set-up or clear-up shift may start up to %(margin)s before the event and end up to "
                "%(margin)s after it; the event's own times stay the ones the public sees."
            ) % {"margin": duration_text(margin)}
        if confirmed:
            self.fields["capacity"].help_text = _("%(confirmed)d volunteers are confirmed.") % {"confirmed": confirmed}

    def clean(self):
        data = super().clean()
        self.clean_window(self.event.timezone)
        try:
            if "starts_at" in data:
                validate_shift_within_event(
                    data["starts_at"], data["ends_at"], self.event.starts_at, self.event.ends_at
                )
            if data.get("capacity") is not None:
                validate_capacity(data["capacity"], confirmed=self.confirmed)
        except ValidationError as error:
            add_service_errors(self, error)
        return data

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "capacity": data["capacity"],
        }


class CancelForm(forms.Form):
    note = _text_only(
        forms.CharField(
            label=_("Note to volunteers"),
            required=False,
            max_length=2000,
            validators=[validate_plain_text],
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Shown on the event page and in calendars, e.g. why and what happens instead."),
        )
    )


class CheckInForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Check-in"),
        choices=[("yes", _("Attended")), ("no", _("No-show"))],
        coerce=lambda value: value == "yes",
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        min_value=0,
        max_value=24,
        max_digits=4,
        decimal_places=2,
        help_text=_("Empty: the shift's length when attended."),
    )

    def __init__(self, *args, signup=None, **kwargs):
        if signup is not None and signup.attended is not None:
            kwargs.setdefault("initial", {"attended": "yes" if signup.attended else "no", "hours": signup.hours})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        try:
            validate_hours(data.get("hours"))
        except ValidationError as error:
            add_service_errors(self, error)
        if data.get("attended") is False and data.get("hours"):
            self.add_error("hours", _("A volunteer who did not come served no hours."))
        return data


def _report_count(name: str) -> forms.IntegerField:
    return EventReport._meta.get_field(name).formfield(min_value=0, max_value=MAX_REPORT_COUNT)


class ReportForm(forms.Form):
    """What a held event reached, as events.services.report_save takes it; volunteer figures come from check-ins."""

    people_reached = _report_count("people_reached")
    materials_distributed = _report_count("materials_distributed")
    partners_engaged = _report_count("partners_engaged")
    notes = _model_field(EventReport, "notes", widget=forms.Textarea(attrs={"rows": 6}))

    FIELDS = ("people_reached", "materials_distributed", "partners_engaged", "notes")

    def __init__(self, *args, report: dict, **kwargs):
        kwargs.setdefault("initial", {name: report[name] for name in self.FIELDS})
        super().__init__(*args, **kwargs)
        self.fields["people_reached"].help_text = _("People who heard the talk, visited the table or took part.")
        self.fields["materials_distributed"].help_text = _("Flyers, cards and booklets handed out.")
        self.fields["partners_engaged"].help_text = _("Partner organizations that took part.")

    def counts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class EmailVolunteersForm(forms.Form):
    # A line break in a header would start a new header: the subject is refused, not mended.
    subject = _text_only(forms.CharField(label=_("Subject"), max_length=200, validators=[validate_single_line]))
    message = _text_only(
        forms.CharField(
            label=_("Message"),
            max_length=20_000,
            validators=[validate_plain_text],
            widget=forms.Textarea(attrs={"rows": 10}),
        )
    )
    include_waitlisted = forms.BooleanField(label=_("Also email volunteers on the waitlist"), required=False)


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), help_text=_("The person needs an Outreach account."))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def clean_email(self):
        email = self.cleaned_data["email"]
        self.cleaned_data["user"] = User.objects.filter(email__iexact=email).first()
        if self.cleaned_data["user"] is None:
            raise ValidationError(_("Nobody has an account with this address; ask them to sign up first."))
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
