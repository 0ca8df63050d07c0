import datetime as dt
import hashlib
import re
import zoneinfo
from html import unescape
from urllib.parse import parse_qsl, quote, unquote_plus, urlsplit

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from events.enums import AddressVisibility, EventFormat, SignupStatus
from tests.factories import EventFactory, ShiftFactory, SignupFactory


@pytest.fixture
def logged_in(client, outsider):
    client.force_login(outsider)
    return client


def test_chapter_page_offers_webcal_https_and_google_links(client, chapter, settings):
    settings.SITE_URL = "https://outreach.example.org"

    html = client.get("/chapters/chicago/").content.decode()

    assert 'href="webcal://outreach.example.org/feeds/chapters/chicago.ics"' in html
    assert 'value="https://outreach.example.org/feeds/chapters/chicago.ics"' in html
    encoded = quote("https://outreach.example.org/feeds/chapters/chicago.ics", safe="")
    assert f'href="https://calendar.google.com/calendar/render?cid={encoded}"' in html


def test_campaign_page_offers_its_feed(client, db, settings):
    from tests.factories import CampaignFactory

    settings.SITE_URL = "https://outreach.example.org"
    CampaignFactory(slug="january")

    html = client.get("/campaigns/january/").content.decode()

    assert 'href="webcal://outreach.example.org/feeds/campaigns/january.ics"' in html


def test_event_page_offers_download_google_and_chapter_feed(client, chapter, settings):
    settings.SITE_URL = "https://outreach.example.org"
    event = EventFactory(chapter=chapter, title="Safety night")

    html = client.get(f"/events/{event.pk}/").content.decode()

    assert f'href="/feeds/events/{event.pk}.ics"' in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Safety+night" in html
    assert 'href="webcal://outreach.example.org/feeds/chapters/chicago.ics"' in html


def test_calendar_feed_page_needs_login(client):
    response = client.get("/me/calendar/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/me/calendar/")


def test_rotating_from_the_site_shows_the_new_address_once_and_kills_the_old(logged_in, outsider, settings):
    settings.SITE_URL = "https://outreach.example.org"

    first = logged_in.post("/me/calendar/").content.decode()
    token = re.search(r'value="https://outreach.example.org/feeds/personal/([A-Za-z0-9_-]{43})\.ics"', first)[1]
    outsider.refresh_from_db()
    assert outsider.feed_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert logged_in.get(f"/feeds/personal/{token}.ics").status_code == 200

    second = logged_in.post("/me/calendar/").content.decode()
    page = logged_in.get("/me/calendar/")

    assert token not in second
    assert logged_in.get(f"/feeds/personal/{token}.ics").status_code == 404
    assert "/feeds/personal/" not in page.content.decode()
    assert "keep the copies they have" in page.content.decode()
    assert page["Cache-Control"] == "no-store"


# An event's "add to calendar" links (issue #10, item 11)

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_COM = "https://outlook.live.com/calendar/0/deeplink/compose"
OFFICE_365 = "https://outlook.office.com/calendar/0/deeplink/compose"
STARTS = dt.datetime(2031, 5, 10, 14, 0, tzinfo=dt.UTC)  # Saturday 09:00 CDT


@pytest.fixture
def hidden_address(chapter, settings):
    """A hybrid event whose address and online link are for confirmed volunteers only."""
    settings.SITE_URL = "https://outreach.example.org"
    return EventFactory(
        chapter=chapter,
        title="Market stand & talk",
        summary="Leaflets; conversations, coffee.",
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=4),
        format=EventFormat.HYBRID,
        venue="Farmers market",
        address="100 Market St, Chicago",
        address_visibility=AddressVisibility.CONFIRMED,
        online_url="https://meet.example.org/market",
    )


def _links(html: str) -> dict[str, str]:
    """{base URL: the whole href} of the page's Google and Outlook "add event" links (not a feed's cid link)."""
    hrefs = [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]
    links = {}
    for base in (GOOGLE, OUTLOOK_COM, OFFICE_365):
        [links[base]] = [href for href in hrefs if href.startswith(f"{base}?") and "cid=" not in href]
    return links


def _query(url: str) -> dict[str, str]:
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert len(pairs) == len(dict(pairs)), pairs
    return dict(pairs)


def _expected(event, *, location: str, online: bool) -> dict[str, dict]:
    page = f"https://outreach.example.org/events/{event.pk}/"
    body = "Leaflets; conversations, coffee.\n\n" + ("Online: https://meet.example.org/market\n\n" if online else "")
    body += page
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": "Market stand & talk",
        "startdt": "2031-05-10T14:00:00Z",
        "enddt": "2031-05-10T18:00:00Z",
        "body": body,
        "location": location,
    }
    google = {
        "action": "TEMPLATE",
        "text": "Market stand & talk",
        "dates": "20310510T140000Z/20310510T180000Z",
        "ctz": "America/Chicago",
        "details": body,
        "location": location,
    }
    return {GOOGLE: google, OUTLOOK_COM: outlook, OFFICE_365: outlook}


def _page_links(client, event) -> dict[str, dict]:
    response = client.get(f"/events/{event.pk}/")
    assert response.status_code == 200
    return {base: _query(url) for base, url in _links(response.content.decode()).items()}


def test_event_links_for_a_reader_who_may_not_see_the_address_give_the_venue_alone(client, hidden_address, outsider):
    client.force_login(outsider)

    links = _page_links(client, hidden_address)

    assert links == _expected(hidden_address, location="Farmers market, and online", online=False)
    html = client.get(f"/events/{hidden_address.pk}/").content.decode()
    for url in _links(html).values():
        assert "Market St" not in unquote_plus(url)
        assert "meet.example.org" not in unquote_plus(url)


def test_event_links_for_an_anonymous_reader_give_the_venue_alone(client, hidden_address):
    links = _page_links(client, hidden_address)

    assert links == _expected(hidden_address, location="Farmers market, and online", online=False)


def test_event_links_for_a_confirmed_volunteer_give_the_address_and_the_link(client, hidden_address, member):
    SignupFactory(user=member, shift=ShiftFactory(event=hidden_address), status=SignupStatus.CONFIRMED)
    client.force_login(member)

    links = _page_links(client, hidden_address)

    expected = _expected(hidden_address, location="Farmers market, 100 Market St, Chicago, and online", online=True)
    assert links == expected


def test_event_links_for_a_waitlisted_volunteer_give_the_venue_alone(client, hidden_address, member):
    SignupFactory(user=member, shift=ShiftFactory(event=hidden_address), status=SignupStatus.WAITLISTED)
    client.force_login(member)

    links = _page_links(client, hidden_address)

    assert links == _expected(hidden_address, location="Farmers market, and online", online=False)


def test_event_links_for_the_chapters_lead_give_the_address(client, hidden_address, lead):
    client.force_login(lead)

    links = _page_links(client, hidden_address)

    assert links[GOOGLE]["location"] == "Farmers market, 100 Market St, Chicago, and online"


def test_event_links_give_a_public_address_to_everyone(client, chapter, settings):
    settings.SITE_URL = "https://outreach.example.org"
    event = EventFactory(chapter=chapter, venue="Public library", address="1 Main St", starts_at=STARTS)

    links = _page_links(client, event)

    assert {query["location"] for query in links.values()} == {"Public library, 1 Main St"}


def test_outlook_links_encode_spaces_as_percent_20(client, hidden_address):
    """Outlook on the web shows a `+` in a deeplink as it is, so spaces are %20."""
    html = client.get(f"/events/{hidden_address.pk}/").content.decode()
    links = _links(html)

    for base in (OUTLOOK_COM, OFFICE_365):
        assert links[base].startswith(
            f"{base}?path=/calendar/action/compose&rru=addevent&subject=Market%20stand%20%26%20talk&"
        )
        assert "+" not in links[base]


def test_event_links_of_an_all_day_event_give_dates(client, chapter, settings):
    settings.SITE_URL = "https://outreach.example.org"
    zone = zoneinfo.ZoneInfo("America/Chicago")
    event = EventFactory(
        chapter=chapter,
        all_day=True,
        starts_at=dt.datetime(2031, 3, 13, tzinfo=zone),
        ends_at=dt.datetime(2031, 3, 16, tzinfo=zone),
    )

    links = _page_links(client, event)

    assert links[GOOGLE]["dates"] == "20310313/20310316"
    for base in (OUTLOOK_COM, OFFICE_365):
        assert (links[base]["startdt"], links[base]["enddt"], links[base]["allday"]) == (
            "2031-03-13",
            "2031-03-16",
            "true",
        )


def test_event_links_tag_takes_the_pages_whereabouts(rf, hidden_address, outsider):
    """`{% event_calendar_links event where %}`: what the page knows the reader may see, with no query."""
    request = rf.get("/")
    request.user = outsider
    template = Template("{% load calendar_links %}{% event_calendar_links event where %}")
    private = hidden_address.whereabouts(private=True)

    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"request": request, "event": hidden_address, "where": private}))

    assert len(queries) == 0
    assert _query(_links(html)[OUTLOOK_COM])["location"] == "Farmers market, 100 Market St, Chicago, and online"
    public = template.render(
        Context({"request": request, "event": hidden_address, "where": hidden_address.whereabouts(private=False)})
    )
    assert _query(_links(public)[OUTLOOK_COM])["location"] == "Farmers market, and online"
