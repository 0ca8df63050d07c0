"""
The rules in the database: named constraints and the events_shift_within_event trigger.

These tests bypass the services on purpose and write rows directly, so they show that a script, an
admin action or a bug in a service still cannot store a broken row. Each write runs in its own
savepoint so the test's transaction survives the error. The readable twins that give people a
field-keyed message before the database would refuse are tested at the end.
"""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from events.enums import EventFormat
from events.models import Event, Shift, Signup
from events.validators import (
    MAX_CAPACITY,
    make_aware_local,
    parse_rrule,
    validate_audiences,
    validate_aware,
    validate_capacity,
    validate_hours,
    validate_online_link,
    validate_shift_within_event,
    validate_window,
)
from outreach.models import Campaign, Chapter, Membership
from outreach.validators import validate_campaign_dates, validate_latitude_longitude, validate_timezone

from ..factories import ChapterFactory, EventFactory, MembershipFactory, ShiftFactory, SignupFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC)
END = dt.datetime(2026, 12, 5, 20, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)
MICROSECOND = dt.timedelta(microseconds=1)
LIMIT = dt.timedelta(hours=24)
"""How far outside its event the trigger lets a shift reach (events 0009, settings.SHIFT_MARGIN_MAX)."""

WITHIN_EVENT_SQLITE = "events_shift_within_event: a shift must lie inside its event"


def assert_violates(exc_info, name, *, sqlite=None):
    """
    The error names the rule: PostgreSQL reports the constraint's name; SQLite names a check
    constraint in its message and a unique one by its columns.
    """
    error = exc_info.value
    if connection.vendor == "postgresql":
        assert error.__cause__.diag.constraint_name == name
    else:
        assert str(error) == (sqlite or f"CHECK constraint failed: {name}")


def _event_row(chapter, **overrides):
    values = {
        "chapter": chapter,
        "title": "Row",
        "strategy": "awareness_education",
        "timezone": "UTC",
        "starts_at": START,
        "ends_at": END,
        "status": "published",
    }
    return {**values, **overrides}


@pytest.fixture
def event(chapter):
    return EventFactory(chapter=chapter, starts_at=START, ends_at=END)


# Events


@pytest.mark.parametrize("ends_at", [START, START - HOUR], ids=["equal", "before"])
def test_event_ending_at_or_before_its_start_is_refused(chapter, ends_at):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Event.objects.create(**_event_row(chapter, ends_at=ends_at))

    assert_violates(exc_info, "events_event_ends_after_starts")


def test_event_updated_to_end_before_its_start_is_refused(event):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_at=START)

    assert_violates(exc_info, "events_event_ends_after_starts")


@pytest.mark.parametrize(
    ("field", "constraint"),
    [
        ("status", "events_event_status_valid"),
        ("strategy", "events_event_strategy_valid"),
        ("format", "events_event_format_valid"),
        ("visibility", "events_event_visibility_valid"),
        ("address_visibility", "events_event_address_visibility_valid"),
    ],
)
def test_event_with_a_value_outside_its_choices_is_refused(chapter, field, constraint):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Event.objects.create(**_event_row(chapter, **{field: "bogus"}))

    assert_violates(exc_info, constraint)


@pytest.mark.parametrize(
    ("coordinates", "constraint"),
    [
        ({"latitude": Decimal("41.88")}, "events_event_coordinates_paired"),
        ({"longitude": Decimal("-87.63")}, "events_event_coordinates_paired"),
        ({"latitude": Decimal(91), "longitude": Decimal(0)}, "events_event_latitude_range"),
        ({"latitude": Decimal(0), "longitude": Decimal(-181)}, "events_event_longitude_range"),
    ],
)
def test_event_with_broken_coordinates_is_refused(chapter, coordinates, constraint):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Event.objects.create(**_event_row(chapter, **coordinates))

    assert_violates(exc_info, constraint)


def test_chapter_with_latitude_but_no_longitude_is_refused():
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Chapter.objects.create(name="Half", slug="half", timezone="UTC", latitude=Decimal("41.88"))

    assert_violates(exc_info, "outreach_chapter_coordinates_paired")


def test_event_with_coordinates_paired_is_stored(chapter):
    event = Event.objects.create(**_event_row(chapter, latitude=Decimal("41.88"), longitude=Decimal("-87.63")))

    assert Event.objects.filter(pk=event.pk).values_list("latitude", "longitude").get() == (
        Decimal("41.880000"),
        Decimal("-87.630000"),
    )


def test_occurrence_date_without_a_series_is_refused(chapter):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Event.objects.create(**_event_row(chapter, occurrence_date=dt.date(2026, 12, 5)))

    assert_violates(exc_info, "events_event_occurrence_date_with_series")


# Shifts


def test_shift_ending_before_its_start_is_refused(event):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Shift.objects.create(event=event, name="x", starts_at=START + 2 * HOUR, ends_at=START + HOUR, capacity=1)

    assert_violates(exc_info, "events_shift_ends_after_starts")


def test_shift_with_no_places_is_refused(event):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Shift.objects.create(event=event, name="x", starts_at=START, ends_at=END, capacity=0)

    assert_violates(exc_info, "events_shift_capacity_at_least_one")


def test_shift_with_negative_places_is_refused(event):
    # PositiveIntegerField adds a check of its own (capacity >= 0) that may fire first; either refuses.
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.create(event=event, name="x", starts_at=START, ends_at=END, capacity=-1)

    assert Shift.objects.count() == 0


def test_shift_updated_to_no_places_is_refused(event):
    shift = ShiftFactory(event=event, capacity=3)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Shift.objects.filter(pk=shift.pk).update(capacity=0)

    assert_violates(exc_info, "events_shift_capacity_at_least_one")


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        (START - LIMIT - SECOND, START + HOUR),
        (END - HOUR, END + LIMIT + SECOND),
        (START - LIMIT - SECOND, END + LIMIT + SECOND),
        (START - LIMIT - MICROSECOND, START),
        (END, END + LIMIT + MICROSECOND),
    ],
    ids=["starts-before", "ends-after", "wider", "a-microsecond-early", "a-microsecond-late"],
)
def test_shift_inserted_beyond_the_margin_of_its_event_is_refused(event, starts_at, ends_at):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Shift.objects.create(event=event, name="x", starts_at=starts_at, ends_at=ends_at, capacity=1)

    assert_violates(exc_info, "events_shift_within_event", sqlite=WITHIN_EVENT_SQLITE)


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [(START, END), (START - LIMIT, START), (END, END + LIMIT), (START - LIMIT, END + LIMIT)],
    ids=["the-events-window", "set-up-at-the-limit", "clear-up-at-the-limit", "both"],
)
def test_shift_inserted_within_the_margin_of_its_event_is_stored(event, starts_at, ends_at):
    shift = Shift.objects.create(event=event, name="x", starts_at=starts_at, ends_at=ends_at, capacity=1)

    assert Shift.objects.filter(pk=shift.pk).values_list("starts_at", "ends_at").get() == (starts_at, ends_at)


@pytest.mark.parametrize("fraction", [dt.timedelta(0), dt.timedelta(microseconds=500_000)], ids=["whole", "fraction"])
def test_margin_keeps_the_fraction_of_a_second(chapter, fraction):
    """SQLite stores ".ffffff" only when there is one; the trigger's arithmetic must keep it either way."""
    event = EventFactory(chapter=chapter, starts_at=START + fraction, ends_at=END + fraction)

    Shift.objects.create(event=event, name="at", starts_at=START + fraction - LIMIT, ends_at=START, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.create(
            event=event, name="before", starts_at=START + fraction - LIMIT - MICROSECOND, ends_at=START, capacity=1
        )

    assert list(Shift.objects.filter(event=event).values_list("name", flat=True)) == ["at"]


def test_shift_updated_beyond_the_margin_of_its_event_is_refused(event):
    shift = ShiftFactory(event=event)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Shift.objects.filter(pk=shift.pk).update(ends_at=END + LIMIT + SECOND)

    assert_violates(exc_info, "events_shift_within_event", sqlite=WITHIN_EVENT_SQLITE)


def test_shift_updated_to_a_set_up_time_within_the_margin_is_stored(event):
    shift = ShiftFactory(event=event)

    Shift.objects.filter(pk=shift.pk).update(starts_at=START - 3 * HOUR)

    assert Shift.objects.filter(pk=shift.pk).values_list("starts_at", flat=True).get() == START - 3 * HOUR


def test_shift_moved_to_an_event_it_does_not_fit_is_refused(event, chapter):
    shift = ShiftFactory(event=event)
    later = EventFactory(chapter=chapter, starts_at=END + LIMIT + HOUR, ends_at=END + LIMIT + 3 * HOUR)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Shift.objects.filter(pk=shift.pk).update(event=later)

    assert_violates(exc_info, "events_shift_within_event", sqlite=WITHIN_EVENT_SQLITE)


@pytest.mark.parametrize(
    "window",
    [
        {"starts_at": START + LIMIT + SECOND, "ends_at": START + LIMIT + HOUR},
        {"starts_at": START - LIMIT - HOUR, "ends_at": END - LIMIT - SECOND},
        {"starts_at": END + LIMIT + HOUR, "ends_at": END + LIMIT + 5 * HOUR},
    ],
    ids=["later-start", "earlier-end", "moved-away"],
)
def test_event_moved_so_that_a_shift_falls_beyond_its_margin_is_refused(event, window):
    ShiftFactory(event=event)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Event.objects.filter(pk=event.pk).update(**window)

    assert_violates(exc_info, "events_shift_within_event", sqlite=WITHIN_EVENT_SQLITE)


def test_event_widened_around_its_shifts_is_stored(event):
    ShiftFactory(event=event)

    Event.objects.filter(pk=event.pk).update(starts_at=START - HOUR, ends_at=END + HOUR)

    assert Event.objects.filter(pk=event.pk).values_list("starts_at", "ends_at").get() == (
        START - HOUR,
        END + HOUR,
    )


# Signups


@pytest.mark.parametrize(
    ("first", "second"),
    [("confirmed", "confirmed"), ("confirmed", "waitlisted"), ("waitlisted", "waitlisted")],
)
def test_second_active_signup_for_one_user_and_shift_is_refused(event, first, second):
    shift = ShiftFactory(event=event)
    user = UserFactory()
    Signup.objects.create(user=user, shift=shift, status=first)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Signup.objects.create(user=user, shift=shift, status=second)

    assert_violates(
        exc_info,
        "events_signup_one_active_per_user_shift",
        sqlite="UNIQUE constraint failed: events_signup.user_id, events_signup.shift_id",
    )


def test_active_signup_beside_cancelled_ones_is_stored(event):
    shift = ShiftFactory(event=event)
    user = UserFactory()
    now = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    Signup.objects.create(user=user, shift=shift, status="cancelled", cancelled_at=now)
    Signup.objects.create(user=user, shift=shift, status="cancelled", cancelled_at=now)

    Signup.objects.create(user=user, shift=shift, status="confirmed")

    assert sorted(Signup.objects.filter(user=user).values_list("status", flat=True)) == [
        "cancelled",
        "cancelled",
        "confirmed",
    ]


def test_signup_with_an_unknown_status_is_refused(event):
    shift = ShiftFactory(event=event)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Signup.objects.create(user=UserFactory(), shift=shift, status="maybe")

    assert_violates(exc_info, "events_signup_status_valid")


def test_signup_with_hours_out_of_range_is_refused(event):
    signup = SignupFactory(shift=ShiftFactory(event=event))

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Signup.objects.filter(pk=signup.pk).update(hours=Decimal(25))

    assert_violates(exc_info, "events_signup_hours_range")


def test_active_signup_with_a_cancellation_time_is_refused(event):
    signup = SignupFactory(shift=ShiftFactory(event=event))

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Signup.objects.filter(pk=signup.pk).update(cancelled_at=START)

    assert_violates(exc_info, "events_signup_cancelled_at_only_when_cancelled")


# Organization


def test_campaign_ending_before_it_starts_is_refused():
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Campaign.objects.create(name="x", slug="x", starts_on=dt.date(2027, 1, 31), ends_on=dt.date(2027, 1, 1))

    assert_violates(exc_info, "outreach_campaign_ends_after_starts")


def test_campaign_of_one_day_is_stored():
    campaign = Campaign.objects.create(name="x", slug="x", starts_on=dt.date(2027, 1, 11), ends_on=dt.date(2027, 1, 11))

    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_second_membership_for_one_user_and_chapter_is_refused(chapter):
    membership = MembershipFactory(chapter=chapter)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Membership.objects.create(user=membership.user, chapter=chapter, role="lead")

    assert_violates(
        exc_info,
        "outreach_membership_unique_user_chapter",
        sqlite="UNIQUE constraint failed: outreach_membership.user_id, outreach_membership.chapter_id",
    )


def test_membership_with_an_unknown_role_is_refused(chapter):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Membership.objects.create(user=UserFactory(), chapter=chapter, role="owner")

    assert_violates(exc_info, "outreach_membership_role_valid")


def test_membership_of_one_user_in_two_chapters_is_stored(chapter):
    membership = MembershipFactory(chapter=chapter)

    Membership.objects.create(user=membership.user, chapter=ChapterFactory(), role="member")

    assert Membership.objects.filter(user=membership.user).count() == 2


# The readable twins


def _errors(call, *args, **kwargs):
    with pytest.raises(ValidationError) as exc_info:
        call(*args, **kwargs)
    return exc_info.value.message_dict


@pytest.mark.parametrize("ends_at", [START, START - HOUR])
def test_validate_window_names_ends_at(ends_at):
    assert _errors(validate_window, START, ends_at) == {"ends_at": ["The end must be after the start."]}


def test_validate_window_names_the_fields_it_is_given():
    assert _errors(validate_window, START, START, start_field="starts_on", end_field="ends_on") == {
        "ends_on": ["The end must be after the start."]
    }


def test_validate_window_accepts_an_end_after_the_start():
    assert validate_window(START, END) is None


def test_validate_aware_names_the_field_of_a_naive_time():
    assert _errors(validate_aware, dt.datetime(2026, 12, 5, 10, 0), "starts_at") == {  # noqa: DTZ001
        "starts_at": ["Give the time with its UTC offset, e.g. 2026-03-01T18:00:00-05:00."]
    }


@pytest.mark.parametrize(
    ("value", "confirmed", "message"),
    [
        (None, 0, "Give the number of places, at least 1."),
        (0, 0, "A shift needs at least 1 place."),
        (-1, 0, "A shift needs at least 1 place."),
        (MAX_CAPACITY + 1, 0, "A shift can have at most 10000 places."),
        (2, 3, "3 volunteers are already confirmed; the capacity cannot be lower than that."),
    ],
)
def test_validate_capacity_names_capacity(value, confirmed, message):
    assert _errors(validate_capacity, value, confirmed=confirmed) == {"capacity": [message]}


@pytest.mark.parametrize(("value", "confirmed"), [(1, 0), (3, 3), (MAX_CAPACITY, 0)])
def test_validate_capacity_accepts_enough_places(value, confirmed):
    assert validate_capacity(value, confirmed=confirmed) is None


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "errors"),
    [
        (
            START - 12 * HOUR - SECOND,
            END,
            {"starts_at": ["The shift cannot start more than 12 hours before its event starts."]},
        ),
        (
            START,
            END + 12 * HOUR + SECOND,
            {"ends_at": ["The shift cannot end more than 12 hours after its event ends."]},
        ),
    ],
)
def test_validate_shift_within_event_names_the_side_beyond_the_margin(starts_at, ends_at, errors):
    assert _errors(validate_shift_within_event, starts_at, ends_at, START, END) == errors


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [(START, END), (START - 12 * HOUR, START), (END, END + 12 * HOUR), (START + HOUR, END - HOUR)],
    ids=["own-window", "set-up", "clear-up", "inside"],
)
def test_validate_shift_within_event_accepts_shifts_within_the_default_margin(starts_at, ends_at):
    assert validate_shift_within_event(starts_at, ends_at, START, END) is None


def test_validate_shift_within_event_follows_the_setting(settings):
    settings.SHIFT_MARGIN = 90 * 60

    assert validate_shift_within_event(START - 90 * dt.timedelta(minutes=1), END, START, END) is None
    assert _errors(validate_shift_within_event, START - 2 * HOUR, END, START, END) == {
        "starts_at": ["The shift cannot start more than 1 hour 30 minutes before its event starts."]
    }


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "errors"),
    [
        (START - SECOND, END, {"starts_at": ["The shift cannot start before its event starts."]}),
        (START, END + SECOND, {"ends_at": ["The shift cannot end after its event ends."]}),
    ],
)
def test_validate_shift_within_event_without_a_margin_keeps_shifts_inside(settings, starts_at, ends_at, errors):
    settings.SHIFT_MARGIN = 0

    assert _errors(validate_shift_within_event, starts_at, ends_at, START, END) == errors


@pytest.mark.parametrize(
    ("latitude", "longitude", "errors"),
    [
        (Decimal(1), None, {"longitude": ["Give both latitude and longitude, or neither."]}),
        (None, Decimal(1), {"latitude": ["Give both latitude and longitude, or neither."]}),
    ],
)
def test_validate_latitude_longitude_names_the_missing_half(latitude, longitude, errors):
    assert _errors(validate_latitude_longitude, latitude, longitude) == errors


def test_validate_campaign_dates_names_ends_on():
    assert _errors(validate_campaign_dates, dt.date(2027, 1, 31), dt.date(2027, 1, 1)) == {
        "ends_on": ["The campaign must end on or after the day it starts."]
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("parents", "Give the audiences as a list of names."),
        (["parents", 3], "Give the audiences as a list of names."),
        (
            ["pirates", "parents"],
            "Unknown audience: pirates. Choose from parents, educators, youth, faith_communities, businesses, "
            "health_workers, law_enforcement, general_public.",
        ),
        (["youth", "youth"], "Each audience may be named once."),
    ],
)
def test_validate_audiences_names_audiences(value, message):
    assert _errors(validate_audiences, value) == {"audiences": [message]}


@pytest.mark.parametrize("event_format", [EventFormat.ONLINE, EventFormat.HYBRID])
def test_validate_online_link_names_online_url(event_format):
    assert _errors(validate_online_link, event_format, "") == {
        "online_url": ["An online or hybrid event needs its online link."]
    }


def test_validate_online_link_accepts_an_in_person_event_without_a_link():
    assert validate_online_link(EventFormat.IN_PERSON, "") is None


@pytest.mark.parametrize("hours", [Decimal("-0.01"), Decimal("24.01")])
def test_validate_hours_names_hours(hours):
    assert _errors(validate_hours, hours) == {"hours": ["Hours served must be between 0 and 24."]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter an IANA time zone such as Europe/Berlin."),
        (" Europe/Berlin", "Enter an IANA time zone such as Europe/Berlin."),
        ("Europe/Berlin\x00", "Enter an IANA time zone such as Europe/Berlin."),
        ("Mars/Olympus", "“Mars/Olympus” is not an IANA time zone; use a name such as Europe/Berlin."),
        ("../../etc/passwd", "“../../etc/passwd” is not an IANA time zone; use a name such as Europe/Berlin."),
    ],
)
def test_validate_timezone_refuses_what_is_not_an_iana_zone(value, message):
    with pytest.raises(ValidationError) as exc_info:
        validate_timezone(value)

    assert exc_info.value.messages == [message]


def test_validate_timezone_as_a_field_validator_names_timezone():
    chapter = Chapter(name="x", slug="x", timezone="CEST")

    with pytest.raises(ValidationError) as exc_info:
        chapter.full_clean()

    assert exc_info.value.message_dict == {
        "timezone": ["“CEST” is not an IANA time zone; use a name such as Europe/Berlin."]
    }


def test_make_aware_local_names_the_field_of_a_skipped_time():
    assert _errors(make_aware_local, dt.datetime(2027, 3, 14, 2, 30), "America/Chicago", field="start_time") == {  # noqa: DTZ001
        "start_time": ["2027-03-14 02:30 does not exist in America/Chicago: the clocks skip it when they change."]
    }


def test_make_aware_local_takes_the_first_of_a_repeated_time():
    aware = make_aware_local(dt.datetime(2027, 11, 7, 1, 30), "America/Chicago")  # noqa: DTZ001

    assert aware.utcoffset() == dt.timedelta(hours=-5)


def test_parse_rrule_names_recurrence():
    assert _errors(parse_rrule, "FREQ=WEEKLY", dtstart=dt.datetime(2027, 1, 1, 18)) == {  # noqa: DTZ001
        "recurrence": ["The rule must end: add COUNT=<n> or UNTIL=<date>."]
    }


def test_the_triggers_bound_is_the_most_shift_margin_may_be(settings):
    migration = importlib.import_module("events.migrations.0009_shift_margin_trigger")

    assert dt.timedelta(hours=migration.MARGIN_HOURS) == dt.timedelta(seconds=settings.SHIFT_MARGIN_MAX) == LIMIT
    assert dt.timedelta(seconds=settings.SHIFT_MARGIN) <= LIMIT
