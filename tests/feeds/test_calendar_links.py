import hashlib
import re
from urllib.parse import quote

import pytest

from tests.factories import EventFactory


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
