"""
Every dashboard form field that takes text refuses control characters beside the field, and nothing
is saved or sent (issue #11, item 1). Each form is posted back as the page serves it, with one field
changed, as a browser would. One-line fields refuse tabs and line breaks too; descriptions, notes
and messages keep them.
"""

import datetime as dt
from html import escape
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import Strategy
from events.models import Event, EventReport, EventSeries, Shift, Signup
from events.services import series_create, series_publish
from notifications.models import OutboxMessage
from tests.factories import EventFactory

VT, NEL, NUL = "\x0b", "\x85", "\x00"
TEXT_CHARACTERS = [VT, NUL, NEL]
"""
Word's Shift+Enter, NUL and a C1 control: the API's tests try every kind; a form only needs to show
that the validator is there. A lone surrogate cannot travel in a form, whose body is UTF-8.
"""
LINE_CHARACTERS = [*TEXT_CHARACTERS, "\n", "\t"]
MULTI_LINE = "Bring:\n\t- water\r\n\t- snacks"


def refusal(character: str, position: int) -> str:
    """outreach.validators' message for `character` at `position`, spelled out."""
    if character in "\t\n\r":
        return f"Keep this to one line: remove the line break or tab at position {position}."
    return f"Remove the invisible control character U+{ord(character):04X} at position {position}."


def saved_rows():
    models = (EventSeries, Event, Shift, Signup, EventReport, OutboxMessage)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


class PostForms(HTMLParser):
    """What a browser would submit for each POST form of a page."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.current = {}
            self.forms.append(self.current)
        if self.current is None:
            return
        if tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.current.setdefault(attrs["name"], []).append(attrs.get("value", default))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.current.setdefault(self.select, []).append(attrs["value"])
        elif tag == "textarea":
            self.textarea, self.text = attrs["name"], ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.current.setdefault(self.textarea, []).append(self.text.removeprefix("\n"))
            self.textarea = None


def served_form(client, url, field):
    """The POST data of the page's form that has `field`, as served."""
    page = client.get(url)
    assert page.status_code == 200
    parser = PostForms()
    parser.feed(page.content.decode())
    [form] = [form for form in parser.forms if field in form]
    return {name: values if len(values) > 1 else values[0] for name, values in form.items()}


@pytest.fixture
def world(settings, chapter, event, event_shift, signup):
    """Parents night (January 2031) with its shift and a volunteer, a weekly series, and an event held last week."""
    settings.SERIES_HORIZON_DAYS = 3650  # the series lies years ahead; the clock is not mocked
    series = series_create(
        chapter=chapter,
        created_by=None,
        recurrence="FREQ=WEEKLY;COUNT=3",
        start_date=dt.date(2031, 3, 4),
        start_time=dt.time(18, 0),
        duration=dt.timedelta(hours=2),
        capacity=4,
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
    )
    series_publish(series=series)
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(days=7)
    held = EventFactory(chapter=chapter, title="Library talk", starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    return {"chapter": chapter.slug, "event": event.pk, "shift": event_shift.pk, "series": series.pk, "held": held.pk}


NEW_EVENT = {"title": "Parents night", "strategy": "internet_safety", "start_date": "2031-01-21"}
NEW_EVENT |= {"start_time": "18:00", "end_date": "2031-01-21", "end_time": "20:00"}
NEW_SHIFT = {"name": "Table host", "start_time": "18:30", "end_time": "19:30"}

# page: (url name, world key, what the page needs besides what it serves, status when refused, fields)
PAGES = {
    "event new": ("dashboard:event_new", "chapter", NEW_EVENT, 200),
    "series new": ("dashboard:event_new", "chapter", {**NEW_EVENT, "repeat": "WEEKLY", "count": "3"}, 200),
    "event edit": ("dashboard:event_edit", "event", {}, 200),
    "series edit": ("dashboard:series_edit", "series", {}, 200),
    "shift new": ("dashboard:shift_new", "event", NEW_SHIFT, 200),
    "set-up shift new": (
        "dashboard:shift_new",
        "event",
        {**NEW_SHIFT, "start_time": "16:00", "end_time": "18:00"},
        200,
    ),
    "shift edit": ("dashboard:shift_edit", "shift", {}, 200),
    "event cancel": ("dashboard:event_cancel", "event", {}, 200),
    "shift cancel": ("dashboard:shift_cancel", "shift", {}, 200),
    "email event": ("dashboard:email_event", "event", {"subject": "Parking", "message": "Park behind."}, 200),
    "email shift": ("dashboard:email_shift", "shift", {"subject": "Parking", "message": "Park behind."}, 200),
    "report": ("dashboard:report", "held", {}, 400),
}
ONE_LINE = {
    "event new": ["title", "summary", "venue", "address", "language"],
    "series new": ["title", "summary", "venue", "address"],
    "event edit": ["title", "summary", "venue", "address", "language"],
    "series edit": ["title", "summary", "venue", "address"],
    "shift new": ["name"],
    "set-up shift new": ["name"],
    "shift edit": ["name"],
    "email event": ["subject"],
    "email shift": ["subject"],
}
MULTI_LINE_FIELDS = {
    "event new": ["description"],
    "series new": ["description"],
    "event edit": ["description"],
    "series edit": ["description"],
    "shift new": ["description"],
    "set-up shift new": ["description"],
    "shift edit": ["description"],
    "event cancel": ["note"],
    "shift cancel": ["note"],
    "email event": ["message"],
    "email shift": ["message"],
    "report": ["notes"],
}
CASES = [
    pytest.param(page, field, character, id=f"{page} {field} U+{ord(character):04X}")
    for page in PAGES
    for field, characters in [
        *[(name, LINE_CHARACTERS) for name in ONE_LINE.get(page, [])],
        *[(name, TEXT_CHARACTERS) for name in MULTI_LINE_FIELDS.get(page, [])],
    ]
    for character in characters
]


def post(client, world, page, field, value):
    url_name, key, needs, _status = PAGES[page]
    url = reverse(url_name, args=[world[key]])
    return client.post(url, {**served_form(client, url, field), **needs, field: value})


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.mark.parametrize(("page", "field", "character"), CASES)
def test_text_with_a_control_character_is_refused_beside_the_field_and_nothing_saved(
    lead_client, world, page, field, character
):
    before = saved_rows()

    response = post(lead_client, world, page, field, f"Open{character}night")

    message = refusal(character, 5)
    assert response.status_code == PAGES[page][3]
    assert response.context["form"].errors == {field: [message]}
    assert f'<ul class="errorlist" id="id_{field}_error"><li>{escape(message)}</li></ul>' in response.text
    assert saved_rows() == before


@pytest.mark.parametrize("page", ["event new", "event edit", "series edit"])
@pytest.mark.parametrize("character", ["\x01", "\x7f", "\x9f"])
def test_an_online_link_with_a_control_character_is_refused_beside_it(lead_client, world, page, character):
    # Django's URLValidator lets these through in a path; a calendar client would refuse the feed.
    before = saved_rows()

    response = post(lead_client, world, page, "online_url", f"https://example.org/a{character}b")

    assert response.context["form"].errors == {"online_url": [refusal(character, 22)]}
    assert saved_rows() == before


@pytest.mark.parametrize(
    ("page", "field", "saved"),
    [
        ("event edit", "description", lambda world: Event.objects.get(pk=world["event"]).description),
        ("shift edit", "description", lambda world: Shift.objects.get(pk=world["shift"]).description),
        ("event cancel", "note", lambda world: Event.objects.get(pk=world["event"]).cancellation_note),
        ("shift cancel", "note", lambda world: Shift.objects.get(pk=world["shift"]).cancellation_note),
        ("report", "notes", lambda world: EventReport.objects.get(event_id=world["held"]).notes),
        ("email event", "message", lambda world: OutboxMessage.objects.get().body_text),
    ],
)
def test_descriptions_notes_and_messages_keep_tabs_and_line_breaks(lead_client, world, page, field, saved):
    response = post(lead_client, world, page, field, MULTI_LINE)

    assert response.status_code == 302
    assert MULTI_LINE in saved(world)
