"""
Serializers of the REST API: shapes and types only. The rules live in the services, whose
ValidationErrors the exception handler turns into 400s keyed by field.
"""

import copy
import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from events.enums import Audience, SignupStatus
from events.models import EVENT_DETAIL_FIELDS, Event, Shift, Signup
from events.permissions import whereabouts_for
from events.validators import MAX_CAPACITY, MAX_REPORT_COUNT, make_aware_local
from outreach.enums import Role
from outreach.links import absolute_url
from outreach.models import Campaign, Chapter, Membership, Partner, User
from outreach.validators import validate_plain_text, validate_single_line

TEXT_VALIDATORS = (validate_single_line, validate_plain_text)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 datetime that must carry its UTC offset: a bare local time names no instant."""

    default_error_messages = {
        "naive": _("Give the time with its UTC offset, e.g. 2026-03-01T18:00:00-05:00."),
    }

    def enforce_timezone(self, value):
        # Keep the offset as given: it tells which wall-clock time the client meant.
        if value.tzinfo is None or value.utcoffset() is None:
            self.fail("naive")
        return value


class CapacityField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_CAPACITY)
        super().__init__(**kwargs)


class TextFieldsMixin:
    """
    A text field's refusal of control characters (outreach.validators, from the model or declared
    here) is its only one for NUL and lone surrogates: DRF's own checks would add a second message
    about the same character, without saying where it is.
    """

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if any(validator in TEXT_VALIDATORS for validator in field.validators):
                field.validators = [
                    validator
                    for validator in field.validators
                    if not isinstance(validator, ProhibitNullCharactersValidator | ProhibitSurrogateCharactersValidator)
                ]
        return fields


class CleanedModelSerializer(TextFieldsMixin, serializers.ModelSerializer):
    """Runs the model's clean(), the readable twins of its constraints, on the data about to be saved."""

    def validate(self, attrs):
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if not model._meta.get_field(name).many_to_many:
                setattr(instance, name, value)
        instance.clean()
        return attrs


class ChapterSerializer(CleanedModelSerializer):
    feed_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Chapter
        fields = [
            "slug",
            "name",
            "description",
            "timezone",
            "city",
            "region",
            "country",
            "latitude",
            "longitude",
            "contact_email",
            "help_line",
            "is_active",
            "url",
            "feed_url",
        ]
        extra_kwargs = {
            "latitude": {"coerce_to_string": False},
            "longitude": {"coerce_to_string": False},
            "country": {"validators": [validate_single_line]},  # the model leaves the code unchecked
        }

    def get_url(self, chapter) -> str:
        return absolute_url(chapter.get_absolute_url())

    def get_feed_url(self, chapter) -> str:
        return absolute_url(reverse("feed_chapter", kwargs={"slug": chapter.slug}))


class ChapterUpdateSerializer(ChapterSerializer):
    class Meta(ChapterSerializer.Meta):
        read_only_fields = ["slug"]


class MemberSerializer(serializers.ModelSerializer):
    """A chapter's member, for its leads: the email is how a lead adds someone."""

    email = serializers.EmailField(source="user.email")
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)

    class Meta:
        model = Membership
        fields = ["id", "email", "display_name", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class MemberRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["role"]
        extra_kwargs = {"role": {"required": True}}


class CampaignSerializer(CleanedModelSerializer):
    feed_url = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["slug", "name", "description", "starts_on", "ends_on", "feed_url"]

    def get_feed_url(self, campaign) -> str:
        return absolute_url(reverse("feed_campaign", kwargs={"slug": campaign.slug}))


class ShiftSerializer(TextFieldsMixin, serializers.ModelSerializer):
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()
    capacity = CapacityField()
    confirmed_count = serializers.IntegerField(read_only=True)
    waitlist_count = serializers.IntegerField(read_only=True)
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "event",
            "name",
            "description",
            "starts_at",
            "ends_at",
            "capacity",
            "confirmed_count",
            "waitlist_count",
            "places_left",
            "cancelled_at",
        ]
        read_only_fields = ["id", "event", "cancelled_at"]

    def validate(self, attrs):
        event = self.instance.event if self.instance is not None else self.context.get("event")
        if event is not None:
            for field in ("starts_at", "ends_at"):
                if field in attrs:
                    _refuse_skipped_wall_time(attrs[field], event.timezone, field)
        return attrs


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "name", "kind", "website"]


class EventSerializer(serializers.ModelSerializer):
    """
    An event as read. The online link and a confirmed-only address are blank unless the caller
    holds a confirmed place or manages the event; `confirmed_event_ids` in the context answers
    that for a whole page at once.
    """

    chapter = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    online_url = serializers.CharField(read_only=True, help_text="Blank unless the caller may see it.")
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()
    shifts = ShiftSerializer(source="shift_list", many=True, read_only=True)
    partners = PartnerSerializer(source="partner_list", many=True, read_only=True)
    places_left = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "uid",
            "chapter",
            "series",
            *EVENT_DETAIL_FIELDS,
            "starts_at",
            "ends_at",
            "all_day",
            "status",
            "cancellation_note",
            "sequence",
            "shifts",
            "partners",
            "places_left",
            "url",
            "ics_url",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"latitude": {"coerce_to_string": False}, "longitude": {"coerce_to_string": False}}

    def get_url(self, event) -> str:
        return absolute_url(event.get_absolute_url())

    def get_ics_url(self, event) -> str:
        return absolute_url(reverse("feed_event", kwargs={"pk": event.pk}))

    def to_representation(self, event):
        data = super().to_representation(event)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            where = event.whereabouts(private=False)
        else:
            where = whereabouts_for(user, event, confirmed_event_ids=self.context.get("confirmed_event_ids"))
        if where.latitude is None:
            data["latitude"] = data["longitude"] = None
        data["address"], data["online_url"] = where.address, where.online_url
        return data


class SlugField(serializers.SlugRelatedField):
    """A slug reference that refuses a NUL byte before it reaches the database (PostgreSQL cannot store one)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            raise serializers.ValidationError(_("Null characters are not allowed."))
        return super().to_internal_value(data)


class EventWriteSerializer(TextFieldsMixin, serializers.ModelSerializer):
    """What a coordinator sends to create or change an event; answered with EventSerializer."""

    chapter = SlugField(slug_field="slug", queryset=Chapter.objects.filter(is_active=True))
    campaign = SlugField(slug_field="slug", queryset=Campaign.objects.all(), allow_null=True, required=False)
    partners = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all(), many=True, required=False)
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), required=False, max_length=len(Audience)
    )
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()
    timezone = serializers.CharField(required=False, max_length=64)
    capacity = CapacityField(required=False, write_only=True, help_text="Places on the event's single default shift.")
    recurrence = serializers.CharField(
        required=False,
        write_only=True,
        max_length=500,
        validators=[validate_single_line],
        help_text="RFC 5545 RRULE such as FREQ=WEEKLY;COUNT=12: creates a series of occurrences.",
    )

    class Meta:
        model = Event
        # The one list of what an event's author describes (events.models), its times, and what
        # only creation takes.
        fields = [
            "chapter",
            "partners",
            *EVENT_DETAIL_FIELDS,
            "starts_at",
            "ends_at",
            "all_day",
            "capacity",
            "recurrence",
        ]
        # Text the model leaves unchecked: a URL's path may hold control characters a calendar refuses.
        extra_kwargs = {
            "language": {"validators": [validate_single_line]},
            "online_url": {"validators": [validate_single_line]},
        }

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["chapter"].required = False  # fixed at creation: a full PUT need not repeat it
        return fields

    def validate(self, attrs):
        if self.instance is not None:
            for field in ("chapter", "capacity", "recurrence"):
                if field in attrs:
                    raise serializers.ValidationError({field: _("This can only be set when the event is created.")})
        chapter = attrs.get("chapter") or getattr(self.instance, "chapter", None)
        zone = attrs.get("timezone") or getattr(self.instance, "timezone", None) or chapter.timezone
        for field in ("starts_at", "ends_at"):
            if field in attrs:
                _refuse_skipped_wall_time(attrs[field], zone, field)
        partners = attrs.get("partners") or []
        if any(partner.chapter_id != chapter.pk for partner in partners):
            raise serializers.ValidationError({"partners": _("Partners must belong to the event's chapter.")})
        return attrs


def _refuse_skipped_wall_time(value: dt.datetime, zone: str, field: str) -> None:
    """
    A time written with an offset that is not the zone's at that instant is read as wall-clock
    time in the zone, and must exist there: 02:30-05:00 on the night Chicago springs forward
    names a wall time the zone skips. UTC times are instants, not wall times, and pass.
    """
    offset = value.utcoffset()
    if not offset:
        return
    try:
        zone_offset = value.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return
    if offset == zone_offset:
        return
    try:
        make_aware_local(value.replace(tzinfo=None), zone, field=field)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from None


class CancelSerializer(TextFieldsMixin, serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, validators=[validate_plain_text])


class SignupSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="shift.event_id", read_only=True)
    waitlist_position = serializers.SerializerMethodField()

    class Meta:
        model = Signup
        fields = ["id", "shift", "event", "status", "waitlist_position", "created_at", "attended", "hours"]
        read_only_fields = fields

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_waitlist_position(self, signup) -> int | None:
        if signup.status != SignupStatus.WAITLISTED:
            return None
        return getattr(signup, "waitlist_position", None)


class MySignupSerializer(SignupSerializer):
    event_title = serializers.CharField(source="shift.event.title", read_only=True)
    starts_at = serializers.DateTimeField(source="shift.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="shift.ends_at", read_only=True)
    timezone = serializers.CharField(source="shift.event.timezone", read_only=True)

    class Meta(SignupSerializer.Meta):
        fields = [*SignupSerializer.Meta.fields, "event_title", "starts_at", "ends_at", "timezone"]
        read_only_fields = fields


class CheckInSerializer(serializers.Serializer):
    attended = serializers.BooleanField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, required=False, allow_null=True, min_value=0)


class RosterEntrySerializer(serializers.ModelSerializer):
    """A signup with the volunteer's contact details: only for the chapter's coordinators and leads."""

    shift_name = serializers.CharField(source="shift.name", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    legal_name = serializers.CharField(source="user.legal_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    phone = serializers.CharField(source="user.phone", read_only=True)
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Signup
        fields = [
            "id",
            "shift",
            "shift_name",
            "status",
            "waitlist_position",
            "display_name",
            "legal_name",
            "email",
            "phone",
            "attended",
            "hours",
            "created_at",
        ]
        read_only_fields = fields


class MeSerializer(TextFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["email", "display_name", "legal_name", "phone", "is_staff"]
        read_only_fields = ["email", "is_staff"]


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class EventReportSerializer(TextFieldsMixin, serializers.Serializer):
    """What the event reached; the volunteer figures are read-only and come from check-ins."""

    people_reached = serializers.IntegerField(min_value=0, max_value=MAX_REPORT_COUNT, required=False)
    materials_distributed = serializers.IntegerField(min_value=0, max_value=MAX_REPORT_COUNT, required=False)
    partners_engaged = serializers.IntegerField(min_value=0, max_value=MAX_REPORT_COUNT, required=False)
    notes = serializers.CharField(max_length=10_000, allow_blank=True, required=False, validators=[validate_plain_text])
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    volunteers_confirmed = serializers.IntegerField(read_only=True)
    volunteers_attended = serializers.IntegerField(read_only=True)
    volunteer_hours = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)


class FeedTokenSerializer(serializers.Serializer):
    feed_url = serializers.URLField(read_only=True, help_text="The new personal feed; the old one now answers 404.")
    webcal_url = serializers.CharField(read_only=True)
