import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outreach.models import Campaign, Chapter, Partner, coordinate_constraints, latitude_field, longitude_field
from outreach.permissions import chapter_roles, managed_chapter_ids
from outreach.validators import (
    CONTROL_CHARACTERS,
    validate_latitude_longitude,
    validate_plain_text,
    validate_single_line,
    validate_timezone,
)

from .enums import AddressVisibility, EventFormat, EventStatus, SignupStatus, Strategy, Visibility
from .validators import (
    MAX_CAPACITY,
    MAX_REPORT_COUNT,
    parse_rrule,
    validate_audiences,
    validate_capacity,
    validate_hours,
    validate_shift_within_event,
    validate_window,
)

EVENT_DETAIL_FIELDS = (
    "title",
    "summary",
    "description",
    "strategy",
    "audiences",
    "language",
    "format",
    "venue",
    "address",
    "latitude",
    "longitude",
    "address_visibility",
    "online_url",
    "timezone",
    "visibility",
    "campaign",
)
"""
What an event's author describes, and what an occurrence takes from its series: the one list that
the services, the dashboard's forms and the API's write serializer all read (docs/architecture.md).
"""


@dataclass(frozen=True)
class Whereabouts:
    """
    Where an event is, as one reader may know it: the one answer that pages, feeds, emails and the
    API give (docs/product.md, "Who may do what"). A confirmed-only address, its coordinates and
    the online link are left out for a reader who may not see them; `*_hidden` says that there is
    something such a reader is not shown.
    """

    venue: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    online_url: str
    line: str
    address_hidden: bool
    link_hidden: bool


def choice_constraint(prefix: str, field: str, choices) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=f"{prefix}_{field}_valid")


class EventDetails(models.Model):
    """What an event and a series of events share: what, for whom, where and how."""

    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, validators=[validate_single_line], help_text=_("One line for lists.")
    )
    description = models.TextField(_("description"), blank=True, validators=[validate_plain_text])
    strategy = models.CharField(_("prevention strategy"), max_length=32, choices=Strategy.choices)
    audiences = models.JSONField(
        _("audiences"), default=list, blank=True, help_text=_("Who the event is for, e.g. parents, educators.")
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        default="en",
        validators=[validate_single_line],
        help_text=_("Language code, e.g. en."),
    )
    format = models.CharField(_("format"), max_length=16, choices=EventFormat.choices, default=EventFormat.IN_PERSON)
    venue = models.CharField(_("venue"), max_length=200, blank=True, validators=[validate_single_line])
    address = models.CharField(_("address"), max_length=300, blank=True, validators=[validate_single_line])
    latitude = latitude_field()
    longitude = longitude_field()
    address_visibility = models.CharField(
        _("who sees the address"),
        max_length=16,
        choices=AddressVisibility.choices,
        default=AddressVisibility.PUBLIC,
    )
    # URLValidator lets some control characters through in a path (U+0001, U+007F, U+009F).
    online_url = models.URLField(_("online link"), max_length=500, blank=True, validators=[validate_single_line])
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_timezone],
        help_text=_("IANA time zone; defaults to the chapter's."),
    )
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)

    class Meta:
        abstract = True

    def clean(self):
        validate_audiences(self.audiences)
        validate_latitude_longitude(self.latitude, self.longitude)


def details_constraints(prefix: str) -> list[models.CheckConstraint]:
    return [
        *coordinate_constraints(prefix),
        choice_constraint(prefix, "strategy", Strategy),
        choice_constraint(prefix, "format", EventFormat),
        choice_constraint(prefix, "visibility", Visibility),
        choice_constraint(prefix, "address_visibility", AddressVisibility),
    ]


class EventSeries(EventDetails):
    """
    A recurring event: a rule whose dates become real events (occurrences) over a rolling horizon.

    Occurrences carry the series' details and time of day. An occurrence edited on its own is
    marked `detached` and keeps its edits when the series changes; a cancelled one stays cancelled.
    """

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="series", verbose_name=_("chapter"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="series", verbose_name=_("campaign")
    )
    partners = models.ManyToManyField(Partner, blank=True, related_name="series", verbose_name=_("partners"))
    recurrence = models.CharField(
        _("recurrence rule"),
        max_length=500,
        validators=[validate_single_line],
        help_text=_("RFC 5545 RRULE, e.g. FREQ=WEEKLY;COUNT=12."),
    )
    start_date = models.DateField(_("first date"))
    start_time = models.TimeField(_("local start time"))
    duration = models.DurationField(_("duration"))
    capacity = models.PositiveIntegerField(
        _("places per occurrence"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    status = models.CharField(_("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")
        constraints = [
            *details_constraints("events_eventseries"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="events_eventseries_capacity_at_least_one"),
            models.CheckConstraint(
                condition=Q(duration__gt=dt.timedelta(0)), name="events_eventseries_duration_positive"
            ),
            choice_constraint("events_eventseries", "status", EventStatus),
        ]

    def __str__(self):
        return f"{self.title} ({self.recurrence})"

    def clean(self):
        super().clean()
        # Checked before the row is written: PostgreSQL cannot even store some malformed rules (NUL).
        # A rule with a control character is refused by the field's own validator, once.
        readable = self.recurrence and not CONTROL_CHARACTERS.search(self.recurrence)
        if readable and isinstance(self.start_date, dt.date) and isinstance(self.start_time, dt.time):
            parse_rrule(self.recurrence, dtstart=dt.datetime.combine(self.start_date, self.start_time))


class EventQuerySet(models.QuerySet):
    def listed(self):
        """Published and cancelled events: what anyone who may see the event is shown."""
        return self.filter(status__in=EventStatus.listed())

    def published(self):
        return self.filter(status=EventStatus.PUBLISHED)

    def upcoming(self, now=None):
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now())

    def visible_to(self, user):
        """
        Events `user` may see: listed public events for everyone; listed members-only events for
        the chapter's members; every status, drafts included, for the chapter's coordinators and
        leads; everything for staff.
        """
        public = Q(status__in=EventStatus.listed(), visibility=Visibility.PUBLIC)
        if not user.is_authenticated:
            return self.filter(public)
        managed = managed_chapter_ids(user)
        if managed is None:
            return self.all()
        member_of = list(chapter_roles(user))
        return self.filter(
            public | Q(status__in=EventStatus.listed(), chapter_id__in=member_of) | Q(chapter_id__in=managed)
        )

    def with_places(self):
        """Annotate `capacity_total`, `confirmed_total` and `places_left` across the event's open shifts."""
        capacity = (
            Shift.objects.filter(event=OuterRef("pk"), cancelled_at__isnull=True)
            .order_by()
            .values("event")
            .annotate(total=Sum("capacity"))
            .values("total")
        )
        confirmed = (
            Signup.objects.filter(shift__event=OuterRef("pk"), status=SignupStatus.CONFIRMED)
            .order_by()
            .values("shift__event")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(
            capacity_total=Coalesce(Subquery(capacity), Value(0)),
            confirmed_total=Coalesce(Subquery(confirmed), Value(0)),
        ).annotate(places_left=Greatest(F("capacity_total") - F("confirmed_total"), Value(0)))


class Event(EventDetails):
    """An event a chapter runs. A recurring event's occurrences are Events that share a series."""

    CALENDAR_FIELDS = (
        "title",
        "summary",
        "description",
        "starts_at",
        "ends_at",
        "timezone",
        "all_day",
        "format",
        "venue",
        "address",
        "latitude",
        "longitude",
        "address_visibility",
        "online_url",
        "strategy",
        "status",
        "cancellation_note",
        "visibility",
        "campaign_id",
    )
    """
    Fields a subscribed calendar shows, or that decide which feeds show the event: changing one
    raises `sequence` (events.services, docs/feeds.md "What raises SEQUENCE").
    """

    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="events", verbose_name=_("chapter"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", verbose_name=_("campaign")
    )
    partners = models.ManyToManyField(Partner, blank=True, related_name="events", verbose_name=_("partners"))
    series = models.ForeignKey(
        EventSeries,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("series"),
    )
    occurrence_date = models.DateField(
        _("occurrence date"), null=True, blank=True, help_text=_("The series' local date this occurrence stands for.")
    )
    detached = models.BooleanField(
        _("edited on its own"), default=False, help_text=_("Series edits no longer change this occurrence.")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    all_day = models.BooleanField(_("all day"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT)
    cancellation_note = models.TextField(_("cancellation note"), blank=True, validators=[validate_plain_text])
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, editable=False, help_text=_("Grows with every change a calendar must see.")
    )
    was_public = models.BooleanField(
        _("was in public feeds"),
        default=False,
        editable=False,
        help_text=_("Listed as a public event once: if it leaves the public feeds, they carry its cancellation."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            *details_constraints("events_event"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="events_event_ends_after_starts"),
            choice_constraint("events_event", "status", EventStatus),
            models.CheckConstraint(
                condition=Q(series__isnull=True, occurrence_date__isnull=True)
                | Q(series__isnull=False, occurrence_date__isnull=False),
                name="events_event_occurrence_date_with_series",
            ),
            models.UniqueConstraint(
                fields=["series", "occurrence_date"],
                condition=Q(series__isnull=False),
                name="events_event_unique_series_occurrence",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "visibility", "starts_at"], name="events_event_listing_idx"),
            models.Index(fields=["chapter", "starts_at"], name="events_event_chapter_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("event_detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        validate_window(self.starts_at, self.ends_at)

    @cached_property
    def zone(self):
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at, self.zone)

    @property
    def local_ends_at(self):
        return timezone.localtime(self.ends_at, self.zone)

    @property
    def is_cancelled(self):
        return self.status == EventStatus.CANCELLED

    @property
    def address_is_public(self) -> bool:
        return self.address_visibility == AddressVisibility.PUBLIC

    def whereabouts(self, *, private: bool) -> Whereabouts:
        """
        Where the event is for a reader who may (`private`) or may not see a confirmed-only address
        and the online link; events.permissions.whereabouts_for decides `private` for a user.
        """
        address_shown = private or self.address_is_public
        online = self.format in EventFormat.with_online_link()
        address = self.address if address_shown else ""
        if self.format == EventFormat.ONLINE:
            line = gettext("Online")
        else:
            line = " ".join(", ".join(part for part in (self.venue, address) if part).split())
            if self.format == EventFormat.HYBRID:
                line = gettext("%(place)s, and online") % {"place": line} if line else gettext("Online")
        return Whereabouts(
            venue=self.venue,
            address=address,
            latitude=self.latitude if address_shown else None,
            longitude=self.longitude if address_shown else None,
            online_url=self.online_url if private and online else "",
            line=line,
            address_hidden=bool(self.address) and not address_shown,
            link_hidden=online and not private,
        )

    def has_ended(self, now=None):
        return self.ends_at <= (now or timezone.now())

    def has_started(self, now=None):
        return self.starts_at <= (now or timezone.now())

    def takes_report(self, now=None) -> bool:
        """A published event that has started: its report can be written (events.services.report_save)."""
        return self.status == EventStatus.PUBLISHED and self.has_started(now)


class ShiftQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate `confirmed_count`, `waitlist_count` and `places_left` in the same query."""
        return self.annotate(
            confirmed_count=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
            waitlist_count=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
        ).annotate(places_left=Greatest(F("capacity") - F("confirmed_count"), Value(0)))


class Shift(models.Model):
    """A role and time window inside an event with its own number of places."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("event"))
    name = models.CharField(
        _("role"), max_length=120, validators=[validate_single_line], help_text=_("e.g. Table host")
    )
    description = models.TextField(_("description"), blank=True, validators=[validate_plain_text])
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_note = models.TextField(
        _("cancellation note"),
        blank=True,
        validators=[validate_plain_text],
        help_text=_("Sent to the shift's volunteers when it is cancelled."),
    )
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, editable=False, help_text=_("Grows when the shift's name, times or state change.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ShiftQuerySet.as_manager()

    CALENDAR_FIELDS = ("name", "starts_at", "ends_at", "cancelled_at")
    """What a volunteer's calendar entry for the shift shows: changing one raises `sequence`."""

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="events_shift_ends_after_starts"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="events_shift_capacity_at_least_one"),
            # events_shift_within_event is a trigger (migrations 0002 and 0009): it compares two tables.
        ]

    def __str__(self):
        return f"{self.name} ({self.event})"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def check_in_opens_at(self) -> dt.datetime:
        """Check-in opens CHECK_IN_OPENS_MINUTES before the shift starts, and stays open after it."""
        return self.starts_at - dt.timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES)

    def check_in_is_open(self, now=None) -> bool:
        return self.check_in_opens_at <= (now or timezone.now())

    def clean(self):
        validate_window(self.starts_at, self.ends_at)
        validate_capacity(self.capacity)
        if self.event_id is not None:
            validate_shift_within_event(self.starts_at, self.ends_at, self.event.starts_at, self.event.ends_at)


class SignupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=SignupStatus.active())

    def confirmed(self):
        return self.filter(status=SignupStatus.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=SignupStatus.WAITLISTED)

    def with_waitlist_position(self):
        """
        Annotate `waitlist_position`: 1 for the first waitlisted signup of a shift, null unless
        waitlisted. Derived from arrival order (the primary key, assigned under the shift lock), so
        positions stay contiguous without renumbering anything when someone leaves the queue.
        """
        ahead = (
            Signup.objects.filter(shift=OuterRef("shift"), status=SignupStatus.WAITLISTED, pk__lte=OuterRef("pk"))
            .order_by()
            .values("shift")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            waitlist_position=models.Case(
                models.When(status=SignupStatus.WAITLISTED, then=Subquery(ahead)),
                default=None,
                output_field=models.IntegerField(),
            )
        )


class Signup(models.Model):
    """A volunteer's place on a shift: confirmed, waiting for a place, or cancelled."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signups", verbose_name=_("volunteer")
    )
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups", verbose_name=_("shift"))
    status = models.CharField(_("status"), max_length=16, choices=SignupStatus.choices)
    attended = models.BooleanField(
        _("attended"), null=True, blank=True, help_text=_("Empty until check-in: attended or no-show.")
    )
    hours = models.DecimalField(
        _("hours served"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_("Grows when the volunteer's calendar entry changes: confirmed, waitlisted, the address shown."),
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("signup")
        verbose_name_plural = _("signups")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "shift"],
                condition=Q(status__in=SignupStatus.active()),
                name="events_signup_one_active_per_user_shift",
                violation_error_message=_("You already have a place or a waitlist spot on this shift."),
            ),
            choice_constraint("events_signup", "status", SignupStatus),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0, hours__lte=24), name="events_signup_hours_range"
            ),
            models.CheckConstraint(
                condition=Q(status=SignupStatus.CANCELLED) | Q(cancelled_at__isnull=True),
                name="events_signup_cancelled_at_only_when_cancelled",
            ),
        ]
        indexes = [models.Index(fields=["shift", "status"], name="events_signup_shift_status_idx")]

    def __str__(self):
        return f"{self.user} on {self.shift} ({self.get_status_display()})"

    def clean(self):
        validate_hours(self.hours)

    @property
    def is_active(self):
        return self.status in SignupStatus.active()


class EventReport(models.Model):
    """What a held event reached. Volunteer hours are not stored here: they come from check-ins."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="report", verbose_name=_("event"))
    people_reached = models.PositiveIntegerField(
        _("people reached"), default=0, validators=[MaxValueValidator(MAX_REPORT_COUNT)]
    )
    materials_distributed = models.PositiveIntegerField(
        _("materials handed out"), default=0, validators=[MaxValueValidator(MAX_REPORT_COUNT)]
    )
    partners_engaged = models.PositiveIntegerField(
        _("partners engaged"), default=0, validators=[MaxValueValidator(MAX_REPORT_COUNT)]
    )
    notes = models.TextField(_("notes"), blank=True, max_length=10_000, validators=[validate_plain_text])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event report")
        verbose_name_plural = _("event reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(people_reached__lte=MAX_REPORT_COUNT)
                & Q(materials_distributed__lte=MAX_REPORT_COUNT)
                & Q(partners_engaged__lte=MAX_REPORT_COUNT),
                name="events_eventreport_counts_in_range",
            ),
        ]

    def __str__(self):
        return f"Report: {self.event}"
