"""The events services: every write to events, shifts and signups that carries a rule."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.enums import EventFormat, EventStatus, SignupStatus, Strategy, Visibility
from events.models import Event, Shift, Signup
from events.services import (
    DEFAULT_CAPACITY,
    SignupConflict,
    event_cancel,
    event_create,
    event_delete,
    event_publish,
    event_update,
    series_create,
    shift_cancel,
    shift_create,
    shift_delete,
    shift_update,
    signup_cancel,
    signup_check_in,
    signup_create,
)
from outreach.enums import Role

from ..factories import (
    ChapterFactory,
    EventFactory,
    MembershipFactory,
    PartnerFactory,
    ShiftFactory,
    SignupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 12, 5, 10, 0, tzinfo=CHICAGO)
END = dt.datetime(2026, 12, 5, 14, 0, tzinfo=CHICAGO)
HOUR = dt.timedelta(hours=1)

ALREADY_SIGNED_UP = "You already have a place or a waitlist spot on this shift."


def _event(chapter, **kwargs):
    """A published event on 5 December, 10:00-14:00 Chicago, with no shift yet."""
    return EventFactory(chapter=chapter, **{"starts_at": START, "ends_at": END, **kwargs})


def _shift(chapter=None, *, capacity=2, event=None, **kwargs):
    event = event or _event(chapter or ChapterFactory(), **kwargs)
    return ShiftFactory(event=event, starts_at=event.starts_at, ends_at=event.ends_at, capacity=capacity)


def _statuses(shift):
    return list(
        Signup.objects.filter(shift=shift)
        .with_waitlist_position()
        .order_by("pk")
        .values_list("user__email", "status", "waitlist_position")
    )


# event_create


def test_event_create_makes_a_draft_with_one_spanning_shift_of_default_capacity(chapter, lead):
    event = event_create(
        chapter=chapter,
        created_by=lead,
        starts_at=START,
        ends_at=END,
        title="School assembly",
        strategy=Strategy.INTERNET_SAFETY,
    )

    event.refresh_from_db()
    assert (event.status, event.timezone, event.sequence, event.created_by, event.title) == (
        EventStatus.DRAFT,
        "America/Chicago",
        0,
        lead,
        "School assembly",
    )
    assert list(event.shifts.values_list("name", "starts_at", "ends_at", "capacity")) == [
        ("Volunteer", START, END, DEFAULT_CAPACITY)
    ]
    assert DEFAULT_CAPACITY == 20


def test_event_create_uses_the_given_capacity_shift_name_and_timezone(chapter, lead):
    event = event_create(
        chapter=chapter,
        created_by=lead,
        starts_at=START,
        ends_at=END,
        capacity=5,
        shift_name="Table host",
        title="Fair",
        strategy=Strategy.COMMUNITY_ENGAGEMENT,
        timezone="Europe/Berlin",
    )

    assert event.timezone == "Europe/Berlin"
    assert list(event.shifts.values_list("name", "capacity")) == [("Table host", 5)]


def test_event_create_takes_the_chapters_timezone(other_chapter, lead):
    event = event_create(
        chapter=other_chapter, created_by=lead, starts_at=START, ends_at=END, title="x", strategy=Strategy.ADVOCACY
    )

    assert event.timezone == "Europe/Berlin"


def test_event_create_refuses_an_end_before_the_start(chapter, lead):
    with pytest.raises(ValidationError) as exc_info:
        event_create(
            chapter=chapter, created_by=lead, starts_at=END, ends_at=START, title="x", strategy=Strategy.ADVOCACY
        )

    assert exc_info.value.message_dict == {"ends_at": ["The end must be after the start."]}
    assert Event.objects.count() == 0


def test_event_create_refuses_a_capacity_of_zero(chapter, lead):
    with pytest.raises(ValidationError) as exc_info:
        event_create(
            chapter=chapter,
            created_by=lead,
            starts_at=START,
            ends_at=END,
            capacity=0,
            title="x",
            strategy=Strategy.ADVOCACY,
        )

    assert exc_info.value.message_dict == {"capacity": ["A shift needs at least 1 place."]}
    assert Event.objects.count() == 0


def test_event_create_refuses_a_naive_start(chapter, lead):
    with pytest.raises(ValidationError) as exc_info:
        event_create(
            chapter=chapter,
            created_by=lead,
            starts_at=START.replace(tzinfo=None),
            ends_at=END,
            title="x",
            strategy=Strategy.ADVOCACY,
        )

    assert exc_info.value.message_dict == {
        "starts_at": ["Give the time with its UTC offset, e.g. 2026-03-01T18:00:00-05:00."]
    }


def test_event_create_refuses_a_field_it_does_not_know(chapter, lead):
    with pytest.raises(TypeError, match="unexpected fields: status"):
        event_create(chapter=chapter, created_by=lead, starts_at=START, ends_at=END, title="x", status="published")


# event_update


@pytest.mark.parametrize(
    ("changes", "sequence"),
    [
        ({"title": "New title"}, 1),
        ({"venue": "Library"}, 1),
        ({"starts_at": START - HOUR}, 1),
        ({"strategy": Strategy.ADVOCACY}, 1),  # CATEGORIES
        ({"audiences": ["parents"]}, 0),
        ({"language": "es"}, 0),
        ({"title": "Same"}, 0),
    ],
)
def test_event_update_raises_sequence_only_for_changes_a_calendar_shows(chapter, changes, sequence):
    event = _event(chapter, title="Same")
    ShiftFactory(event=event)

    updated = event_update(event=event, **changes)

    updated.refresh_from_db()
    assert updated.sequence == sequence
    for name, value in changes.items():
        assert getattr(updated, name) == value


def test_event_update_resizes_a_spanning_shift_and_moves_the_others(chapter):
    event = _event(chapter)
    spanning = ShiftFactory(event=event, starts_at=START, ends_at=END)
    later = ShiftFactory(event=event, starts_at=START + HOUR, ends_at=START + 2 * HOUR)

    event_update(event=event, starts_at=START + 24 * HOUR, ends_at=END + 25 * HOUR)

    spanning.refresh_from_db()
    later.refresh_from_db()
    assert (spanning.starts_at, spanning.ends_at) == (START + 24 * HOUR, END + 25 * HOUR)
    assert (later.starts_at, later.ends_at) == (START + 25 * HOUR, START + 26 * HOUR)


def test_event_update_carries_set_up_shifts_from_its_start_and_clear_up_shifts_from_its_end(chapter):
    event = _event(chapter)
    spanning = ShiftFactory(event=event, starts_at=START, ends_at=END)
    set_up = ShiftFactory(event=event, name="Set-up", starts_at=START - 2 * HOUR, ends_at=START)
    clear_up = ShiftFactory(event=event, name="Clear-up", starts_at=END, ends_at=END + HOUR)

    # A day later, and an hour longer.
    event_update(event=event, starts_at=START + 24 * HOUR, ends_at=END + 25 * HOUR)

    for shift in (spanning, set_up, clear_up):
        shift.refresh_from_db()
    assert (spanning.starts_at, spanning.ends_at) == (START + 24 * HOUR, END + 25 * HOUR)
    assert (set_up.starts_at, set_up.ends_at) == (START + 22 * HOUR, START + 24 * HOUR)
    assert (clear_up.starts_at, clear_up.ends_at) == (END + 25 * HOUR, END + 26 * HOUR)


def test_event_update_moves_set_up_shifts_a_long_way(chapter):
    """Moved a week back: the widening step covers both windows and their margins at every statement."""
    event = _event(chapter)
    ShiftFactory(event=event, starts_at=START, ends_at=END)
    set_up = ShiftFactory(event=event, name="Set-up", starts_at=START - 12 * HOUR, ends_at=START - 11 * HOUR)
    clear_up = ShiftFactory(event=event, name="Clear-up", starts_at=END + 11 * HOUR, ends_at=END + 12 * HOUR)

    event_update(event=event, starts_at=START - 7 * 24 * HOUR, ends_at=END - 7 * 24 * HOUR)

    set_up.refresh_from_db()
    clear_up.refresh_from_db()
    assert (set_up.starts_at, clear_up.ends_at) == (START - 180 * HOUR, END - 156 * HOUR)


def test_event_update_moves_an_event_to_a_window_that_does_not_overlap_the_old_one(chapter):
    event = _event(chapter)
    shift = ShiftFactory(event=event, starts_at=START, ends_at=END)

    event_update(event=event, starts_at=START - 72 * HOUR, ends_at=END - 72 * HOUR)

    event.refresh_from_db()
    shift.refresh_from_db()
    assert (event.starts_at, event.ends_at, event.sequence) == (START - 72 * HOUR, END - 72 * HOUR, 1)
    assert (shift.starts_at, shift.ends_at) == (START - 72 * HOUR, END - 72 * HOUR)


def test_event_update_refuses_a_window_a_shift_would_no_longer_fit_in(chapter):
    end = START + 48 * HOUR
    event = _event(chapter, ends_at=end)
    ShiftFactory(event=event, starts_at=START, ends_at=end)
    ShiftFactory(event=event, name="Clean-up", starts_at=end - HOUR, ends_at=end)

    # Two days become two hours: the last hour's shift would end 46 hours after the event.
    with pytest.raises(ValidationError) as exc_info:
        event_update(event=event, ends_at=START + 2 * HOUR)

    assert exc_info.value.message_dict == {
        "ends_at": ["The shift “Clean-up” would no longer fit within 12 hours of the event."]
    }
    event.refresh_from_db()
    assert (event.ends_at, event.sequence) == (end, 0)
    assert sorted(event.shifts.values_list("ends_at", flat=True)) == [end, end]


def test_event_update_without_a_margin_keeps_shifts_inside(chapter, settings):
    settings.SHIFT_MARGIN = 0
    event = _event(chapter)
    ShiftFactory(event=event, starts_at=START, ends_at=END)
    ShiftFactory(event=event, name="Clean-up", starts_at=END - HOUR, ends_at=END)

    with pytest.raises(ValidationError) as exc_info:
        event_update(event=event, ends_at=END - 2 * HOUR)

    assert exc_info.value.message_dict == {"ends_at": ["The shift “Clean-up” would no longer fit inside the event."]}


def test_event_update_refuses_an_end_before_the_start(chapter):
    event = _event(chapter)
    ShiftFactory(event=event)

    with pytest.raises(ValidationError) as exc_info:
        event_update(event=event, ends_at=START - HOUR)

    assert exc_info.value.message_dict == {"ends_at": ["The end must be after the start."]}


def test_event_update_refuses_a_cancelled_event(chapter):
    event = _event(chapter, status=EventStatus.CANCELLED)

    with pytest.raises(ValidationError) as exc_info:
        event_update(event=event, title="Back on")

    assert exc_info.value.message_dict == {"status": ["A cancelled event cannot be edited."]}


def test_event_update_of_a_published_online_event_keeps_its_link(chapter):
    event = _event(chapter, format=EventFormat.ONLINE, online_url="https://meet.example.org/a")
    ShiftFactory(event=event)

    with pytest.raises(ValidationError) as exc_info:
        event_update(event=event, online_url="")

    assert exc_info.value.message_dict == {"online_url": ["An online or hybrid event needs its online link."]}


def test_event_update_marks_an_edited_occurrence_detached(chapter, lead):
    series = series_create(
        chapter=chapter,
        created_by=lead,
        recurrence="FREQ=WEEKLY;COUNT=2",
        start_date=dt.date(2026, 12, 1),
        start_time=dt.time(18, 0),
        duration=2 * HOUR,
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
        now=NOW,
    )
    first, _ = series.occurrences.order_by("occurrence_date")

    event_update(event=first, title="Special edition")

    assert list(series.occurrences.order_by("occurrence_date").values_list("title", "detached")) == [
        ("Special edition", True),
        ("Weekly table", False),
    ]


def test_event_update_with_unchanged_values_leaves_an_occurrence_attached(chapter, lead):
    series = series_create(
        chapter=chapter,
        created_by=lead,
        recurrence="FREQ=WEEKLY;COUNT=1",
        start_date=dt.date(2026, 12, 1),
        start_time=dt.time(18, 0),
        duration=2 * HOUR,
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
        now=NOW,
    )
    occurrence = series.occurrences.get()

    updated = event_update(event=occurrence, title="Weekly table")

    assert (updated.detached, updated.sequence) == (False, 0)


# event_publish


def test_event_publish_publishes_a_draft_and_raises_sequence(chapter):
    event = _event(chapter, status=EventStatus.DRAFT)

    event_publish(event=event)

    event.refresh_from_db()
    assert (event.status, event.sequence) == (EventStatus.PUBLISHED, 1)


@pytest.mark.parametrize("status", [EventStatus.PUBLISHED, EventStatus.CANCELLED])
def test_event_publish_refuses_an_event_that_is_not_a_draft(chapter, status):
    event = _event(chapter, status=status)

    with pytest.raises(ValidationError) as exc_info:
        event_publish(event=event)

    label = {"published": "published", "cancelled": "cancelled"}[status]
    assert exc_info.value.message_dict == {"status": [f"Only a draft can be published; this event is {label}."]}
    event.refresh_from_db()
    assert (event.status, event.sequence) == (status, 0)


@pytest.mark.parametrize("event_format", [EventFormat.ONLINE, EventFormat.HYBRID])
def test_event_publish_refuses_an_online_event_without_its_link(chapter, event_format):
    event = _event(chapter, status=EventStatus.DRAFT, format=event_format)

    with pytest.raises(ValidationError) as exc_info:
        event_publish(event=event)

    assert exc_info.value.message_dict == {"online_url": ["An online or hybrid event needs its online link."]}
    event.refresh_from_db()
    assert event.status == EventStatus.DRAFT


def test_event_publish_accepts_an_online_event_with_its_link(chapter):
    event = _event(
        chapter, status=EventStatus.DRAFT, format=EventFormat.ONLINE, online_url="https://meet.example.org/x"
    )

    published = event_publish(event=event)

    assert published.status == EventStatus.PUBLISHED


# event_cancel


def test_event_cancel_keeps_signups_stores_the_note_and_raises_sequence(chapter):
    shift = _shift(chapter)
    signup = SignupFactory(shift=shift)

    event_cancel(event=shift.event, note="Storm warning", now=NOW)

    event = Event.objects.get(pk=shift.event_id)
    signup.refresh_from_db()
    assert (event.status, event.cancellation_note, event.sequence) == (EventStatus.CANCELLED, "Storm warning", 1)
    assert signup.status == SignupStatus.CONFIRMED


def test_event_cancel_refuses_an_event_that_has_taken_place(chapter):
    shift = _shift(chapter)

    with pytest.raises(ValidationError) as exc_info:
        event_cancel(event=shift.event, note="Too late", now=END)

    assert exc_info.value.message_dict == {"status": ["This event has already taken place; it cannot be cancelled."]}
    assert [error.code for error in exc_info.value.error_dict["status"]] == ["ended"]
    event = Event.objects.get(pk=shift.event_id)
    assert (event.status, event.sequence) == (EventStatus.PUBLISHED, 0)


def test_event_cancel_refuses_an_event_already_cancelled(chapter):
    event = _event(chapter, status=EventStatus.CANCELLED, cancellation_note="First")

    with pytest.raises(ValidationError) as exc_info:
        event_cancel(event=event, note="Second", now=NOW)

    assert exc_info.value.message_dict == {"status": ["This event is already cancelled."]}
    event.refresh_from_db()
    assert (event.cancellation_note, event.sequence) == ("First", 0)


def test_event_cancel_of_an_online_draft_without_a_link_succeeds(chapter):
    event = _event(chapter, status=EventStatus.DRAFT, format=EventFormat.ONLINE)
    ShiftFactory(event=event)

    cancelled = event_cancel(event=event, now=NOW)

    assert cancelled.status == EventStatus.CANCELLED


# event_delete


def test_event_delete_deletes_a_draft_with_its_shifts(chapter):
    shift = _shift(chapter, status=EventStatus.DRAFT)

    event_delete(event=shift.event)

    assert (Event.objects.count(), Shift.objects.count()) == (0, 0)


@pytest.mark.parametrize("status", [EventStatus.PUBLISHED, EventStatus.CANCELLED])
def test_event_delete_refuses_an_event_that_is_not_a_draft(chapter, status):
    event = _event(chapter, status=status)

    with pytest.raises(ValidationError) as exc_info:
        event_delete(event=event)

    assert exc_info.value.message_dict == {"status": ["Only a draft can be deleted; cancel a published event instead."]}
    assert Event.objects.filter(pk=event.pk).exists()


# shift_create, shift_update, shift_delete


def test_shift_create_adds_a_shift_inside_the_event(chapter):
    event = _event(chapter)

    shift = shift_create(event=event, name="Greeter", starts_at=START, ends_at=START + HOUR, capacity=3, now=NOW)

    assert list(event.shifts.values_list("pk", "name", "starts_at", "ends_at", "capacity")) == [
        (shift.pk, "Greeter", START, START + HOUR, 3)
    ]


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "errors"),
    [
        (
            START - 13 * HOUR,
            START + HOUR,
            {"starts_at": ["The shift cannot start more than 12 hours before its event starts."]},
        ),
        (END - HOUR, END + 13 * HOUR, {"ends_at": ["The shift cannot end more than 12 hours after its event ends."]}),
        (START + HOUR, START + HOUR, {"ends_at": ["The end must be after the start."]}),
    ],
)
def test_shift_create_refuses_a_window_outside_the_event_or_backwards(chapter, starts_at, ends_at, errors):
    event = _event(chapter)

    with pytest.raises(ValidationError) as exc_info:
        shift_create(event=event, name="Greeter", starts_at=starts_at, ends_at=ends_at, capacity=3, now=NOW)

    assert exc_info.value.message_dict == errors
    assert Shift.objects.count() == 0


def test_shift_create_refuses_a_cancelled_event(chapter):
    event = _event(chapter, status=EventStatus.CANCELLED)

    with pytest.raises(ValidationError) as exc_info:
        shift_create(event=event, name="Greeter", starts_at=START, ends_at=END, capacity=3, now=NOW)

    assert exc_info.value.message_dict == {"event": ["Shifts cannot be added to a cancelled event."]}


@pytest.mark.parametrize(
    ("name", "starts_at", "ends_at"),
    [("Set-up", START - 3 * HOUR, START), ("Clear-up", END, END + 2 * HOUR), ("Long day", START - 12 * HOUR, END)],
)
def test_shift_create_adds_set_up_and_clear_up_shifts_outside_the_public_times(chapter, name, starts_at, ends_at):
    event = _event(chapter)

    shift = shift_create(event=event, name=name, starts_at=starts_at, ends_at=ends_at, capacity=2, now=NOW)

    event.refresh_from_db()
    assert (shift.starts_at, shift.ends_at) == (starts_at, ends_at)
    assert (event.starts_at, event.ends_at, event.sequence) == (START, END, 0)


def test_shift_create_refuses_an_event_that_has_taken_place(chapter):
    event = _event(chapter)

    with pytest.raises(ValidationError) as exc_info:
        shift_create(event=event, name="Late", starts_at=START, ends_at=END, capacity=3, now=END)

    assert exc_info.value.message_dict == {"event": ["Shifts cannot be added to an event that has taken place."]}
    assert [error.code for error in exc_info.value.error_dict["event"]] == ["ended"]
    assert Shift.objects.count() == 0


def test_shift_update_refuses_a_capacity_below_the_confirmed_count(chapter):
    shift = _shift(chapter, capacity=3)
    SignupFactory.create_batch(3, shift=shift)

    with pytest.raises(ValidationError) as exc_info:
        shift_update(shift=shift, capacity=2)

    assert exc_info.value.message_dict == {
        "capacity": ["3 volunteers are already confirmed; the capacity cannot be lower than that."]
    }
    shift.refresh_from_db()
    assert shift.capacity == 3


def test_shift_update_lowers_the_capacity_to_the_confirmed_count(chapter):
    shift = _shift(chapter, capacity=5)
    SignupFactory.create_batch(3, shift=shift)

    updated = shift_update(shift=shift, capacity=3)

    assert Shift.objects.with_counts().values_list("capacity", "confirmed_count", "places_left").get(pk=updated.pk) == (
        3,
        3,
        0,
    )


def test_shift_update_raising_capacity_confirms_the_waitlist_first_come_first_served(chapter):
    shift = _shift(chapter, capacity=1)
    for email in ["a@example.org", "b@example.org", "c@example.org", "d@example.org"]:
        signup_create(user=UserFactory(email=email), shift=shift, now=NOW)

    shift_update(shift=shift, capacity=3)

    assert _statuses(shift) == [
        ("a@example.org", SignupStatus.CONFIRMED, None),
        ("b@example.org", SignupStatus.CONFIRMED, None),
        ("c@example.org", SignupStatus.CONFIRMED, None),
        ("d@example.org", SignupStatus.WAITLISTED, 1),
    ]


def test_shift_update_refuses_a_window_outside_the_event(chapter):
    shift = _shift(chapter)

    with pytest.raises(ValidationError) as exc_info:
        shift_update(shift=shift, ends_at=END + 13 * HOUR)

    assert exc_info.value.message_dict == {"ends_at": ["The shift cannot end more than 12 hours after its event ends."]}


def test_shift_delete_deletes_a_shift_nobody_holds(chapter):
    shift = _shift(chapter)
    other = ShiftFactory(event=shift.event)
    SignupFactory(shift=shift, status=SignupStatus.CANCELLED, cancelled_at=NOW)

    shift_delete(shift=shift)

    assert list(Shift.objects.values_list("pk", flat=True)) == [other.pk]


def test_shift_delete_refuses_the_last_shift_of_an_event(chapter):
    shift = _shift(chapter)

    with pytest.raises(ValidationError) as exc_info:
        shift_delete(shift=shift)

    assert exc_info.value.message_dict == {"shift": ["An event needs at least one shift."]}
    assert Shift.objects.filter(pk=shift.pk).exists()


@pytest.mark.parametrize("status", [SignupStatus.CONFIRMED, SignupStatus.WAITLISTED])
def test_shift_delete_refuses_a_shift_with_active_signups(chapter, status):
    shift = _shift(chapter)
    ShiftFactory(event=shift.event)
    SignupFactory(shift=shift, status=status)

    with pytest.raises(ValidationError) as exc_info:
        shift_delete(shift=shift)

    assert exc_info.value.message_dict == {
        "shift": ["Volunteers hold places on this shift; cancel their signups first."]
    }
    assert Shift.objects.filter(pk=shift.pk).exists()


# signup_create


def test_signup_create_confirms_while_places_remain_then_waitlists_in_order(chapter):
    shift = _shift(chapter, capacity=2)
    emails = [f"v{n}@example.org" for n in range(5)]

    signups = [signup_create(user=UserFactory(email=email), shift=shift, now=NOW) for email in emails]

    assert [(s.status, s.waitlist_position) for s in signups] == [
        (SignupStatus.CONFIRMED, None),
        (SignupStatus.CONFIRMED, None),
        (SignupStatus.WAITLISTED, 1),
        (SignupStatus.WAITLISTED, 2),
        (SignupStatus.WAITLISTED, 3),
    ]
    assert _statuses(shift) == [
        ("v0@example.org", SignupStatus.CONFIRMED, None),
        ("v1@example.org", SignupStatus.CONFIRMED, None),
        ("v2@example.org", SignupStatus.WAITLISTED, 1),
        ("v3@example.org", SignupStatus.WAITLISTED, 2),
        ("v4@example.org", SignupStatus.WAITLISTED, 3),
    ]


@pytest.mark.parametrize(
    ("event_kwargs", "message"),
    [
        ({"status": EventStatus.DRAFT}, "This event is not published yet."),
        ({"status": EventStatus.CANCELLED}, "This event has been cancelled."),
        ({"visibility": Visibility.MEMBERS}, "This event is for the chapter's members only."),
    ],
)
def test_signup_create_refuses_an_event_that_is_not_open_to_the_volunteer(chapter, outsider, event_kwargs, message):
    shift = _shift(chapter, **event_kwargs)

    with pytest.raises(ValidationError) as exc_info:
        signup_create(user=outsider, shift=shift, now=NOW)

    assert not isinstance(exc_info.value, SignupConflict)
    assert exc_info.value.message_dict == {"shift": [message]}
    assert Signup.objects.count() == 0


def test_signup_create_refuses_an_event_that_has_ended(chapter, outsider):
    shift = _shift(chapter)

    with pytest.raises(ValidationError) as exc_info:
        signup_create(user=outsider, shift=shift, now=END)

    assert exc_info.value.message_dict == {"shift": ["This shift has already ended."]}
    assert Signup.objects.count() == 0


def test_signup_create_refuses_a_shift_that_has_ended_while_the_event_goes_on(chapter, outsider):
    event = _event(chapter)
    early = ShiftFactory(event=event, starts_at=START, ends_at=START + HOUR)

    with pytest.raises(ValidationError) as exc_info:
        signup_create(user=outsider, shift=early, now=START + HOUR)

    assert exc_info.value.message_dict == {"shift": ["This shift has already ended."]}


def test_signup_create_accepts_an_event_under_way(chapter, outsider):
    shift = _shift(chapter)

    signup = signup_create(user=outsider, shift=shift, now=START + HOUR)

    assert signup.status == SignupStatus.CONFIRMED


@pytest.mark.parametrize("role", [Role.MEMBER, Role.COORDINATOR, Role.LEAD])
def test_signup_create_accepts_a_member_for_a_members_only_event(chapter, role):
    user = MembershipFactory(chapter=chapter, role=role).user
    shift = _shift(chapter, visibility=Visibility.MEMBERS)

    signup = signup_create(user=user, shift=shift, now=NOW)

    assert (signup.user, signup.shift, signup.status) == (user, shift, SignupStatus.CONFIRMED)


def test_signup_create_refuses_a_members_only_event_to_a_member_of_another_chapter(chapter, other_lead):
    shift = _shift(chapter, visibility=Visibility.MEMBERS)

    with pytest.raises(ValidationError) as exc_info:
        signup_create(user=other_lead, shift=shift, now=NOW)

    assert exc_info.value.message_dict == {"shift": ["This event is for the chapter's members only."]}


@pytest.mark.parametrize("first_status", [SignupStatus.CONFIRMED, SignupStatus.WAITLISTED])
def test_signup_create_refuses_a_second_active_signup_on_the_same_shift(chapter, outsider, first_status):
    shift = _shift(chapter, capacity=1)
    if first_status == SignupStatus.WAITLISTED:
        signup_create(user=UserFactory(), shift=shift, now=NOW)
    first = signup_create(user=outsider, shift=shift, now=NOW)
    assert first.status == first_status

    with pytest.raises(SignupConflict) as exc_info:
        signup_create(user=outsider, shift=shift, now=NOW)

    assert exc_info.value.message_dict == {"shift": [ALREADY_SIGNED_UP]}
    assert Signup.objects.filter(user=outsider).count() == 1


def test_signup_create_refuses_a_shift_that_overlaps_one_already_held(chapter, outsider):
    held = _shift(chapter)
    held.event.title = "Tabling"
    held.event.save()
    other = ShiftFactory(
        event=_event(chapter, title="Walk"), name="Marshal", starts_at=END - HOUR, ends_at=END, capacity=5
    )
    signup_create(user=outsider, shift=held, now=NOW)

    with pytest.raises(SignupConflict) as exc_info:
        signup_create(user=outsider, shift=other, now=NOW)

    assert exc_info.value.message_dict == {
        "shift": ["You are already signed up for “Tabling: Table host” at the same time."]
    }


def test_signup_create_accepts_back_to_back_shifts(chapter, outsider):
    event = _event(chapter)
    morning = ShiftFactory(event=event, starts_at=START, ends_at=START + HOUR)
    noon = ShiftFactory(event=event, starts_at=START + HOUR, ends_at=START + 2 * HOUR)
    signup_create(user=outsider, shift=morning, now=NOW)

    signup = signup_create(user=outsider, shift=noon, now=NOW)

    assert signup.status == SignupStatus.CONFIRMED


def test_signup_create_ignores_a_cancelled_signup_that_overlaps(chapter, outsider):
    held = _shift(chapter)
    other = _shift(chapter)
    signup_cancel(signup=signup_create(user=outsider, shift=held, now=NOW), now=NOW)

    signup = signup_create(user=outsider, shift=other, now=NOW)

    assert signup.status == SignupStatus.CONFIRMED


def test_signup_create_ignores_an_overlapping_signup_for_a_cancelled_event(chapter, outsider):
    called_off = _shift(chapter)
    replacement = _shift(chapter)
    signup_create(user=outsider, shift=called_off, now=NOW)
    event_cancel(event=called_off.event, now=NOW)

    signup = signup_create(user=outsider, shift=replacement, now=NOW)

    assert signup.status == SignupStatus.CONFIRMED


def test_signup_create_after_cancelling_signs_up_again(chapter, outsider):
    shift = _shift(chapter)
    first = signup_create(user=outsider, shift=shift, now=NOW)
    signup_cancel(signup=first, now=NOW)

    again = signup_create(user=outsider, shift=shift, now=NOW)

    assert again.pk != first.pk
    assert list(Signup.objects.filter(user=outsider).order_by("pk").values_list("status", flat=True)) == [
        SignupStatus.CANCELLED,
        SignupStatus.CONFIRMED,
    ]


# shift_cancel


def test_shift_cancel_cancels_every_active_signup_and_keeps_the_note(chapter):
    shift = _shift(chapter, capacity=1)
    signups = [signup_create(user=UserFactory(email=f"v{n}@example.org"), shift=shift, now=NOW) for n in range(3)]
    signup_cancel(signup=signups[1], now=NOW)

    cancelled = shift_cancel(shift=shift, note="The hall is too small.", now=NOW + HOUR)

    assert (cancelled.cancelled_at, cancelled.cancellation_note, cancelled.is_cancelled) == (
        NOW + HOUR,
        "The hall is too small.",
        True,
    )
    assert list(Signup.objects.order_by("pk").values_list("user__email", "status", "cancelled_at")) == [
        ("v0@example.org", SignupStatus.CANCELLED, NOW + HOUR),
        ("v1@example.org", SignupStatus.CANCELLED, NOW),
        ("v2@example.org", SignupStatus.CANCELLED, NOW + HOUR),
    ]


def test_shift_cancel_refuses_a_shift_already_cancelled(chapter):
    shift = shift_cancel(shift=_shift(chapter), note="First", now=NOW)

    with pytest.raises(ValidationError) as exc_info:
        shift_cancel(shift=shift, note="Second", now=NOW + HOUR)

    assert exc_info.value.message_dict == {"status": ["This shift is already cancelled."]}
    assert [error.code for error in exc_info.value.error_dict["status"]] == ["already_cancelled"]
    shift.refresh_from_db()
    assert (shift.cancelled_at, shift.cancellation_note) == (NOW, "First")


def test_signup_create_refuses_a_cancelled_shift(chapter, outsider):
    shift = shift_cancel(shift=_shift(chapter), now=NOW)

    with pytest.raises(ValidationError) as caught:
        signup_create(user=outsider, shift=shift, now=NOW)

    assert caught.value.message_dict == {"shift": ["This shift has been cancelled."]}
    assert [error.code for error in caught.value.error_dict["shift"]] == ["cancelled"]
    assert not Signup.objects.exists()


# signup_cancel


def test_signup_cancel_confirms_the_first_waitlisted_volunteer_and_keeps_positions_contiguous(chapter):
    shift = _shift(chapter, capacity=1)
    signups = [signup_create(user=UserFactory(email=f"v{n}@example.org"), shift=shift, now=NOW) for n in range(4)]

    cancelled = signup_cancel(signup=signups[0], now=NOW)

    assert (cancelled.status, cancelled.cancelled_at, cancelled.waitlist_position) == (
        SignupStatus.CANCELLED,
        NOW,
        None,
    )
    assert [s.pk for s in cancelled.promoted] == [signups[1].pk]
    assert _statuses(shift) == [
        ("v0@example.org", SignupStatus.CANCELLED, None),
        ("v1@example.org", SignupStatus.CONFIRMED, None),
        ("v2@example.org", SignupStatus.WAITLISTED, 1),
        ("v3@example.org", SignupStatus.WAITLISTED, 2),
    ]


def test_signup_cancel_of_a_waitlisted_signup_promotes_nobody(chapter):
    shift = _shift(chapter, capacity=1)
    signups = [signup_create(user=UserFactory(email=f"v{n}@example.org"), shift=shift, now=NOW) for n in range(4)]

    cancelled = signup_cancel(signup=signups[2], now=NOW)

    assert cancelled.promoted == []
    assert _statuses(shift) == [
        ("v0@example.org", SignupStatus.CONFIRMED, None),
        ("v1@example.org", SignupStatus.WAITLISTED, 1),
        ("v2@example.org", SignupStatus.CANCELLED, None),
        ("v3@example.org", SignupStatus.WAITLISTED, 2),
    ]


def test_signup_cancel_with_an_empty_waitlist_frees_the_place(chapter, outsider):
    shift = _shift(chapter, capacity=1)
    signup = signup_create(user=outsider, shift=shift, now=NOW)

    cancelled = signup_cancel(signup=signup, now=NOW)

    assert cancelled.promoted == []
    assert Shift.objects.with_counts().values_list("confirmed_count", "waitlist_count", "places_left").get(
        pk=shift.pk
    ) == (0, 0, 1)


def test_signup_cancel_refuses_a_signup_already_cancelled(chapter, outsider):
    shift = _shift(chapter)
    signup = signup_cancel(signup=signup_create(user=outsider, shift=shift, now=NOW), now=NOW)

    with pytest.raises(ValidationError) as exc_info:
        signup_cancel(signup=signup, now=NOW + HOUR)

    assert exc_info.value.message_dict == {"status": ["This signup is already cancelled."]}
    signup.refresh_from_db()
    assert signup.cancelled_at == NOW


# signup_check_in


def test_signup_check_in_of_an_attendee_defaults_hours_to_the_shift_length(chapter):
    event = _event(chapter)
    shift = ShiftFactory(event=event, starts_at=START, ends_at=START + dt.timedelta(hours=2, minutes=30))
    signup = SignupFactory(shift=shift)

    checked = signup_check_in(signup=signup, now=START, attended=True)

    checked.refresh_from_db()
    assert (checked.attended, checked.hours) == (True, Decimal("2.50"))
    assert checked.checked_in_at is not None


def test_signup_check_in_of_an_attendee_of_a_long_shift_caps_hours_at_a_day(chapter):
    event = _event(chapter, ends_at=START + 30 * HOUR)
    signup = SignupFactory(shift=ShiftFactory(event=event, starts_at=START, ends_at=START + 30 * HOUR))

    checked = signup_check_in(signup=signup, now=START, attended=True)

    checked.refresh_from_db()
    assert (checked.attended, checked.hours) == (True, Decimal("24.00"))


def test_signup_check_in_of_a_no_show_records_zero_hours(chapter):
    signup = SignupFactory(shift=_shift(chapter))

    checked = signup_check_in(signup=signup, now=START, attended=False)

    checked.refresh_from_db()
    assert (checked.attended, checked.hours) == (False, Decimal("0.00"))


def test_signup_check_in_records_the_hours_given(chapter):
    signup = SignupFactory(shift=_shift(chapter))

    checked = signup_check_in(signup=signup, now=START, attended=True, hours=Decimal("1.25"))

    checked.refresh_from_db()
    assert (checked.attended, checked.hours) == (True, Decimal("1.25"))


@pytest.mark.parametrize("hours", [Decimal("-0.5"), Decimal("24.01"), Decimal(25)])
def test_signup_check_in_refuses_hours_out_of_range(chapter, hours):
    signup = SignupFactory(shift=_shift(chapter))

    with pytest.raises(ValidationError) as exc_info:
        signup_check_in(signup=signup, now=START, attended=True, hours=hours)

    assert exc_info.value.message_dict == {"hours": ["Hours served must be between 0 and 24."]}
    signup.refresh_from_db()
    assert (signup.attended, signup.hours) == (None, None)


def test_signup_check_in_refuses_hours_for_a_no_show(chapter):
    signup = SignupFactory(shift=_shift(chapter))

    with pytest.raises(ValidationError) as exc_info:
        signup_check_in(signup=signup, now=START, attended=False, hours=Decimal(2))

    assert exc_info.value.message_dict == {"hours": ["A volunteer who did not come served no hours."]}


@pytest.mark.parametrize(
    "now",
    [START - HOUR, START + 2 * HOUR, END + 24 * 7 * HOUR],
    ids=["as-it-opens", "during", "a-week-later"],
)
def test_signup_check_in_is_open_from_an_hour_before_the_shift_and_stays_open(chapter, now):
    signup = SignupFactory(shift=_shift(chapter))

    checked = signup_check_in(signup=signup, attended=True, now=now)

    checked.refresh_from_db()
    assert (checked.attended, checked.checked_in_at) == (True, now)


def test_signup_check_in_before_it_opens_is_refused_with_the_time_it_opens(chapter):
    signup = SignupFactory(shift=_shift(chapter))

    with pytest.raises(ValidationError) as exc_info:
        signup_check_in(signup=signup, attended=True, now=START - HOUR - dt.timedelta(seconds=1))

    assert exc_info.value.message_dict == {
        "attended": ["Check-in for this shift opens at Sat 05 Dec 2026, 09:00 CST, 1 hour before it starts."]
    }
    assert [error.code for error in exc_info.value.error_dict["attended"]] == ["too_early"]
    signup.refresh_from_db()
    assert (signup.attended, signup.hours, signup.checked_in_at) == (None, None, None)


def test_signup_check_in_twelve_days_ahead_is_refused(chapter):
    signup = SignupFactory(shift=_shift(chapter))

    with pytest.raises(ValidationError) as exc_info:
        signup_check_in(signup=signup, attended=False, now=START - 12 * 24 * HOUR)

    assert [error.code for error in exc_info.value.error_dict["attended"]] == ["too_early"]


def test_signup_check_in_opening_follows_the_setting(chapter, settings):
    settings.CHECK_IN_OPENS_MINUTES = 15
    signup = SignupFactory(shift=_shift(chapter))

    with pytest.raises(ValidationError) as exc_info:
        signup_check_in(signup=signup, attended=True, now=START - dt.timedelta(minutes=16))
    checked = signup_check_in(signup=signup, attended=True, now=START - dt.timedelta(minutes=15))

    assert exc_info.value.message_dict == {
        "attended": ["Check-in for this shift opens at Sat 05 Dec 2026, 09:45 CST, 15 minutes before it starts."]
    }
    assert checked.attended is True


def test_signup_check_in_opening_when_the_shift_starts(chapter, settings):
    settings.CHECK_IN_OPENS_MINUTES = 0
    signup = SignupFactory(shift=_shift(chapter))

    with pytest.raises(ValidationError) as exc_info:
        signup_check_in(signup=signup, attended=True, now=START - dt.timedelta(seconds=1))

    assert exc_info.value.message_dict == {
        "attended": ["Check-in for this shift opens when it starts, at Sat 05 Dec 2026, 10:00 CST."]
    }


def test_signup_check_in_of_a_set_up_shift_opens_before_the_shift_not_the_event(chapter):
    event = _event(chapter)
    set_up = ShiftFactory(event=event, name="Set-up", starts_at=START - 3 * HOUR, ends_at=START)
    signup = SignupFactory(shift=set_up)

    checked = signup_check_in(signup=signup, attended=True, now=START - 4 * HOUR)

    assert (checked.attended, checked.hours) == (True, Decimal("3.00"))


@pytest.mark.parametrize("status", [SignupStatus.WAITLISTED, SignupStatus.CANCELLED])
def test_signup_check_in_refuses_a_signup_that_is_not_confirmed(chapter, status):
    signup = SignupFactory(
        shift=_shift(chapter), status=status, cancelled_at=NOW if status == SignupStatus.CANCELLED else None
    )

    with pytest.raises(ValidationError) as exc_info:
        signup_check_in(signup=signup, now=START, attended=True)

    assert exc_info.value.message_dict == {"status": ["Only a confirmed volunteer can be checked in."]}
    signup.refresh_from_db()
    assert (signup.attended, signup.hours, signup.checked_in_at) == (None, None, None)


# Fixes found by review: codes, promotions onto dead events, partners, masked integrity errors


def test_event_update_with_the_same_partners_leaves_an_occurrence_attached(chapter, lead):
    partner = PartnerFactory(chapter=chapter)
    series = series_create(
        chapter=chapter,
        created_by=lead,
        recurrence="FREQ=WEEKLY;COUNT=1",
        start_date=dt.date(2026, 12, 1),
        start_time=dt.time(18, 0),
        duration=2 * HOUR,
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
        partners=[partner],
        now=NOW,
    )
    occurrence = series.occurrences.get()

    same = event_update(event=occurrence, partners=[partner])
    other = event_update(event=occurrence, partners=[])

    assert (same.detached, other.detached) == (False, True)


@pytest.mark.parametrize(
    ("event_kwargs", "code"),
    [
        ({"status": EventStatus.DRAFT}, "not_published"),
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"visibility": Visibility.MEMBERS}, "members_only"),
    ],
)
def test_signup_create_refusals_carry_their_code(chapter, event_kwargs, code):
    shift = ShiftFactory(event=EventFactory(chapter=chapter, **event_kwargs))

    with pytest.raises(ValidationError) as caught:
        signup_create(user=UserFactory(), shift=shift)

    assert [error.code for error in caught.value.error_dict["shift"]] == [code]


def test_signup_conflicts_carry_their_code(shift):
    user = UserFactory()
    signup_create(user=user, shift=shift)

    with pytest.raises(SignupConflict) as caught:
        signup_create(user=user, shift=shift)

    assert [error.code for error in caught.value.error_dict["shift"]] == ["already_signed_up"]


def test_signup_cancel_on_a_cancelled_event_is_refused_and_promotes_nobody(chapter):
    shift = ShiftFactory(event__chapter=chapter, capacity=1)
    confirmed = SignupFactory(shift=shift)
    waiting = SignupFactory(shift=shift, status=SignupStatus.WAITLISTED)
    event_cancel(event=shift.event)

    with pytest.raises(ValidationError) as refused:
        signup_cancel(signup=confirmed)

    assert refused.value.error_dict["status"][0].code == "event_cancelled"
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert (confirmed.status, waiting.status) == (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)


def test_signup_cancel_after_the_shift_is_refused_and_keeps_the_check_in(chapter):
    start = timezone.now() - dt.timedelta(hours=3)
    shift = ShiftFactory(
        event__chapter=chapter,
        event__starts_at=start,
        event__ends_at=start + dt.timedelta(hours=2),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    served = SignupFactory(shift=shift, attended=True, hours=Decimal("2.00"))

    with pytest.raises(ValidationError) as refused:
        signup_cancel(signup=served)

    assert refused.value.error_dict["status"][0].code == "ended"
    served.refresh_from_db()
    assert (served.status, served.attended, served.hours) == (SignupStatus.CONFIRMED, True, Decimal("2.00"))


def test_signup_create_does_not_disguise_other_integrity_errors(shift, monkeypatch):
    from django.db import IntegrityError

    from events import services

    def broken_save(instance):
        raise IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(services, "_save", broken_save)

    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        signup_create(user=UserFactory(), shift=shift)


def test_a_cancelled_shift_cannot_be_changed_and_leaves_the_places_left(chapter):
    from events.models import Event
    from events.services import shift_cancel

    event = EventFactory(chapter=chapter)
    open_shift = ShiftFactory(event=event, capacity=3)
    cancelled = ShiftFactory(event=event, capacity=5)
    shift_cancel(shift=cancelled, note="Rain")

    with pytest.raises(ValidationError) as caught:
        shift_update(shift=cancelled, capacity=6)

    assert caught.value.message_dict == {"status": ["A cancelled shift cannot be changed."]}
    assert Event.objects.with_places().get(pk=event.pk).places_left == open_shift.capacity
