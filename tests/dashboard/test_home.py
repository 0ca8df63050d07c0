"""The dashboard's home: the user's chapters, and their events in four lists, searched and paged."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from events.enums import EventStatus, Visibility
from outreach.enums import Role
from tests.factories import ChapterFactory, EventFactory, MembershipFactory

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
HOME = reverse("dashboard:home")


def at(*parts) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CHICAGO)


def evening(chapter, title, starts, **kwargs):
    return EventFactory(
        chapter=chapter, title=title, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), **kwargs
    )


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def events(chapter, event):
    """Parents night (upcoming), two past evenings, a draft, a past draft and a cancelled evening."""
    return {
        "upcoming": event,
        "past": evening(chapter, "Library talk", at(2020, 1, 1, 18)),
        "older": evening(chapter, "School assembly", at(2019, 6, 1, 10)),
        "draft": evening(chapter, "Draft night", at(2031, 2, 1, 18), status=EventStatus.DRAFT),
        "old_draft": evening(chapter, "Forgotten draft", at(2020, 3, 1, 18), status=EventStatus.DRAFT),
        "cancelled": evening(chapter, "Called off", at(2031, 3, 1, 18), status=EventStatus.CANCELLED),
    }


def titles(response) -> list[str]:
    return [event.title for event in response.context["events"]]


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("upcoming", ["Parents night"]),
        ("past", ["Library talk", "School assembly"]),
        ("drafts", ["Forgotten draft", "Draft night"]),
        ("cancelled", ["Called off"]),
    ],
)
def test_each_list_holds_its_events_in_order(lead_client, events, show, expected):
    response = lead_client.get(HOME, {"show": show})

    assert response.status_code == 200
    assert titles(response) == expected
    assert response.context["show"] == show
    assert f'href="?show={show}" aria-current="page"' in response.text


def test_the_lists_carry_their_counts_and_upcoming_is_the_default(lead_client, events):
    response = lead_client.get(HOME)

    assert response.context["show"] == "upcoming"
    assert [(name, count) for name, _label, count in response.context["lists"]] == [
        ("upcoming", 1),
        ("past", 2),
        ("drafts", 2),
        ("cancelled", 1),
    ]
    assert '<a href="?show=past">Past<span class="badge">2</span></a>' in response.text


def test_an_unknown_list_is_the_upcoming_one(lead_client, events):
    response = lead_client.get(HOME, {"show": "everything"})

    assert (response.status_code, titles(response)) == (200, ["Parents night"])


def test_a_past_event_can_be_found_and_offers_check_in_and_the_report(lead_client, events):
    past = events["past"]

    response = lead_client.get(HOME, {"show": "past"})

    assert (
        f'href="{reverse("dashboard:roster", args=[past.pk])}" aria-label="Check-in of Library talk">Check-in</a>'
        in (response.text)
    )
    assert f'href="{reverse("dashboard:report", args=[past.pk])}" aria-label="Report of Library talk">Report</a>' in (
        response.text
    )


def test_search_finds_text_in_the_title_summary_or_description_within_the_list(lead_client, events, chapter):
    evening(chapter, "Open dialogue", at(2018, 5, 1, 18), summary="A library evening of questions.")

    response = lead_client.get(HOME, {"show": "past", "q": "library"})

    assert titles(response) == ["Library talk", "Open dialogue"]
    assert [(name, count) for name, _label, count in response.context["lists"]] == [
        ("upcoming", 0),
        ("past", 2),
        ("drafts", 0),
        ("cancelled", 0),
    ]
    assert "2 results for “library” in Past." in response.text
    assert 'href="?show=drafts&amp;q=library"' in response.text
    assert '<input type="hidden" name="show" value="past">' in response.text


def test_a_search_that_finds_nothing_says_so(lead_client, events):
    response = lead_client.get(HOME, {"show": "cancelled", "q": "nowhere"})

    assert titles(response) == []
    assert "Nothing in Cancelled matches “nowhere”." in response.text


def test_a_search_too_long_is_shown_beside_the_field_and_ignored(lead_client, events):
    response = lead_client.get(HOME, {"q": "x" * 201})

    assert titles(response) == ["Parents night"]
    assert '<ul class="errorlist" id="id_q_error">' in response.text


def test_lists_are_paged_by_the_site_page_size(lead_client, chapter, settings):
    settings.SITE_PAGE_SIZE = 2
    for day in (1, 2, 3):
        evening(chapter, f"Past {day}", at(2020, 1, day, 18))

    first = lead_client.get(HOME, {"show": "past", "q": "past"})
    second = lead_client.get(HOME, {"show": "past", "q": "past", "page": "2"})

    assert (titles(first), titles(second)) == (["Past 3", "Past 2"], ["Past 1"])
    assert 'href="?show=past&amp;q=past&amp;page=2"' in first.text
    assert "Page 2 of 2" in second.text


def test_rows_show_status_times_and_a_members_only_badge(lead_client, chapter, events):
    evening(chapter, "Members evening", at(2031, 1, 20, 18), visibility=Visibility.MEMBERS)

    upcoming = lead_client.get(HOME)
    drafts = lead_client.get(HOME, {"show": "drafts"})

    assert '<time datetime="2031-01-14T18:00:00-06:00">Tue 14 Jan 2031, 18:00</time>' in upcoming.text
    assert upcoming.text.count('<span class="badge badge--members">Members only</span>') == 1
    assert '<span class="badge badge--draft">Draft</span>' in drafts.text
    assert f'href="{reverse("dashboard:members", args=["chicago"])}"' in upcoming.text


def test_a_chapter_column_when_the_user_runs_several_chapters(lead_client, lead, events):
    other = ChapterFactory(name="Springfield", slug="springfield")
    MembershipFactory(chapter=other, user=lead, role=Role.COORDINATOR)
    evening(other, "Springfield fair", at(2031, 1, 10, 12))

    response = lead_client.get(HOME)

    assert titles(response) == ["Springfield fair", "Parents night"]
    assert '<td data-label="Chapter">Springfield</td>' in response.text
    assert [chapter.name for chapter in response.context["chapters"]] == ["Chicago", "Springfield"]


def test_another_chapters_events_are_in_no_list(client, other_lead, events):
    client.force_login(other_lead)

    for show in ("upcoming", "past", "drafts", "cancelled"):
        assert titles(client.get(HOME, {"show": show})) == []
