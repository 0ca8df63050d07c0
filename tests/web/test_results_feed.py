"""The find page offers the site feed of its results, for the filters that feed takes (issue #10, item 12)."""

import re

import pytest

from events.enums import Audience, Strategy
from tests.factories import EventFactory

SITE = "https://outreach.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def copied_feed_url(html: str) -> str:
    section = html[html.index('<section aria-labelledby="results-feed-heading">') :]
    return re.search(r'<input type="url" class="copy-url" value="([^"]+)"', section)[1].replace("&amp;", "&")


def test_results_feed_carries_chapter_strategy_and_audience(client, chapter):
    html = client.get("/", {"chapter": "chicago", "strategy": "internet_safety", "audience": "parents"}).text

    assert '<h2 id="results-feed-heading">Subscribe to these results</h2>' in html
    url = f"{SITE}/feeds/events.ics?chapter=chicago&strategy=internet_safety&audience=parents"
    assert copied_feed_url(html) == url
    assert 'href="webcal://outreach.example.org/feeds/events.ics?chapter=chicago&amp;strategy=internet_safety' in html
    assert "cannot filter" not in html


def test_results_feed_says_which_filters_it_does_not_carry(client, chapter):
    chapter.city, chapter.latitude, chapter.longitude = "Chicago", "41.88", "-87.63"
    chapter.save()

    html = client.get("/", {"q": "night", "place": "Chicago", "radius_km": "50", "strategy": "advocacy"}).text

    assert copied_feed_url(html) == f"{SITE}/feeds/events.ics?strategy=advocacy"
    assert "The feed cannot filter by search words or distance" in html
    assert "Strategy: Legislation &amp; advocacy" in html


def test_results_feed_names_dates_and_format_as_left_out(client, chapter):
    html = client.get("/", {"format": "online", "date_from": "2031-01-01"}).text
    three = client.get("/", {"q": "night", "online": "exclude", "date_to": "2031-01-01"}).text

    assert copied_feed_url(html) == f"{SITE}/feeds/events.ics"
    assert "The feed cannot filter by format or dates, so it may list more events than this page." in html
    assert "The feed cannot filter by search words, format or dates" in three


def test_results_feed_answers_with_the_same_events(client, chapter, other_chapter):
    EventFactory(chapter=chapter, title="Safe online", strategy=Strategy.INTERNET_SAFETY, audiences=[Audience.PARENTS])
    EventFactory(chapter=chapter, title="Other strategy", strategy=Strategy.ADVOCACY, audiences=[Audience.PARENTS])
    EventFactory(chapter=other_chapter, title="Other chapter", strategy=Strategy.INTERNET_SAFETY)
    html = client.get("/", {"chapter": "chicago", "strategy": "internet_safety"}).text

    feed = client.get(copied_feed_url(html).removeprefix(SITE))

    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert re.findall(r"SUMMARY:(.*)\r", feed.content.decode()) == ["Safe online"]


def test_unfiltered_page_offers_every_public_event(client, db):
    html = client.get("/").text

    assert '<h2 id="results-feed-heading">Follow these events in your calendar</h2>' in html
    assert copied_feed_url(html) == f"{SITE}/feeds/events.ics"


def test_no_results_feed_for_a_search_with_errors(client, db):
    html = client.get("/", {"place": "Atlantis"}).text

    assert "results-feed-heading" not in html


def test_a_member_is_told_the_feed_leaves_out_members_only_events(client, member):
    client.force_login(member)

    html = client.get("/", {"chapter": "chicago"}).text

    assert "Members-only events are never in this feed." in html
