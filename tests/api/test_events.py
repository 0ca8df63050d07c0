import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import EventStatus, SignupStatus, Visibility
from events.models import Event, EventSeries, Shift
from tests.factories import (
    CampaignFactory,
    EventFactory,
    PartnerFactory,
    ShiftFactory,
    SignupFactory,
    UserFactory,
)

UTC = dt.UTC


def event_payload(**overrides):
    return {
        "chapter": "chicago",
        "title": "Internet safety for parents",
        "strategy": "internet_safety",
        "audiences": ["parents", "educators"],
        "starts_at": "2027-01-10T18:00:00-06:00",
        "ends_at": "2027-01-10T20:00:00-06:00",
        **overrides,
    }


# Reading


def test_event_list_shows_published_public_events_to_anonymous(api, chapter):
    shown = EventFactory(chapter=chapter, title="Shown")
    EventFactory(chapter=chapter, title="Draft", status=EventStatus.DRAFT)
    EventFactory(chapter=chapter, title="Members", visibility=Visibility.MEMBERS)

    response = api.get("/api/v1/events/")

    assert response.status_code == 200
    assert [event["id"] for event in response.json()["results"]] == [shown.pk]


def test_event_detail_has_the_contract_fields(api, chapter):
    campaign = CampaignFactory(slug="prevention-month")
    event = EventFactory(
        chapter=chapter,
        campaign=campaign,
        title="Open dialogue night",
        strategy="open_dialogue",
        audiences=["youth"],
        venue="Library",
        address="1 Main St",
        latitude=Decimal("41.880000"),
        longitude=Decimal("-87.630000"),
        starts_at=dt.datetime(2027, 2, 1, 0, 0, tzinfo=UTC),
        ends_at=dt.datetime(2027, 2, 1, 2, 0, tzinfo=UTC),
    )
    shift = ShiftFactory(event=event, capacity=3)
    SignupFactory(shift=shift)

    data = api.get(f"/api/v1/events/{event.pk}/").json()

    assert data["id"] == event.pk
    assert data["uid"] == str(event.uid)
    assert data["chapter"] == "chicago"
    assert data["campaign"] == "prevention-month"
    assert data["strategy"] == "open_dialogue"
    assert data["audiences"] == ["youth"]
    assert data["format"] == "in_person"
    assert data["address"] == "1 Main St"
    assert (data["latitude"], data["longitude"]) == (41.88, -87.63)
    assert data["timezone"] == "America/Chicago"
    assert data["starts_at"] == "2027-02-01T00:00:00Z"
    assert data["status"] == "published"
    assert data["visibility"] == "public"
    assert data["sequence"] == 0
    assert data["places_left"] == 2
    assert data["url"] == f"https://outreach.test/events/{event.pk}/"
    assert data["ics_url"] == f"https://outreach.test/feeds/events/{event.pk}.ics"
    assert data["shifts"] == [
        {
            "id": shift.pk,
            "event": event.pk,
            "name": "Table host",
            "description": "",
            "starts_at": "2027-02-01T00:00:00Z",
            "ends_at": "2027-02-01T02:00:00Z",
            "capacity": 3,
            "confirmed_count": 1,
            "waitlist_count": 0,
            "places_left": 2,
            "cancelled_at": None,
        }
    ]


def test_event_detail_hides_online_link_and_private_address_until_confirmed(as_user, chapter, outsider):
    event = EventFactory(
        chapter=chapter,
        format="hybrid",
        online_url="https://meet.example.org/secret",
        address="12 Hidden Rd",
        address_visibility="confirmed",
        latitude=Decimal("41.9"),
        longitude=Decimal("-87.6"),
    )
    shift = ShiftFactory(event=event, capacity=1)
    waitlisted = UserFactory()
    SignupFactory(shift=shift, user=outsider)
    SignupFactory(shift=shift, user=waitlisted, status=SignupStatus.WAITLISTED)

    hidden = as_user(waitlisted).get(f"/api/v1/events/{event.pk}/").json()
    shown = as_user(outsider).get(f"/api/v1/events/{event.pk}/").json()

    assert (hidden["online_url"], hidden["address"], hidden["latitude"]) == ("", "", None)
    assert (shown["online_url"], shown["address"], shown["latitude"]) == (
        "https://meet.example.org/secret",
        "12 Hidden Rd",
        41.9,
    )


def test_event_list_filters(api, chapter, other_chapter):
    campaign = CampaignFactory(slug="month")
    match = EventFactory(
        chapter=chapter,
        campaign=campaign,
        strategy="internet_safety",
        audiences=["parents"],
        format="online",
        online_url="https://meet.example.org/a",
        title="Screen time talk",
        starts_at=dt.datetime(2027, 3, 1, 18, tzinfo=UTC),
        ends_at=dt.datetime(2027, 3, 1, 20, tzinfo=UTC),
    )
    EventFactory(chapter=other_chapter, strategy="internet_safety", title="Berlin talk")
    EventFactory(chapter=chapter, strategy="advocacy", audiences=["parents_and_more"], title="Other")

    def ids(query):
        response = api.get(f"/api/v1/events/?{query}")
        assert response.status_code == 200, response.json()
        return [event["id"] for event in response.json()["results"]]

    assert ids("chapter=chicago&strategy=internet_safety") == [match.pk]
    assert ids("campaign=month") == [match.pk]
    assert ids("audience=parents") == [match.pk]
    assert ids("format=online") == [match.pk]
    assert ids("q=screen") == [match.pk]
    assert ids("starts_after=2027-03-01T00:00:00Z&starts_before=2027-03-02T00:00:00Z") == [match.pk]


def test_event_list_near_orders_by_distance_within_radius(api, chapter):
    far = EventFactory(chapter=chapter, latitude=Decimal("41.95"), longitude=Decimal("-87.65"), title="Far")
    near = EventFactory(chapter=chapter, latitude=Decimal("41.881"), longitude=Decimal("-87.631"), title="Near")
    EventFactory(chapter=chapter, latitude=Decimal("40.71"), longitude=Decimal("-74.0"), title="New York")
    EventFactory(chapter=chapter, title="No place")

    response = api.get("/api/v1/events/?near=41.88,-87.63&radius_km=20")

    assert [event["id"] for event in response.json()["results"]] == [near.pk, far.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("strategy=nonsense", "strategy"),
        ("audience=aliens", "audience"),
        ("format=carrier-pigeon", "format"),
        ("starts_after=yesterday", "starts_after"),
        ("near=91,0", "near"),
        ("near=abc", "near"),
        ("near=1,2&radius_km=-5", "radius_km"),
        ("near=1,2&radius_km=ten", "radius_km"),
    ],
)
def test_event_list_bad_filter_names_the_parameter(api, query, field):
    response = api.get(f"/api/v1/events/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_event_list_page_size_is_capped(api, chapter, settings):
    EventFactory.create_batch(3, chapter=chapter)

    response = api.get("/api/v1/events/?page_size=100000")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


@pytest.mark.parametrize("size", [1, 3])
def test_event_list_query_count_does_not_grow(as_user, chapter, member, size, django_assert_max_num_queries):
    for _ in range(size):
        event = EventFactory(chapter=chapter)
        event.partners.add(PartnerFactory(chapter=chapter))
        ShiftFactory(event=event)
        ShiftFactory(event=event, name="Second")
        SignupFactory(shift__event=event, user=member)
    client = as_user(member)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/events/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == size
    # session-less token auth: roles, count, page, confirmed ids, partners, shifts
    assert len(queries) == 6


# Writing


def test_event_create_by_coordinator_makes_a_draft_with_one_shift(as_user, coordinator):
    response = as_user(coordinator).post("/api/v1/events/", event_payload(capacity=12), format="json")

    assert response.status_code == 201
    data = response.json()
    event = Event.objects.get(pk=data["id"])
    assert (event.status, event.created_by, event.timezone) == (EventStatus.DRAFT, coordinator, "America/Chicago")
    assert event.starts_at == dt.datetime(2027, 1, 11, 0, 0, tzinfo=UTC)
    assert [(s.name, s.capacity, s.starts_at, s.ends_at) for s in event.shifts.all()] == [
        ("Volunteer", 12, event.starts_at, event.ends_at)
    ]
    assert data["places_left"] == 12


def test_event_create_with_recurrence_makes_a_series(as_user, lead):
    payload = event_payload(
        starts_at="2027-03-01T18:00:00-06:00", ends_at="2027-03-01T20:00:00-06:00", recurrence="FREQ=WEEKLY;COUNT=4"
    )

    response = as_user(lead).post("/api/v1/events/", payload, format="json")

    assert response.status_code == 201
    series = EventSeries.objects.get()
    assert response.json()["series"] == series.pk
    local_starts = [e.local_starts_at.strftime("%m-%d %H:%M %Z") for e in series.occurrences.order_by("starts_at")]
    assert local_starts == ["03-01 18:00 CST", "03-08 18:00 CST", "03-15 18:00 CDT", "03-22 18:00 CDT"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"starts_at": "2027-01-10T18:00:00"}, "starts_at", "Give the time with its UTC offset"),
        ({"ends_at": "2027-01-10T17:00:00-06:00"}, "ends_at", "The end must be after the start."),
        (
            {"starts_at": "2027-03-14T02:30:00-05:00", "ends_at": "2027-03-14T04:00:00-05:00"},
            "starts_at",
            "2027-03-14 02:30 does not exist in America/Chicago",
        ),
        ({"capacity": 0}, "capacity", "greater than or equal to 1"),
        ({"capacity": -1}, "capacity", "greater than or equal to 1"),
        ({"capacity": 2**63}, "capacity", "less than or equal to 10000"),
        ({"capacity": "ten"}, "capacity", "A valid integer is required."),
        ({"capacity": 1.5}, "capacity", "A valid integer is required."),
        ({"capacity": None}, "capacity", "This field may not be null."),
        ({"title": "x\x00y"}, "title", "Remove the invisible control character U+0000 at position 2."),
        ({"title": "x" * 1_000}, "title", "no more than 200 characters"),
        ({"strategy": "other"}, "strategy", "is not a valid choice."),
        ({"audiences": ["parents", "aliens"]}, "audiences", '1: "aliens" is not a valid choice.'),
        ({"timezone": "Mars/Olympus"}, "timezone", "is not an IANA time zone"),
        ({"recurrence": "FREQ=HOURLY;COUNT=3"}, "recurrence", "FREQ must be one of"),
        ({"recurrence": "FREQ=WEEKLY"}, "recurrence", "The rule must end"),
        ({"format": "online"}, "online_url", None),
    ],
)
def test_event_create_refuses_bad_input_naming_the_field(as_user, lead, overrides, field, message):
    payload = event_payload(**overrides)

    response = as_user(lead).post("/api/v1/events/", payload, format="json")

    if field == "online_url":
        # An online event may be drafted without its link; publishing asks for it.
        assert response.status_code == 201
        publish = as_user(lead).post(f"/api/v1/events/{response.json()['id']}/publish/")
        assert publish.status_code == 400
        assert publish.json() == {"online_url": ["An online or hybrid event needs its online link."]}
        return
    assert response.status_code == 400, response.json()
    assert list(response.json()) == [field]
    errors = response.json()[field]
    first = errors[0] if isinstance(errors, list) else "; ".join(f"{i}: {m[0]}" for i, m in errors.items())
    assert message in first
    assert Event.objects.count() == 0


def test_event_create_for_a_chapter_one_does_not_run_is_refused(as_user, member, other_lead):
    for user in (member, other_lead):
        response = as_user(user).post("/api/v1/events/", event_payload(), format="json")

        assert response.status_code == 403
    assert Event.objects.count() == 0


def test_event_update_raises_sequence_and_moves_shifts(as_user, lead, chapter):
    event = EventFactory(chapter=chapter)
    shift = ShiftFactory(event=event)
    new_start = event.starts_at + dt.timedelta(days=1)

    response = as_user(lead).patch(
        f"/api/v1/events/{event.pk}/",
        {"starts_at": new_start.isoformat(), "ends_at": (new_start + dt.timedelta(hours=2)).isoformat()},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["sequence"] == 1
    shift.refresh_from_db()
    assert (shift.starts_at, shift.ends_at) == (new_start, new_start + dt.timedelta(hours=2))


def test_event_update_cannot_move_chapter(as_user, lead, chapter, other_chapter):
    event = EventFactory(chapter=chapter)

    response = as_user(lead).patch(f"/api/v1/events/{event.pk}/", {"chapter": "berlin"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"chapter": ["This can only be set when the event is created."]}
    event.refresh_from_db()
    assert event.chapter == chapter


def test_event_publish_and_cancel(as_user, lead, chapter):
    event = EventFactory(chapter=chapter, status=EventStatus.DRAFT)
    client = as_user(lead)

    published = client.post(f"/api/v1/events/{event.pk}/publish/")
    cancelled = client.post(f"/api/v1/events/{event.pk}/cancel/", {"note": "Venue flooded"}, format="json")
    again = client.post(f"/api/v1/events/{event.pk}/cancel/", {}, format="json")

    assert (published.status_code, published.json()["status"], published.json()["sequence"]) == (200, "published", 1)
    assert (cancelled.status_code, cancelled.json()["status"], cancelled.json()["sequence"]) == (200, "cancelled", 2)
    assert cancelled.json()["cancellation_note"] == "Venue flooded"
    assert (again.status_code, again.json()) == (400, {"status": ["This event is already cancelled."]})


def test_event_delete_only_drafts(as_user, lead, chapter):
    draft = EventFactory(chapter=chapter, status=EventStatus.DRAFT)
    published = EventFactory(chapter=chapter)
    client = as_user(lead)

    assert client.delete(f"/api/v1/events/{draft.pk}/").status_code == 204
    response = client.delete(f"/api/v1/events/{published.pk}/")

    assert response.status_code == 400
    assert response.json() == {"status": ["Only a draft can be deleted; cancel a published event instead."]}
    assert list(Event.objects.values_list("pk", flat=True)) == [published.pk]


def test_roster_lists_contact_details_for_the_lead_only(as_user, lead, member, chapter):
    event = EventFactory(chapter=chapter)
    shift = ShiftFactory(event=event, capacity=1)
    volunteer = UserFactory(display_name="Sam", legal_name="Samantha Doe", phone="+1 555 0100")
    signup = SignupFactory(shift=shift, user=volunteer)
    waiting = SignupFactory(shift=shift, status=SignupStatus.WAITLISTED)

    response = as_user(lead).get(f"/api/v1/events/{event.pk}/roster/")

    assert response.status_code == 200
    assert [(row["id"], row["status"], row["waitlist_position"]) for row in response.json()] == [
        (signup.pk, "confirmed", None),
        (waiting.pk, "waitlisted", 1),
    ]
    assert {k: response.json()[0][k] for k in ("display_name", "legal_name", "email", "phone")} == {
        "display_name": "Sam",
        "legal_name": "Samantha Doe",
        "email": volunteer.email,
        "phone": "+1 555 0100",
    }
    assert as_user(member).get(f"/api/v1/events/{event.pk}/roster/").status_code == 404


def test_shifts_list_and_create(as_user, lead, api, chapter):
    event = EventFactory(chapter=chapter)
    ShiftFactory(event=event, name="Setup")
    start = event.starts_at.isoformat()
    end = (event.starts_at + dt.timedelta(hours=1)).isoformat()

    created = as_user(lead).post(
        f"/api/v1/events/{event.pk}/shifts/",
        {"name": "Greeter", "starts_at": start, "ends_at": end, "capacity": 2},
        format="json",
    )
    listed = api.get(f"/api/v1/events/{event.pk}/shifts/")

    assert created.status_code == 201
    assert created.json()["places_left"] == 2
    assert [shift["name"] for shift in listed.json()] == ["Setup", "Greeter"]


def test_shift_outside_its_event_is_refused(as_user, lead, chapter):
    event = EventFactory(chapter=chapter)
    late = (event.ends_at + dt.timedelta(hours=13)).isoformat()  # past SHIFT_MARGIN (12 hours)

    response = as_user(lead).post(
        f"/api/v1/events/{event.pk}/shifts/",
        {"name": "Late", "starts_at": event.starts_at.isoformat(), "ends_at": late, "capacity": 2},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"ends_at": ["The shift cannot end more than 12 hours after its event ends."]}
    assert Shift.objects.filter(event=event).count() == 0


def test_shift_capacity_cannot_drop_below_confirmed(as_user, lead, chapter):
    shift = ShiftFactory(event__chapter=chapter, capacity=3)
    SignupFactory.create_batch(2, shift=shift)

    response = as_user(lead).patch(f"/api/v1/shifts/{shift.pk}/", {"capacity": 1}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "capacity": ["2 volunteers are already confirmed; the capacity cannot be lower than that."]
    }
    shift.refresh_from_db()
    assert shift.capacity == 3


def test_report_records_reach_and_counts_hours_from_check_ins(as_user, lead, chapter):
    past = dt.datetime(2026, 1, 10, 18, tzinfo=UTC)
    event = EventFactory(chapter=chapter, starts_at=past, ends_at=past + dt.timedelta(hours=2))
    shift = ShiftFactory(event=event, capacity=3)
    SignupFactory(shift=shift, attended=True, hours=Decimal("2.00"))
    SignupFactory(shift=shift, attended=False, hours=Decimal("0"))
    SignupFactory(shift=shift, status=SignupStatus.CANCELLED)
    client = as_user(lead)

    empty = client.get(f"/api/v1/events/{event.pk}/report/")
    saved = client.put(
        f"/api/v1/events/{event.pk}/report/",
        {"people_reached": 120, "materials_distributed": 300, "partners_engaged": 2, "notes": "Great turnout"},
        format="json",
    )
    patched = client.patch(f"/api/v1/events/{event.pk}/report/", {"people_reached": 130}, format="json")

    assert empty.json() == {
        "people_reached": 0,
        "materials_distributed": 0,
        "partners_engaged": 0,
        "notes": "",
        "updated_at": None,
        "volunteers_confirmed": 2,
        "volunteers_attended": 1,
        "volunteer_hours": "2.00",
    }
    assert saved.status_code == 200
    assert {k: patched.json()[k] for k in ("people_reached", "materials_distributed", "partners_engaged", "notes")} == {
        "people_reached": 130,
        "materials_distributed": 300,
        "partners_engaged": 2,
        "notes": "Great turnout",
    }


def test_report_refused_before_the_event_and_hidden_from_members(as_user, lead, member, chapter):
    event = EventFactory(chapter=chapter)

    early = as_user(lead).put(f"/api/v1/events/{event.pk}/report/", {"people_reached": 5}, format="json")
    negative = as_user(lead).patch(f"/api/v1/events/{event.pk}/report/", {"people_reached": -5}, format="json")

    assert (early.status_code, early.json()) == (
        400,
        {"event": ["A report can be written once the event has started."]},
    )
    assert (negative.status_code, list(negative.json())) == (400, ["people_reached"])
    assert as_user(member).get(f"/api/v1/events/{event.pk}/report/").status_code == 404
