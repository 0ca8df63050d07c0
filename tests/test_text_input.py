"""
The admin's change forms refuse control characters beside the field and save nothing (issue #11,
item 1): their ModelForms run the model fields' validators (outreach.validators), and these tests
check that they do rather than assume it. The API's, the dashboard's and the site's own forms are
tested in tests/api, tests/dashboard and tests/web (test_text_input.py).
"""

import datetime as dt

import pytest
from django.urls import reverse

from events.enums import Strategy
from events.models import Event, EventReport, EventSeries, Shift
from events.services import series_create
from notifications.models import OutboxMessage
from outreach.models import Campaign, Chapter, Partner, User
from tests.factories import CampaignFactory, EventFactory, PartnerFactory, ShiftFactory, UserFactory
from tests.test_admin import edit

VT, NEL = "\x0b", "\x85"
# Not NUL: Django's form field refuses it before the model's validators run, with a message of its own.
TEXT_CHARACTERS = [VT, NEL, "\x01", "\x7f", "\x9f"]
LINE_CHARACTERS = [*TEXT_CHARACTERS, "\n", "\t"]
MULTI_LINE = "Bring:\n\t- water\n\t- snacks"  # the admin's textarea sends CRLF; Django keeps what it gets
START = dt.datetime(2031, 3, 1, 18, 0, tzinfo=dt.UTC)


def refusal(character: str, position: int) -> str:
    """outreach.validators' message for `character` at `position`, spelled out."""
    if character in "\t\n\r":
        return f"Keep this to one line: remove the line break or tab at position {position}."
    return f"Remove the invisible control character U+{ord(character):04X} at position {position}."


def saved_rows():
    models = (Chapter, Campaign, Partner, User, EventSeries, Event, Shift, EventReport, OutboxMessage)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser(email="root@example.org", password="unused-here"))
    return client


@pytest.fixture
def rows(chapter):
    """One row of each model whose admin takes text."""
    event = EventFactory(
        chapter=chapter, title="Awareness evening", starts_at=START, ends_at=START + dt.timedelta(hours=2)
    )
    held_at = dt.datetime(2026, 1, 10, 18, tzinfo=dt.UTC)
    held = EventFactory(chapter=chapter, starts_at=held_at, ends_at=held_at + dt.timedelta(hours=2))
    series = series_create(
        chapter=chapter,
        created_by=None,
        recurrence="FREQ=WEEKLY;COUNT=2",
        start_date=dt.date(2031, 3, 4),
        start_time=dt.time(18, 0),
        duration=dt.timedelta(hours=2),
        capacity=4,
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
    )
    return {
        "event": event,
        "shift": ShiftFactory(event=event, capacity=2),
        "series": series,
        "report": EventReport.objects.create(event=held, notes="Busy"),
        "chapter": chapter,
        "campaign": CampaignFactory(),
        "partner": PartnerFactory(chapter=chapter),
        "user": UserFactory(display_name="Sam"),
    }


ONE_LINE = {
    "event": ["title", "summary", "venue", "address"],
    "series": ["title", "summary", "venue", "address"],
    "shift": ["name"],
    "chapter": ["name", "city", "region", "help_line"],
    "campaign": ["name"],
    "partner": ["name"],
    "user": ["display_name", "legal_name", "phone"],
}
MULTI_LINE_FIELDS = {
    "event": ["description"],
    "series": ["description"],
    "shift": ["description"],
    "report": ["notes"],
    "chapter": ["description"],
    "campaign": ["description"],
}
CASES = [
    pytest.param(row, field, character, id=f"{row} {field} U+{ord(character):04X}")
    for row in {**ONE_LINE, **MULTI_LINE_FIELDS}
    for field, characters in [
        *[(name, LINE_CHARACTERS) for name in ONE_LINE.get(row, [])],
        *[(name, TEXT_CHARACTERS) for name in MULTI_LINE_FIELDS.get(row, [])],
    ]
    for character in characters
]


@pytest.mark.parametrize(("row", "field", "character"), CASES)
def test_admin_change_with_a_control_character_is_refused_beside_the_field_and_nothing_saved(
    superuser_client, rows, row, field, character
):
    before = saved_rows()

    response = edit(superuser_client, rows[row], **{field: f"Open{character}night"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [refusal(character, 5)]}
    assert saved_rows() == before


def test_admin_shift_inline_with_a_control_character_is_refused_on_its_row(superuser_client, rows):
    before = saved_rows()

    response = edit(superuser_client, rows["event"], **{"shifts-0-name": f"Open{VT}night"})

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [{"name": [refusal(VT, 5)]}]
    assert saved_rows() == before


@pytest.mark.parametrize(("row", "field"), [("event", "description"), ("chapter", "description"), ("report", "notes")])
def test_admin_keeps_tabs_and_line_breaks_in_descriptions(superuser_client, rows, row, field):
    response = edit(superuser_client, rows[row], **{field: MULTI_LINE})

    obj = rows[row]
    changelist = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
    assert (response.status_code, response["Location"]) == (302, changelist)
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == MULTI_LINE
