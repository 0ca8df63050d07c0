"""
Every API field that takes text refuses control characters: 400 with the field named, the character
and its position, and nothing saved (issue #11, item 1). One-line fields refuse tabs and line breaks
too; descriptions and notes keep them. Bodies are sent as JSON text, so a lone surrogate can be
spelled ("\\ud800") as a client would.
"""

import datetime as dt
import json

import pytest

from events.models import Event, EventReport, EventSeries, Shift, Signup
from notifications.models import OutboxMessage
from outreach.models import Campaign, Chapter, User
from tests.factories import CampaignFactory, EventFactory, ShiftFactory

VT, NEL, NUL, SURROGATE = "\x0b", "\x85", "\x00", "\ud800"
TEXT_CHARACTERS = [VT, NUL, NEL, "\x01", "\x1b", "\x7f", "\x9f", SURROGATE]
"""What every text field refuses: Word's Shift+Enter, NUL, NEL, C0, DEL and C1 controls, a lone surrogate."""
LINE_CHARACTERS = [*TEXT_CHARACTERS, "\n", "\r", "\t"]
"""What a one-line field refuses besides."""
MULTI_LINE = "Bring:\n\t- water\r\n\t- snacks"


def refusal(character: str, position: int) -> str:
    """outreach.validators' message for `character` at `position`, spelled out."""
    if character in "\t\n\r":
        return f"Keep this to one line: remove the line break or tab at position {position}."
    return f"Remove the invisible control character U+{ord(character):04X} at position {position}."


def saved_rows():
    """Every row a text field can reach, as values: compared before and after a refused request."""
    models = (Chapter, Campaign, User, EventSeries, Event, Shift, Signup, EventReport, OutboxMessage)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


EVENT = {
    "chapter": "chicago",
    "title": "Internet safety for parents",
    "strategy": "internet_safety",
    "starts_at": "2031-01-10T18:00:00-06:00",
    "ends_at": "2031-01-10T20:00:00-06:00",
}
SERIES = {**EVENT, "recurrence": "FREQ=WEEKLY;COUNT=3"}
SHIFT = {"name": "Greeter", "starts_at": "2031-01-14T18:00:00-06:00", "ends_at": "2031-01-14T19:00:00-06:00"}
CHAPTER = {"slug": "springfield", "name": "Springfield", "timezone": "America/Chicago"}
CAMPAIGN = {"slug": "month", "name": "Month", "starts_on": "2031-02-01", "ends_on": "2031-02-28"}

# (persona, method, path, body the field is added to, [(field, one line?)])
ENDPOINTS = {
    "event create": ("lead", "post", "/api/v1/events/", EVENT, ["title", "summary", "venue", "address", "language"]),
    "series create": ("lead", "post", "/api/v1/events/", SERIES, ["title", "summary", "venue", "address"]),
    "event patch": ("lead", "patch", "/api/v1/events/{event}/", {}, ["title", "summary", "venue", "address"]),
    "shift create": ("lead", "post", "/api/v1/events/{event}/shifts/", {**SHIFT, "capacity": 2}, ["name"]),
    "shift patch": ("lead", "patch", "/api/v1/shifts/{shift}/", {}, ["name"]),
    "chapter create": ("staff", "post", "/api/v1/chapters/", CHAPTER, ["name", "city", "region", "help_line"]),
    "chapter patch": ("lead", "patch", "/api/v1/chapters/chicago/", {}, ["name", "city", "region", "help_line"]),
    "campaign create": ("staff", "post", "/api/v1/campaigns/", CAMPAIGN, ["name"]),
    "campaign patch": ("staff", "patch", "/api/v1/campaigns/{campaign}/", {}, ["name"]),
    "me patch": ("lead", "patch", "/api/v1/me/", {}, ["display_name", "legal_name", "phone"]),
}
MULTI_LINE_FIELDS = {
    "event create": ["description"],
    "series create": ["description"],
    "event patch": ["description"],
    "shift create": ["description"],
    "shift patch": ["description"],
    "event cancel": ["note"],
    "report put": ["notes"],
    "report patch": ["notes"],
    "chapter create": ["description"],
    "chapter patch": ["description"],
    "campaign create": ["description"],
    "campaign patch": ["description"],
}
ENDPOINTS |= {
    "event cancel": ("lead", "post", "/api/v1/events/{event}/cancel/", {}, []),
    "report put": ("lead", "put", "/api/v1/events/{held}/report/", {"people_reached": 12}, []),
    "report patch": ("lead", "patch", "/api/v1/events/{held}/report/", {"people_reached": 12}, []),
}

CASES = [
    pytest.param(endpoint, field, character, id=f"{endpoint} {field} U+{ord(character):04X}")
    for endpoint, (_persona, _method, _path, _body, fields) in ENDPOINTS.items()
    for field, characters in [
        *[(name, LINE_CHARACTERS) for name in fields],
        *[(name, TEXT_CHARACTERS) for name in MULTI_LINE_FIELDS.get(endpoint, [])],
    ]
    for character in characters
]


@pytest.fixture
def world(chapter, lead, staff):
    """An upcoming event with a shift, an event already held, and a campaign: what the paths above change."""
    event = EventFactory(chapter=chapter, title="Parents night")
    shift = ShiftFactory(event=event, name="Greeter", description="Welcome people")
    held_at = dt.datetime(2026, 1, 10, 18, tzinfo=dt.UTC)
    held = EventFactory(chapter=chapter, starts_at=held_at, ends_at=held_at + dt.timedelta(hours=2))
    campaign = CampaignFactory(slug="prevention-month")
    return {
        "paths": {"event": event.pk, "shift": shift.pk, "held": held.pk, "campaign": campaign.slug},
        "users": {"lead": lead, "staff": staff},
    }


def send(as_user, world, endpoint, fields):
    """Send `fields` on top of the endpoint's body as JSON text, as a client does (a lone surrogate escaped)."""
    persona, method, path, body, _fields = ENDPOINTS[endpoint]
    client = as_user(world["users"][persona])
    return getattr(client, method)(
        path.format(**world["paths"]), json.dumps({**body, **fields}), content_type="application/json"
    )


@pytest.mark.parametrize(("endpoint", "field", "character"), CASES)
def test_text_with_a_control_character_is_refused_naming_the_field_and_nothing_saved(
    as_user, world, endpoint, field, character
):
    before = saved_rows()

    response = send(as_user, world, endpoint, {field: f"Open{character}night"})

    assert (response.status_code, response.json()) == (400, {field: [refusal(character, 5)]})
    assert saved_rows() == before


@pytest.mark.parametrize(
    ("endpoint", "field", "value", "position"),
    [
        ("event create", "online_url", "https://example.org/a{}b", 22),
        ("event patch", "online_url", "https://example.org/a{}b", 22),
        ("series create", "recurrence", "FREQ=WEEKLY;{}COUNT=3", 13),
        ("chapter patch", "country", "{}U", 1),
    ],
)
@pytest.mark.parametrize("character", ["\x01", "\x7f", "\x9f"])
def test_text_the_model_does_not_check_refuses_control_characters_too(
    as_user, world, endpoint, field, value, position, character
):
    # A URL's path passes Django's URLValidator with these in it; a calendar client would refuse the feed.
    before = saved_rows()

    response = send(as_user, world, endpoint, {field: value.format(character)})

    assert (response.status_code, response.json()) == (400, {field: [refusal(character, position)]})
    assert saved_rows() == before


def test_a_refused_field_keeps_the_request_s_other_changes_out_too(as_user, world):
    before = saved_rows()

    response = send(as_user, world, "event patch", {"title": "Parents evening", "description": f"Doors{VT}open"})

    assert (response.status_code, response.json()) == (400, {"description": [refusal(VT, 6)]})
    assert saved_rows() == before


@pytest.mark.parametrize(
    ("fields", "field", "position"),
    [
        # A field that echoes its input ("… is not a valid choice") once made the answer unencodable: a 500.
        ({"strategy": f"a{SURROGATE}"}, "strategy", 2),
        ({"audiences": ["parents", f"{SURROGATE}x"]}, "audiences", 1),
        ({"chapter": f"chi{SURROGATE}"}, "chapter", 4),
        ({"starts_at": f"2031{SURROGATE}"}, "starts_at", 5),
        ({"unknown": {"nested": [f"ab{SURROGATE}"]}}, "unknown", 3),
        ({f"ti{SURROGATE}tle": "x"}, "ti\\ud800tle", 3),
    ],
)
def test_a_lone_surrogate_anywhere_in_the_body_answers_400_naming_the_field(as_user, world, fields, field, position):
    before = saved_rows()

    response = send(as_user, world, "event create", fields)

    assert (response.status_code, response.json()) == (400, {field: [refusal(SURROGATE, position)]})
    assert saved_rows() == before


def test_a_lone_surrogate_in_a_body_that_is_not_an_object_answers_400(as_user, lead):
    response = as_user(lead).post("/api/v1/events/", json.dumps([SURROGATE]), content_type="application/json")

    assert (response.status_code, response.json()) == (400, {"non_field_errors": [refusal(SURROGATE, 1)]})
    assert Event.objects.count() == 0


def test_descriptions_and_notes_keep_tabs_and_line_breaks(as_user, world):
    created = send(as_user, world, "event create", {"description": MULTI_LINE, "title": "Tea\u00a0& talk \u2014 ok"})
    shift = send(as_user, world, "shift patch", {"description": MULTI_LINE})
    report = send(as_user, world, "report put", {"notes": MULTI_LINE})
    cancelled = send(as_user, world, "event cancel", {"note": MULTI_LINE})

    assert [created.status_code, shift.status_code, report.status_code, cancelled.status_code] == [201, 200, 200, 200]
    event = Event.objects.get(pk=created.json()["id"])
    assert (event.title, event.description) == ("Tea\u00a0& talk \u2014 ok", MULTI_LINE)
    assert Shift.objects.get(pk=world["paths"]["shift"]).description == MULTI_LINE
    assert EventReport.objects.get(event_id=world["paths"]["held"]).notes == MULTI_LINE
    assert Event.objects.get(pk=world["paths"]["event"]).cancellation_note == MULTI_LINE
    assert (created.json()["description"], cancelled.json()["cancellation_note"]) == (MULTI_LINE, MULTI_LINE)
