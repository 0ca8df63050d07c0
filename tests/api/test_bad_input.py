"""
Bad input across the API answers 400, 404, 413 or 415, never 500, says which field and why,
and changes nothing already saved.

Event create's own field errors (naive and skipped times, capacities, NUL, long titles) are in
test_events.py; this covers the other endpoints and what arrives before any field is read.
"""

import datetime as dt
import json

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Event, Shift, Signup
from outreach.enums import Role
from outreach.models import Campaign, Chapter, Membership, Partner, User
from tests.factories import CampaignFactory, EventFactory, MembershipFactory, ShiftFactory, SignupFactory

CHICAGO_DST_NIGHT = "2027-03-14"
SKIPPED_WALL_TIME = "2027-03-14T02:30:00-05:00"  # Chicago springs from 02:00 to 03:00 that night
FIVE_MB = 5 * 1024 * 1024
ONE_MB = 1024 * 1024
NEAR_BODY_LIMIT = 900_000  # a string that fits in the body limit, to reach the field's own length check


def saved_rows():
    """Every row the API can write, as values: compared before and after a refused request."""
    models = (User, Chapter, Membership, Campaign, Partner, Event, Shift, Signup, Token, EmailAddress)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.fixture
def world(settings, chapter, lead, staff):
    """A published event in Chicago across the night clocks spring forward, with a shift and a signup."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    event = EventFactory(
        chapter=chapter,
        title="Open dialogue night",
        starts_at=dt.datetime.fromisoformat(f"{CHICAGO_DST_NIGHT}T00:00:00-06:00"),
        ends_at=dt.datetime.fromisoformat(f"{CHICAGO_DST_NIGHT}T12:00:00-05:00"),
    )
    shift = ShiftFactory(event=event, capacity=3)
    volunteer = MembershipFactory(chapter=chapter, role=Role.MEMBER, user__email="volunteer@example.org").user
    EmailAddress.objects.create(user=volunteer, email=volunteer.email, verified=True, primary=True)
    signup = SignupFactory(shift=shift, user=volunteer)
    campaign = CampaignFactory(slug="prevention-month")
    return {
        "event": event.pk,
        "shift": shift.pk,
        "signup": signup.pk,
        "member": Membership.objects.get(user=volunteer).pk,
        "campaign": campaign.slug,
        "users": {"lead": lead, "staff": staff, "volunteer": volunteer, "anonymous": None},
    }


@pytest.fixture
def client_for(world):
    """client_for("lead") -> an APIClient that sends that persona's real API token, as integrators do."""

    def make(persona):
        client = APIClient()
        user = world["users"][persona]
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    return make


def send(client, method, path, body, content_type="application/json"):
    return getattr(client, method)(path, data=body, content_type=content_type)


def first_message(errors):
    """The first message of a DRF error value: a list, or a dict of list positions for list fields."""
    if isinstance(errors, dict):
        return "; ".join(f"{key}: {first_message(value)}" for key, value in errors.items())
    return errors[0]


def shift_payload(**overrides):
    return {
        "name": "Greeter",
        "starts_at": f"{CHICAGO_DST_NIGHT}T01:00:00-06:00",
        "ends_at": f"{CHICAGO_DST_NIGHT}T04:00:00-05:00",
        "capacity": 2,
        **overrides,
    }


CAPACITIES = [
    (0, "Ensure this value is greater than or equal to 1."),
    (-1, "Ensure this value is greater than or equal to 1."),
    (2**63, "Ensure this value is less than or equal to 10000."),
    ("ten", "A valid integer is required."),
    (1.5, "A valid integer is required."),
    (None, "This field may not be null."),
]

EVENT = ("lead", "patch", "/api/v1/events/{event}/")
SHIFTS = ("lead", "post", "/api/v1/events/{event}/shifts/")
SHIFT = ("lead", "patch", "/api/v1/shifts/{shift}/")
CHECK_IN = ("lead", "post", "/api/v1/signups/{signup}/check-in/")
MEMBERS = ("lead", "post", "/api/v1/chapters/chicago/members/")
MEMBER = ("lead", "patch", "/api/v1/chapters/chicago/members/{member}/")
CHAPTER = ("lead", "patch", "/api/v1/chapters/chicago/")
CAMPAIGNS = ("staff", "post", "/api/v1/campaigns/")
TOKEN = ("anonymous", "post", "/api/v1/auth/token/")
EVENT_PAYLOAD = {
    "chapter": "chicago",
    "title": "Internet safety for parents",
    "strategy": "internet_safety",
    "starts_at": "2027-01-10T18:00:00-06:00",
    "ends_at": "2027-01-10T20:00:00-06:00",
}
CAMPAIGN = {"name": "Month", "slug": "month", "starts_on": "2027-02-01", "ends_on": "2027-02-28"}
NIGHT = CHICAGO_DST_NIGHT

# endpoint -> [(payload, field, message)]: one field at fault, named with the reason. A str payload is sent as is.
FIELD_ERRORS = {
    # Event update: the window, offsets and wall times of create hold on change too.
    EVENT: [
        ({"ends_at": f"{NIGHT}T00:00:00-06:00"}, "ends_at", "The end must be after the start."),
        ({"starts_at": f"{NIGHT}T05:00:00-05:00", "ends_at": f"{NIGHT}T04:00:00-05:00"}, "ends_at", "after the start"),
        ({"starts_at": f"{NIGHT}T01:00:00"}, "starts_at", "Give the time with its UTC offset"),
        ({"starts_at": SKIPPED_WALL_TIME}, "starts_at", "2027-03-14 02:30 does not exist in America/Chicago"),
        ({"title": "Open\x00night"}, "title", "Remove the invisible control character U+0000 at position 5."),
        ({"title": "x" * NEAR_BODY_LIMIT}, "title", "Ensure this field has no more than 200 characters."),
        ({"audiences": ["parents\x00"]}, "audiences", "is not a valid choice."),
    ],
    # A slug naming a related object: refused before it reaches a query (PostgreSQL cannot even compare NUL).
    ("lead", "post", "/api/v1/events/"): [
        ({**EVENT_PAYLOAD, "chapter": "chi\x00cago"}, "chapter", None),
        ({**EVENT_PAYLOAD, "campaign": "month\x00"}, "campaign", None),
        ({**EVENT_PAYLOAD, "partners": [2**70]}, "partners", None),
    ],
    ("lead", "post", "/api/v1/events/{event}/cancel/"): [
        ({"note": "flooded\x00"}, "note", "Remove the invisible control character U+0000 at position 8."),
    ],
    # Shift create and change: capacity, window, offsets, wall times, strings.
    SHIFTS: [
        *[(shift_payload(capacity=value), "capacity", message) for value, message in CAPACITIES],
        (shift_payload(ends_at=f"{NIGHT}T00:30:00-06:00"), "ends_at", "The end must be after the start."),
        (shift_payload(starts_at=f"{NIGHT}T01:00:00"), "starts_at", "Give the time with its UTC offset"),
        (shift_payload(starts_at=SKIPPED_WALL_TIME), "starts_at", "2027-03-14 02:30 does not exist in America/Chicago"),
        (shift_payload(name="Greeter\x00"), "name", "Remove the invisible control character U+0000 at position 8."),
        (shift_payload(name="x" * NEAR_BODY_LIMIT), "name", "Ensure this field has no more than 120 characters."),
    ],
    SHIFT: [
        *[({"capacity": value}, "capacity", message) for value, message in CAPACITIES],
        ({"ends_at": f"{NIGHT}T00:00:00-06:00"}, "ends_at", "The end must be after the start."),
        ({"ends_at": f"{NIGHT}T04:00:00"}, "ends_at", "Give the time with its UTC offset"),
        ({"starts_at": SKIPPED_WALL_TIME}, "starts_at", "2027-03-14 02:30 does not exist in America/Chicago"),
        ({"description": "a\x00b"}, "description", "Remove the invisible control character U+0000 at position 2."),
    ],
    CHECK_IN: [
        ({}, "attended", "This field is required."),
        ({"attended": None}, "attended", "This field may not be null."),
        ({"attended": "maybe"}, "attended", "Must be a valid boolean."),
        ({"attended": True, "hours": -1}, "hours", "Ensure this value is greater than or equal to 0."),
        ({"attended": True, "hours": "ten"}, "hours", "A valid number is required."),
        ({"attended": True, "hours": 1e308}, "hours", "Ensure that there are no more than 4 digits in total."),
        ({"attended": True, "hours": "2\x00"}, "hours", "A valid number is required."),
    ],
    MEMBERS: [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": "new\x00@example.org"}, "email", "Null characters are not allowed."),
        ({"email": "x" * NEAR_BODY_LIMIT + "@example.org"}, "email", "Enter a valid email address."),
        ({"email": "volunteer@example.org", "role": "owner"}, "role", '"owner" is not a valid choice.'),
        ({"email": "volunteer@example.org", "role": None}, "role", "This field may not be null."),
    ],
    MEMBER: [
        ({"role": "owner"}, "role", '"owner" is not a valid choice.'),
        ({"role": None}, "role", "This field may not be null."),
    ],
    ("volunteer", "patch", "/api/v1/me/"): [
        ({"display_name": "Sam\x00"}, "display_name", "Remove the invisible control character U+0000 at position 4."),
        ({"phone": "\x00"}, "phone", "Remove the invisible control character U+0000 at position 1."),
        ({"legal_name": "x" * NEAR_BODY_LIMIT}, "legal_name", "Ensure this field has no more than"),
    ],
    CHAPTER: [
        ({"name": "Chi\x00cago"}, "name", "Remove the invisible control character U+0000 at position 4."),
        ({"timezone": "Mars/Olympus"}, "timezone", "is not an IANA time zone"),
        ({"latitude": "north"}, "latitude", "A valid number is required."),
        ('{"latitude": 1e400}', "latitude", "A valid number is required."),
        ({"latitude": 91}, "latitude", "Ensure this value is less than or equal to 90."),
        ({"country": "USA"}, "country", "Ensure this field has no more than 2 characters."),
    ],
    CAMPAIGNS: [
        ({**CAMPAIGN, "ends_on": "2027-01-31"}, "ends_on", "end"),
        ({**CAMPAIGN, "starts_on": "2027-02-30"}, "starts_on", "Date has wrong format."),
        ({**CAMPAIGN, "slug": "a\x00b"}, "slug", "Null characters are not allowed."),
        ({**CAMPAIGN, "slug": "prevention-month"}, "slug", "already exists"),
    ],
    ("staff", "patch", "/api/v1/campaigns/{campaign}/"): [
        ({"ends_on": "2026-12-31"}, "ends_on", "end"),
    ],
    # Token: the same field errors as everywhere, before any password is checked.
    TOKEN: [
        ({"email": "lead\x00@example.org", "password": "x"}, "email", "Null characters are not allowed."),
        ({"email": "lead@example.org", "password": "x\x00"}, "password", "Null characters are not allowed."),
        ({"email": "lead@example.org", "password": "x" * NEAR_BODY_LIMIT}, "password", "no more than 4096 characters."),
        ({"password": "x"}, "email", "This field is required."),
    ],
}
FIELD_CASES = [
    pytest.param(*endpoint, payload, field, message, id=f"{endpoint[1]} {endpoint[2]} {field} {i}")
    for endpoint, cases in FIELD_ERRORS.items()
    for i, (payload, field, message) in enumerate(cases)
]


@pytest.mark.parametrize(("persona", "method", "path", "payload", "field", "message"), FIELD_CASES)
def test_field_errors_name_the_field_and_save_nothing(
    world, client_for, persona, method, path, payload, field, message
):
    client = client_for(persona)
    body = payload if isinstance(payload, str) else json.dumps(payload)
    before = saved_rows()

    response = send(client, method, path.format(**world), body)

    assert response.status_code == 400, response.content[:500]
    assert list(response.json()) == [field]
    if message is not None:  # None: any reason will do, as long as it is this field's
        assert message in first_message(response.json()[field])
    assert saved_rows() == before


# (persona, method, path): every endpoint that reads a JSON body.
BODY_ENDPOINTS = [
    ("lead", "post", "/api/v1/events/"),
    ("lead", "patch", "/api/v1/events/{event}/"),
    ("lead", "post", "/api/v1/events/{event}/cancel/"),
    ("lead", "post", "/api/v1/events/{event}/shifts/"),
    ("lead", "patch", "/api/v1/shifts/{shift}/"),
    ("lead", "post", "/api/v1/signups/{signup}/check-in/"),
    ("lead", "post", "/api/v1/chapters/chicago/members/"),
    ("lead", "patch", "/api/v1/chapters/chicago/members/{member}/"),
    ("lead", "patch", "/api/v1/chapters/chicago/"),
    ("staff", "post", "/api/v1/campaigns/"),
    ("volunteer", "patch", "/api/v1/me/"),
    ("anonymous", "post", "/api/v1/auth/token/"),
]
BODY_IDS = [f"{method}-{path}" for _, method, path in BODY_ENDPOINTS]


def nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(("persona", "method", "path"), BODY_ENDPOINTS, ids=BODY_IDS)
@pytest.mark.parametrize(
    ("body", "content_type", "status", "detail"),
    [
        (json.dumps({"title": "x" * FIVE_MB}), "application/json", 413, "The request body may be at most"),
        (json.dumps({"title": "x" * ONE_MB}), "application/json", 413, "The request body may be at most"),
        ('{"title": ', "application/json", 400, "JSON parse error"),
        ("{'title': 'single quotes'}", "application/json", 400, "JSON parse error"),
        ('{"capacity": NaN}', "application/json", 400, "JSON parse error"),
        (b'{"title": "\xff\xfe"}', "application/json", 400, "JSON parse error"),
        (nested(1000), "application/json", 400, "JSON parse error - nested"),
        ('{"title": ' + nested(100_000) + "}", "application/json", 400, "JSON parse error - nested"),
        ("title=Plain", "text/plain", 415, 'Unsupported media type "text/plain" in request.'),
        (
            "title=Form",
            "application/x-www-form-urlencoded",
            415,
            'Unsupported media type "application/x-www-form-urlencoded" in request.',
        ),
        ("<title>XML</title>", "application/xml", 415, 'Unsupported media type "application/xml" in request.'),
    ],
    ids=[
        "5MB",
        "1MB-string",
        "truncated",
        "single-quotes",
        "NaN",
        "not-utf8",
        "1000-deep",
        "100000-deep",
        "text-plain",
        "form",
        "xml",
    ],
)
def test_unreadable_bodies_are_refused_before_any_field(
    world, client_for, persona, method, path, body, content_type, status, detail
):
    client = client_for(persona)
    before = saved_rows()

    response = send(client, method, path.format(**world), body, content_type)

    assert response.status_code == status, response.content[:500]
    assert list(response.json()) == ["detail"]
    assert response.json()["detail"].startswith(detail)
    assert saved_rows() == before


def test_body_limit_is_the_setting_and_named_in_the_message(world, client_for):
    response = send(client_for("lead"), "post", "/api/v1/events/", json.dumps({"title": "x" * FIVE_MB}))

    assert response.json() == {"detail": f"The request body may be at most {settings.API_MAX_BODY_BYTES} bytes."}


@pytest.mark.parametrize(("persona", "method", "path"), BODY_ENDPOINTS, ids=BODY_IDS)
def test_multipart_form_is_unsupported(world, client_for, persona, method, path):
    client = client_for(persona)
    before = saved_rows()

    response = getattr(client, method)(path.format(**world), {"title": "Form"}, format="multipart")

    assert response.status_code == 415
    assert response.json()["detail"].startswith('Unsupported media type "multipart/form-data; boundary=')
    assert saved_rows() == before


HUGE_ID = str(2**70)

# (persona, method, path): a path naming an id that cannot exist answers 404, as an unknown one does.
ODD_IDS = [
    *[
        (persona, method, path.format(id=bad))
        for bad in (HUGE_ID, "abc", "-1", "0")
        for persona, method, path in [
            ("lead", "get", "/api/v1/events/{id}/"),
            ("lead", "patch", "/api/v1/events/{id}/"),
            ("lead", "delete", "/api/v1/events/{id}/"),
            ("lead", "post", "/api/v1/events/{id}/publish/"),
            ("lead", "post", "/api/v1/events/{id}/cancel/"),
            ("lead", "get", "/api/v1/events/{id}/roster/"),
            ("lead", "get", "/api/v1/events/{id}/shifts/"),
            ("lead", "post", "/api/v1/events/{id}/shifts/"),
            ("lead", "get", "/api/v1/shifts/{id}/"),
            ("lead", "patch", "/api/v1/shifts/{id}/"),
            ("lead", "delete", "/api/v1/shifts/{id}/"),
            ("volunteer", "post", "/api/v1/shifts/{id}/signups/"),
            ("lead", "get", "/api/v1/signups/{id}/"),
            ("lead", "delete", "/api/v1/signups/{id}/"),
            ("lead", "post", "/api/v1/signups/{id}/check-in/"),
            ("lead", "patch", "/api/v1/chapters/chicago/members/{id}/"),
            ("lead", "delete", "/api/v1/chapters/chicago/members/{id}/"),
            ("anonymous", "get", "/api/v1/chapters/{id}/"),
            ("lead", "get", "/api/v1/chapters/{id}/members/"),
            ("anonymous", "get", "/api/v1/campaigns/{id}/"),
        ]
    ],
    ("anonymous", "get", "/api/v1/chapters/" + "x" * ONE_MB + "/"),
    ("anonymous", "get", "/api/v1/chapters/a%00b/"),
    ("anonymous", "get", "/api/v1/campaigns/a%00b/"),
    ("anonymous", "get", "/api/v1/events/1%00/"),
]


@pytest.mark.parametrize(("persona", "method", "path"), ODD_IDS, ids=[f"{m}-{p[:60]}" for _, m, p in ODD_IDS])
def test_ids_that_cannot_exist_are_not_found(world, client_for, persona, method, path):
    client = client_for(persona)
    before = saved_rows()

    response = getattr(client, method)(path, data={}, format="json")

    assert response.status_code == 404, response.content[:500]
    assert saved_rows() == before


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("anonymous", "/api/v1/events/"),
        ("anonymous", "/api/v1/chapters/"),
        ("anonymous", "/api/v1/campaigns/"),
        ("volunteer", "/api/v1/me/signups/"),
        ("lead", "/api/v1/chapters/chicago/members/"),
    ],
)
@pytest.mark.parametrize("page", ["0", "-1", str(10**9), "abc"])
def test_page_out_of_range_names_the_page_and_why(world, client_for, persona, path, page):
    response = client_for(persona).get(f"{path}?page={page}")

    assert response.status_code == 404, response.content[:500]
    detail = response.json()["detail"]
    assert "page" in detail.lower()
    assert any(reason in detail for reason in ("less than 1", "no results", "not an integer")), detail


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("q=a%00b", "q", "Remove the invisible control character U+0000 at position 2."),
        ("chapter=chi%00cago", "chapter", "Null characters are not allowed."),
        ("campaign=%00", "campaign", "Null characters are not allowed."),
        ("q=" + "x" * ONE_MB, "q", "Ensure this value has at most 200 characters"),
        ("chapter=" + "x" * ONE_MB, "chapter", "Ensure this value has at most 80 characters"),
        ("starts_after=2027-03-14T00:00:00", "starts_after", "offset"),
        ("starts_before=2027-03-14T02:30:00", "starts_before", "offset"),
        ("starts_after=" + "9" * 1000, "starts_after", "Enter a valid date/time."),
        ("near=1%00,2", "near", "Null characters are not allowed."),
        ("near=1e400,0", "near", "Latitude must be within"),
        ("near=nan,nan", "near", "Latitude must be within"),
        ("near=1,2&radius_km=1e400", "radius_km", "Ensure this value is less than or equal to 1000"),
    ],
)
def test_event_list_bad_query_names_the_parameter(world, client_for, query, field, message):
    response = client_for("anonymous").get(f"/api/v1/events/?{query}")

    assert response.status_code == 400, response.content[:500]
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
