"""The public HTML pages: home, event, chapter and campaign, and what each persona may see on them."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.enums import AddressVisibility, EventFormat, EventStatus, SignupStatus, Visibility
from tests.factories import CampaignFactory, EventFactory, PartnerFactory, ShiftFactory, SignupFactory

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
SKIP_LINK = '<a class="skip-link" href="#main">Skip to main content</a>'
ADDRESS = "1200 W Harrison St, Chicago"
HIDDEN_ADDRESS = "The address is shown after you sign up."


def titles(response):
    return [event.title for event in response.context["events"]]


@pytest.fixture
def event(chapter):
    """A published public evening in Chicago in January 2031 (CST), two shifts, a partner."""
    starts = dt.datetime(2031, 1, 14, 18, 0, tzinfo=CHICAGO)
    event = EventFactory(
        chapter=chapter,
        title="Parents night",
        summary="Talking with kids about online grooming.",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        venue="Community hall",
        address=ADDRESS,
        address_visibility=AddressVisibility.CONFIRMED,
        audiences=["parents", "educators"],
    )
    ShiftFactory(event=event, name="Greeter", capacity=2, ends_at=starts + dt.timedelta(hours=1))
    ShiftFactory(event=event, name="Table host", capacity=4)
    event.partners.add(PartnerFactory(chapter=chapter, name="Lincoln High"))
    return event


def test_home_lists_upcoming_events_in_their_own_zone(client, event, other_chapter):
    berlin = EventFactory(
        chapter=other_chapter,
        title="Stammtisch",
        starts_at=dt.datetime(2031, 1, 15, 19, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")),
        ends_at=dt.datetime(2031, 1, 15, 21, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")),
    )
    ShiftFactory(event=berlin, capacity=3)
    SignupFactory(shift=berlin.shifts.get())

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert titles(response) == ["Parents night", "Stammtisch"]
    assert SKIP_LINK in response.text
    assert '<time datetime="2031-01-14T18:00:00-06:00">Tue 14 Jan 2031, 18:00</time>' in response.text
    assert '<abbr title="America/Chicago">CST</abbr>' in response.text
    assert '<time datetime="2031-01-15T19:00:00+01:00">Wed 15 Jan 2031, 19:00</time>' in response.text
    assert '<abbr title="Europe/Berlin">CET</abbr>' in response.text
    assert "6 places left" in response.text
    assert "2 places left" in response.text
    assert "Awareness &amp; education" in response.text


def test_home_hides_drafts_members_only_and_past_events_from_anonymous(client, event, chapter):
    EventFactory(chapter=chapter, title="Draft", status=EventStatus.DRAFT)
    EventFactory(chapter=chapter, title="Members", visibility=Visibility.MEMBERS)
    past = dt.datetime(2020, 5, 1, 18, 0, tzinfo=CHICAGO)
    EventFactory(chapter=chapter, title="Past", starts_at=past, ends_at=past + dt.timedelta(hours=1))

    response = client.get(reverse("home"))

    assert titles(response) == ["Parents night"]


def test_home_shows_members_only_events_to_members(client, event, chapter, member):
    EventFactory(chapter=chapter, title="Members", visibility=Visibility.MEMBERS)
    client.force_login(member)

    response = client.get(reverse("home"))

    assert sorted(titles(response)) == ["Members", "Parents night"]


def test_home_marks_cancelled_events(client, chapter):
    EventFactory(chapter=chapter, title="Called off", status=EventStatus.CANCELLED)

    response = client.get(reverse("home"))

    assert titles(response) == ["Called off"]
    assert '<span class="badge badge--cancelled">Cancelled</span>' in response.text


def test_home_without_events_says_so(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "No upcoming events yet." in response.text


def test_event_detail_shows_what_when_shifts_partners_and_help_line(client, event, chapter):
    chapter.help_line = "National Human Trafficking Hotline: 1-888-373-7888"
    chapter.save()
    SignupFactory(shift=event.shifts.get(name="Greeter"))
    SignupFactory(shift=event.shifts.get(name="Greeter"), status=SignupStatus.WAITLISTED)

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert SKIP_LINK in response.text
    assert "<h1>Parents night</h1>" in response.text
    assert (
        '<time datetime="2031-01-14T18:00:00-06:00">Tue 14 Jan 2031, 18:00</time>\N{EN DASH}'
        '<time datetime="2031-01-14T20:00:00-06:00">20:00</time> <abbr title="America/Chicago">CST</abbr>'
    ) in response.text
    assert [(s.name, s.places_left, s.waitlist_count) for s in response.context["shifts"]] == [
        ("Greeter", 1, 1),
        ("Table host", 4, 0),
    ]
    assert "1 of 2" in response.text
    assert "1 on the waitlist" in response.text
    assert "Parents, Educators" in response.text
    assert "Lincoln High" in response.text
    assert "National Human Trafficking Hotline: 1-888-373-7888" in response.text


def test_event_detail_of_unknown_event_is_404(client, db):
    response = client.get(reverse("event_detail", kwargs={"pk": 999}))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona_name", "status"),
    [("anonymous", 404), ("outsider", 404), ("member", 404), ("coordinator", 200), ("lead", 200), ("staff", 200)],
)
def test_draft_event_is_seen_only_by_those_who_manage_it(client, persona, chapter, persona_name, status):
    draft = EventFactory(chapter=chapter, title="Not yet", status=EventStatus.DRAFT)
    user = persona(persona_name)
    if user.is_authenticated:
        client.force_login(user)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == status
    if status == 200:
        assert "Draft: only the chapter's coordinators and leads can see this event" in response.text


@pytest.mark.parametrize(
    ("persona_name", "status"),
    [("anonymous", 404), ("outsider", 404), ("other_lead", 404), ("member", 200), ("lead", 200)],
)
def test_members_only_event_is_404_outside_the_chapter(client, persona, chapter, persona_name, status):
    members_only = EventFactory(chapter=chapter, title="Members", visibility=Visibility.MEMBERS)
    user = persona(persona_name)
    if user.is_authenticated:
        client.force_login(user)

    response = client.get(members_only.get_absolute_url())

    assert response.status_code == status


def test_confirmed_only_address_is_hidden_from_anonymous(client, event):
    response = client.get(event.get_absolute_url())

    assert ADDRESS not in response.text
    assert HIDDEN_ADDRESS in response.text
    assert "Community hall" in response.text


def test_confirmed_only_address_is_hidden_from_a_waitlisted_volunteer(client, event, outsider):
    SignupFactory(user=outsider, shift=event.shifts.get(name="Greeter"), status=SignupStatus.WAITLISTED)
    client.force_login(outsider)

    response = client.get(event.get_absolute_url())

    assert ADDRESS not in response.text
    assert HIDDEN_ADDRESS in response.text


@pytest.mark.parametrize("persona_name", ["lead", "coordinator", "staff"])
def test_confirmed_only_address_is_shown_to_those_who_manage_the_event(client, persona, event, persona_name):
    client.force_login(persona(persona_name))

    response = client.get(event.get_absolute_url())

    assert f'<span class="address">{ADDRESS}</span>' in response.text
    assert HIDDEN_ADDRESS not in response.text


def test_confirmed_only_address_is_shown_to_a_confirmed_volunteer(client, event, outsider):
    SignupFactory(user=outsider, shift=event.shifts.get(name="Greeter"))
    client.force_login(outsider)

    response = client.get(event.get_absolute_url())

    assert f'<span class="address">{ADDRESS}</span>' in response.text


def test_public_address_is_shown_to_anonymous(client, event):
    event.address_visibility = AddressVisibility.PUBLIC
    event.save()

    response = client.get(event.get_absolute_url())

    assert f'<span class="address">{ADDRESS}</span>' in response.text
    assert HIDDEN_ADDRESS not in response.text


def test_online_link_is_shown_only_to_the_confirmed(client, event, outsider):
    event.format = EventFormat.HYBRID
    event.online_url = "https://meet.example.org/parents-night"
    event.save()

    anonymous = client.get(event.get_absolute_url())
    SignupFactory(user=outsider, shift=event.shifts.get(name="Greeter"))
    client.force_login(outsider)
    confirmed = client.get(event.get_absolute_url())

    assert "meet.example.org" not in anonymous.text
    assert "The online link is shown after you sign up." in anonymous.text
    assert 'href="https://meet.example.org/parents-night"' in confirmed.text


def test_cancelled_event_page_says_so(client, chapter):
    cancelled = EventFactory(chapter=chapter, status=EventStatus.CANCELLED, cancellation_note="Storm warning.")

    response = client.get(cancelled.get_absolute_url())

    assert response.status_code == 200
    assert "This event has been cancelled." in response.text
    assert "Storm warning." in response.text


def test_chapter_page_lists_its_visible_upcoming_events(client, event, chapter, other_chapter):
    chapter.description = "Chicago volunteers."
    chapter.contact_email = "chicago@example.org"
    chapter.save()
    EventFactory(chapter=other_chapter, title="Elsewhere")
    EventFactory(chapter=chapter, title="Members", visibility=Visibility.MEMBERS)

    response = client.get(chapter.get_absolute_url())

    assert response.status_code == 200
    assert SKIP_LINK in response.text
    assert "<h1>Chicago</h1>" in response.text
    assert "Chicago volunteers." in response.text
    assert 'href="mailto:chicago@example.org"' in response.text
    assert titles(response) == ["Parents night"]


def test_inactive_or_unknown_chapter_is_404(client, chapter):
    chapter.is_active = False
    chapter.save()

    assert client.get(chapter.get_absolute_url()).status_code == 404
    assert client.get(reverse("chapter_detail", kwargs={"slug": "nowhere"})).status_code == 404


def test_campaign_page_lists_its_events_across_chapters(client, event, other_chapter):
    campaign = CampaignFactory(name="Prevention Month", starts_on=dt.date(2031, 1, 1), ends_on=dt.date(2031, 1, 31))
    event.campaign = campaign
    event.save()
    EventFactory(chapter=other_chapter, campaign=campaign, title="Stammtisch")
    EventFactory(chapter=other_chapter, title="Not in it")

    response = client.get(campaign.get_absolute_url())

    assert response.status_code == 200
    assert "<h1>Prevention Month</h1>" in response.text
    assert sorted(titles(response)) == ["Parents night", "Stammtisch"]


def test_unknown_campaign_is_404(client, db):
    assert client.get(reverse("campaign_detail", kwargs={"slug": "nothing"})).status_code == 404


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["events"])


@pytest.mark.parametrize("page", ["home", "chapter", "campaign"])
def test_event_lists_cost_the_same_queries_for_one_and_three_events(client, member, chapter, page):
    campaign = CampaignFactory()
    url = {
        "home": reverse("home"),
        "chapter": chapter.get_absolute_url(),
        "campaign": campaign.get_absolute_url(),
    }[page]

    def add_event():
        ShiftFactory(event__chapter=chapter, event__campaign=campaign)

    client.force_login(member)
    add_event()
    one = count_queries(client, url)
    add_event()
    add_event()
    three = count_queries(client, url)

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]


def test_event_detail_costs_the_same_queries_for_one_and_three_shifts(client, member, event):
    client.force_login(member)
    event.shifts.get(name="Table host").delete()
    with CaptureQueriesContext(connection) as one:
        client.get(event.get_absolute_url())
    ShiftFactory(event=event, name="Runner")
    ShiftFactory(event=event, name="Speaker")
    with CaptureQueriesContext(connection) as three:
        response = client.get(event.get_absolute_url())

    assert len(response.context["shifts"]) == 3
    assert len(three) == len(one)
