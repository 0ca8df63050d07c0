"""Models of the events app: their own rules in clean(), their properties and named querysets."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from events.enums import EventStatus, SignupStatus, Strategy, Visibility
from events.models import Event, EventSeries, Shift, Signup

from ..factories import EventFactory, ShiftFactory, SignupFactory, UserFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
START = dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC)
END = dt.datetime(2026, 12, 5, 20, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def _event(chapter, **kwargs):
    return EventFactory(
        chapter=chapter, starts_at=kwargs.pop("starts_at", START), ends_at=kwargs.pop("ends_at", END), **kwargs
    )


# Event


def test_event_shows_its_times_in_its_own_zone(chapter):
    event = _event(chapter, title="Vigil", timezone="Europe/Berlin")

    assert (str(event), event.local_starts_at.isoformat(), event.local_ends_at.isoformat()) == (
        "Vigil",
        "2026-12-05T17:00:00+01:00",
        "2026-12-05T21:00:00+01:00",
    )


@pytest.mark.parametrize(("now", "ended"), [(END - HOUR, False), (END, True), (END + HOUR, True)])
def test_event_has_ended_once_its_end_has_passed(chapter, now, ended):
    assert _event(chapter).has_ended(now) is ended


@pytest.mark.parametrize(
    ("status", "cancelled"), [(EventStatus.DRAFT, False), (EventStatus.PUBLISHED, False), (EventStatus.CANCELLED, True)]
)
def test_event_is_cancelled(chapter, status, cancelled):
    assert _event(chapter, status=status).is_cancelled is cancelled


def test_event_clean_refuses_an_unknown_audience(chapter):
    event = Event(
        chapter=chapter,
        title="x",
        strategy=Strategy.ADVOCACY,
        timezone="America/Chicago",
        starts_at=START,
        ends_at=END,
        audiences=["pirates"],
    )

    with pytest.raises(ValidationError) as exc_info:
        event.full_clean()

    assert exc_info.value.message_dict == {
        "audiences": [
            "Unknown audience: pirates. Choose from parents, educators, youth, faith_communities, businesses, "
            "health_workers, law_enforcement, general_public."
        ]
    }


def test_event_clean_refuses_an_end_before_the_start(chapter):
    event = Event(
        chapter=chapter, title="x", strategy=Strategy.ADVOCACY, timezone="America/Chicago", starts_at=END, ends_at=START
    )

    with pytest.raises(ValidationError) as exc_info:
        event.full_clean()

    assert exc_info.value.message_dict == {"ends_at": ["The end must be after the start."]}


def test_event_clean_refuses_half_a_place(chapter):
    event = Event(
        chapter=chapter,
        title="x",
        strategy=Strategy.ADVOCACY,
        timezone="America/Chicago",
        starts_at=START,
        ends_at=END,
        latitude=Decimal("41.88"),
    )

    with pytest.raises(ValidationError) as exc_info:
        event.full_clean()

    assert exc_info.value.message_dict == {"longitude": ["Give both latitude and longitude, or neither."]}


def test_event_series_clean_refuses_a_bad_rule(chapter):
    series = EventSeries(
        chapter=chapter,
        title="x",
        strategy=Strategy.ADVOCACY,
        timezone="America/Chicago",
        recurrence="FREQ=SECONDLY;COUNT=2",
        start_date=dt.date(2027, 1, 4),
        start_time=dt.time(18, 0),
        duration=HOUR,
    )

    with pytest.raises(ValidationError) as exc_info:
        series.full_clean()

    assert exc_info.value.message_dict == {"recurrence": ["FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY."]}


# Shift and Signup


def test_shift_clean_refuses_a_window_outside_its_event_and_no_places(chapter):
    shift = Shift(event=_event(chapter), name="x", starts_at=START, ends_at=END + HOUR, capacity=0)

    with pytest.raises(ValidationError) as exc_info:
        shift.full_clean()

    assert exc_info.value.message_dict == {
        "capacity": ["Ensure this value is greater than or equal to 1.", "A shift needs at least 1 place."]
    }


def test_shift_clean_refuses_a_window_beyond_the_margin_of_its_event(chapter):
    shift = Shift(event=_event(chapter), name="x", starts_at=START - 13 * HOUR, ends_at=END, capacity=2)

    with pytest.raises(ValidationError) as exc_info:
        shift.full_clean()

    assert exc_info.value.message_dict == {
        "starts_at": ["The shift cannot start more than 12 hours before its event starts."]
    }


def test_shift_clean_accepts_a_set_up_shift_before_its_event(chapter):
    shift = Shift(event=_event(chapter), name="Set-up", starts_at=START - 2 * HOUR, ends_at=START, capacity=2)

    assert shift.full_clean() is None


def test_signup_clean_refuses_hours_out_of_range(chapter):
    signup = Signup(user=UserFactory(), shift=ShiftFactory(event=_event(chapter)), status="confirmed", hours=30)

    with pytest.raises(ValidationError) as exc_info:
        signup.full_clean()

    assert exc_info.value.message_dict == {
        "hours": [
            "Ensure this value is less than or equal to 24.",
            "Hours served must be between 0 and 24.",
        ]
    }


@pytest.mark.parametrize(
    ("status", "active"),
    [(SignupStatus.CONFIRMED, True), (SignupStatus.WAITLISTED, True), (SignupStatus.CANCELLED, False)],
)
def test_signup_is_active_unless_cancelled(status, active):
    assert Signup(status=status).is_active is active


# Querysets


def test_listed_published_upcoming_and_past(chapter):
    past = _event(chapter, title="past", starts_at=NOW - 3 * HOUR, ends_at=NOW - HOUR)
    draft = _event(chapter, title="draft", status=EventStatus.DRAFT)
    cancelled = _event(chapter, title="cancelled", status=EventStatus.CANCELLED)
    published = _event(chapter, title="published")

    assert {
        "listed": list(Event.objects.listed()),
        "published": list(Event.objects.published()),
        "upcoming": list(Event.objects.upcoming(NOW)),
        "past": list(Event.objects.past(NOW)),
    } == {
        "listed": [past, cancelled, published],
        "published": [past, published],
        "upcoming": [draft, cancelled, published],
        "past": [past],
    }


def test_with_places_adds_up_the_shifts(chapter):
    event = _event(chapter)
    first = ShiftFactory(event=event, capacity=2)
    ShiftFactory(event=event, capacity=3)
    SignupFactory(shift=first)
    SignupFactory(shift=first, status=SignupStatus.WAITLISTED)
    SignupFactory(shift=first, status=SignupStatus.CANCELLED, cancelled_at=NOW)
    empty = _event(chapter)

    rows = Event.objects.with_places().values_list("pk", "capacity_total", "confirmed_total", "places_left")

    assert sorted(rows) == [(event.pk, 5, 1, 4), (empty.pk, 0, 0, 0)]


def test_with_places_never_goes_below_zero(chapter):
    shift = ShiftFactory(event=_event(chapter), capacity=1)
    SignupFactory.create_batch(2, shift=shift)  # written past the services, as an overbooking would be

    assert Event.objects.with_places().values_list("places_left", flat=True).get() == 0


def test_with_counts_counts_each_status(chapter):
    shift = ShiftFactory(event=_event(chapter), capacity=3)
    SignupFactory.create_batch(2, shift=shift)
    SignupFactory.create_batch(3, shift=shift, status=SignupStatus.WAITLISTED)
    SignupFactory(shift=shift, status=SignupStatus.CANCELLED, cancelled_at=NOW)
    other = ShiftFactory(event=shift.event, capacity=4)

    rows = Shift.objects.with_counts().values_list("pk", "confirmed_count", "waitlist_count", "places_left")

    assert sorted(rows) == [(shift.pk, 2, 3, 1), (other.pk, 0, 0, 4)]


def test_with_waitlist_position_counts_per_shift_and_skips_cancelled(chapter):
    event = _event(chapter)
    first, second = ShiftFactory(event=event, name="first"), ShiftFactory(event=event, name="second")
    rows = [
        (first, SignupStatus.CONFIRMED),
        (first, SignupStatus.WAITLISTED),
        (second, SignupStatus.WAITLISTED),
        (first, SignupStatus.CANCELLED),
        (first, SignupStatus.WAITLISTED),
        (second, SignupStatus.WAITLISTED),
    ]
    for shift, status in rows:
        SignupFactory(shift=shift, status=status, cancelled_at=NOW if status == SignupStatus.CANCELLED else None)

    positions = Signup.objects.with_waitlist_position().order_by("pk").values_list("shift__name", "waitlist_position")

    assert list(positions) == [
        ("first", None),
        ("first", 1),
        ("second", 1),
        ("first", None),
        ("first", 2),
        ("second", 2),
    ]


def test_active_confirmed_and_waitlisted(chapter):
    shift = ShiftFactory(event=_event(chapter))
    confirmed = SignupFactory(shift=shift)
    waitlisted = SignupFactory(shift=shift, status=SignupStatus.WAITLISTED)
    SignupFactory(shift=shift, status=SignupStatus.CANCELLED, cancelled_at=NOW)

    assert (
        list(Signup.objects.active()),
        list(Signup.objects.confirmed()),
        list(Signup.objects.waitlisted()),
    ) == ([confirmed, waitlisted], [confirmed], [waitlisted])


# Query counts: the same for one item as for three


@pytest.mark.parametrize(("who", "queries"), [("anonymous", 1), ("member", 2), ("lead", 2), ("staff", 1)])
@pytest.mark.parametrize("size", [1, 3])
def test_visible_events_with_places_cost_the_same_queries_at_any_size(
    chapter, persona, django_assert_num_queries, who, queries, size
):
    user = persona(who)
    for _ in range(size):
        event = _event(chapter, visibility=Visibility.MEMBERS if who == "member" else Visibility.PUBLIC)
        SignupFactory.create_batch(2, shift=ShiftFactory(event=event, capacity=5))

    with django_assert_num_queries(queries):
        rows = [
            (e.capacity_total, e.confirmed_total, e.places_left) for e in Event.objects.visible_to(user).with_places()
        ]

    assert rows == [(5, 2, 3)] * size


@pytest.mark.parametrize("size", [1, 3])
def test_shifts_with_counts_cost_one_query_at_any_size(chapter, django_assert_num_queries, size):
    for _ in range(size):
        shift = ShiftFactory(event=_event(chapter), capacity=4)
        SignupFactory(shift=shift)
        SignupFactory(shift=shift, status=SignupStatus.WAITLISTED)

    with django_assert_num_queries(1):
        rows = [(s.confirmed_count, s.waitlist_count, s.places_left) for s in Shift.objects.with_counts()]

    assert rows == [(1, 1, 3)] * size


@pytest.mark.parametrize(
    ("fields", "private", "expected"),
    [
        ({"venue": "Library", "address": "1 Main St"}, False, "Library, 1 Main St"),
        ({"venue": "Library", "address": "1 Main\nSt", "address_visibility": "confirmed"}, False, "Library"),
        ({"venue": "Library", "address": "1 Main\nSt", "address_visibility": "confirmed"}, True, "Library, 1 Main St"),
        ({"venue": "Library", "address": "1 Main St", "format": "online"}, True, "Online"),
        ({"venue": "Library", "format": "hybrid"}, False, "Library, and online"),
        ({"format": "hybrid"}, False, "Online"),
    ],
)
def test_event_place_is_one_line_as_the_reader_may_see_it(fields, private, expected):
    from events.models import Event

    assert Event(**fields).whereabouts(private=private).line == expected


@pytest.mark.parametrize(
    ("fields", "private", "expected"),
    [
        (
            {"venue": "Hall", "address": "1 Main St", "latitude": Decimal("41.9"), "longitude": Decimal("-87.6")},
            False,
            ("Hall", "1 Main St", Decimal("41.9"), Decimal("-87.6"), "", False, False),
        ),
        (
            {
                "venue": "Shelter",
                "address": "2 Quiet Rd",
                "latitude": Decimal("41.9"),
                "longitude": Decimal("-87.6"),
                "address_visibility": "confirmed",
            },
            False,
            ("Shelter", "", None, None, "", True, False),
        ),
        (
            {
                "venue": "Shelter",
                "address": "2 Quiet Rd",
                "latitude": Decimal("41.9"),
                "longitude": Decimal("-87.6"),
                "address_visibility": "confirmed",
            },
            True,
            ("Shelter", "2 Quiet Rd", Decimal("41.9"), Decimal("-87.6"), "", False, False),
        ),
        (
            {"format": "online", "online_url": "https://meet.example/x"},
            False,
            ("", "", None, None, "", False, True),
        ),
        (
            {"format": "hybrid", "venue": "Hall", "online_url": "https://meet.example/x"},
            True,
            ("Hall", "", None, None, "https://meet.example/x", False, False),
        ),
        (
            {"format": "in_person", "venue": "Hall", "online_url": "https://meet.example/stale"},
            True,
            ("Hall", "", None, None, "", False, False),
        ),
    ],
)
def test_event_whereabouts_hide_what_the_reader_may_not_see(fields, private, expected):
    from events.models import Event

    where = Event(**fields).whereabouts(private=private)

    assert (
        where.venue,
        where.address,
        where.latitude,
        where.longitude,
        where.online_url,
        where.address_hidden,
        where.link_hidden,
    ) == expected
