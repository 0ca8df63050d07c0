"""The feeds as HTTP resources: headers, validators, HEAD, visibility, filters and query counts."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events.enums import Visibility
from outreach.models import FeedVersion
from outreach.services import feed_token_rotate, feed_versions_bump
from tests.factories import CampaignFactory, ChapterFactory, EventFactory, ShiftFactory, SignupFactory

from .http_fixtures import CALENDAR, FEEDS, PUBLIC_FEEDS, backdate, build_world, cache_control, soon, vevents


@pytest.fixture
def world(chapter, member):
    return build_world(chapter, member)


# Headers


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_headers(client, world, feed):
    response = client.get(world.url(feed))

    assert response.status_code == 200
    assert response["Content-Type"] == CALENDAR
    etag = response["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert not etag.startswith("W/")
    assert len(etag) > 2
    assert response["Last-Modified"].endswith(" GMT")
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")


@pytest.mark.parametrize("feed", PUBLIC_FEEDS)
def test_public_feed_cache_control_is_public_and_within_the_refresh_interval(client, world, feed):
    directives = cache_control(client.get(world.url(feed)))

    assert "public" in directives
    assert "private" not in directives
    assert 0 <= int(directives["max-age"]) <= 3600  # REFRESH-INTERVAL is PT1H


def test_public_event_download_cache_control_is_public(client, world):
    directives = cache_control(client.get(world.url("event")))

    assert "public" in directives
    assert 0 <= int(directives["max-age"]) <= 3600


def test_personal_feed_cache_control_is_private(client, world):
    directives = cache_control(client.get(world.url("personal")))

    assert "private" in directives
    assert "public" not in directives
    assert 0 <= int(directives["max-age"]) <= 3600


def test_members_only_download_cache_control_is_private(client, world, member):
    client.force_login(member)

    directives = cache_control(client.get(f"/feeds/events/{world.members_only.pk}.ics"))

    assert "private" in directives
    assert "public" not in directives


def test_event_download_is_an_attachment_named_after_its_slug(client, world):
    response = client.get(world.url("event"))

    assert response["Content-Disposition"] == 'attachment; filename="awareness-evening.ics"'


@pytest.mark.parametrize("feed", ["chapter", "campaign", "site", "personal"])
def test_subscription_feeds_are_not_attachments(client, world, feed):
    response = client.get(world.url(feed))

    assert "Content-Disposition" not in response


# Conditional requests and HEAD


@pytest.mark.parametrize("feed", FEEDS)
def test_if_none_match_answers_304_with_an_empty_body(client, world, feed):
    first = client.get(world.url(feed))

    again = client.get(world.url(feed), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert again["Cache-Control"] == first["Cache-Control"]


@pytest.mark.parametrize("feed", FEEDS)
def test_if_modified_since_answers_304_with_an_empty_body(client, world, feed):
    first = client.get(world.url(feed))

    again = client.get(world.url(feed), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("feed", FEEDS)
def test_if_modified_since_before_the_last_change_answers_200(client, world, feed):
    first = client.get(world.url(feed))

    again = client.get(world.url(feed), HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT")

    assert again.status_code == 200
    assert again.content == first.content


@pytest.mark.parametrize("feed", FEEDS)
def test_stale_etag_answers_200_with_the_feed(client, world, feed):
    first = client.get(world.url(feed))

    again = client.get(world.url(feed), HTTP_IF_NONE_MATCH='"0123456789abcdef0123456789abcdef"')

    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize("feed", FEEDS)
def test_head_answers_like_get_without_a_body(client, world, feed):
    got = client.get(world.url(feed))

    head = client.head(world.url(feed))

    assert head.status_code == 200
    assert head.content == b""
    assert dict(head.headers) == dict(got.headers)
    assert int(head["Content-Length"]) == len(got.content)


@pytest.mark.parametrize("feed", FEEDS)
def test_post_is_not_allowed(client, world, feed):
    response = client.post(world.url(feed))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


# What Outlook and friends fail on silently: cookies, redirects, auth challenges, compression


def _assert_plain(response):
    assert response.status_code not in (301, 302, 303, 307, 308)
    assert "Location" not in response
    assert "Set-Cookie" not in response
    assert not response.cookies
    assert "WWW-Authenticate" not in response
    assert "Content-Encoding" not in response


@pytest.mark.parametrize("feed", FEEDS)
def test_feeds_set_no_cookie_and_never_redirect_or_compress(client, world, feed):
    response = client.get(world.url(feed), HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert response.status_code == 200
    _assert_plain(response)


@pytest.mark.parametrize("feed", FEEDS)
def test_feeds_set_no_cookie_for_a_logged_in_session(client, world, feed, member):
    client.force_login(member)

    response = client.get(world.url(feed), HTTP_ACCEPT_ENCODING="gzip")
    not_modified = client.get(world.url(feed), HTTP_IF_NONE_MATCH=response["ETag"])

    assert response.status_code == 200
    _assert_plain(response)
    assert not_modified.status_code == 304
    _assert_plain(not_modified)


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/chapters/nowhere.ics",
        "/feeds/campaigns/nowhere.ics",
        "/feeds/events/999999.ics",
        "/feeds/personal/not-a-token.ics",
        "/feeds/events.ics?strategy=nonsense",
    ],
)
def test_feed_errors_set_no_cookie_and_never_redirect(client, world, member, path):
    client.force_login(member)

    response = client.get(path)

    assert response.status_code in (400, 404)
    _assert_plain(response)


# What public feeds show


@pytest.mark.parametrize("feed", PUBLIC_FEEDS)
def test_public_feeds_leave_out_drafts_and_members_only_events(client, world, member, feed):
    client.force_login(member)  # a member's session does not open the public feeds any wider

    uids = set(vevents(client.get(world.url(feed)).content))

    assert uids == {str(world.event.uid)}


def test_members_only_download_is_404_to_anonymous(client, world):
    response = client.get(f"/feeds/events/{world.members_only.pk}.ics")

    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_members_only_download_is_404_to_an_outsider(client, world, outsider):
    client.force_login(outsider)

    response = client.get(f"/feeds/events/{world.members_only.pk}.ics")

    assert response.status_code == 404


def test_members_only_download_opens_to_a_member_session(client, world, member):
    client.force_login(member)

    response = client.get(f"/feeds/events/{world.members_only.pk}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == CALENDAR
    assert response["Content-Disposition"] == 'attachment; filename="members-meeting.ics"'
    assert set(vevents(response.content)) == {str(world.members_only.uid)}


def test_draft_download_is_404_to_anonymous(client, world):
    assert client.get(f"/feeds/events/{world.draft.pk}.ics").status_code == 404


@pytest.mark.parametrize(
    "path", ["/feeds/chapters/nowhere.ics", "/feeds/campaigns/nowhere.ics", "/feeds/events/999999.ics"]
)
def test_unknown_feed_is_404(client, world, path):
    assert client.get(path).status_code == 404


def test_inactive_chapter_feed_is_404(client, world):
    world.chapter.is_active = False
    world.chapter.save()

    assert client.get(world.url("chapter")).status_code == 404


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("strategy=nonsense", "strategy"), ("audience=martians", "audience"), ("strategy=", "strategy")],
)
def test_site_feed_bad_filter_is_400_naming_the_parameter(client, world, query, parameter):
    response = client.get(f"/feeds/events.ics?{query}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith(f"{parameter}: ")


def test_site_feed_chapter_filter(client, world, other_chapter):
    there = EventFactory(chapter=other_chapter, title="Berlin evening")

    everything = set(vevents(client.get("/feeds/events.ics").content))
    berlin = set(vevents(client.get("/feeds/events.ics?chapter=berlin").content))
    chicago = set(vevents(client.get("/feeds/events.ics?chapter=chicago").content))

    assert everything == {str(world.event.uid), str(there.uid)}
    assert berlin == {str(there.uid)}
    assert chicago == {str(world.event.uid)}


def test_site_feed_strategy_and_audience_filters(client, world):
    dialogue = EventFactory(
        chapter=world.chapter, title="Dialogue", strategy="open_dialogue", audiences=["youth"], starts_at=soon(10)
    )

    by_strategy = set(vevents(client.get("/feeds/events.ics?strategy=open_dialogue").content))
    by_audience = set(vevents(client.get("/feeds/events.ics?audience=youth").content))

    assert by_strategy == {str(dialogue.uid)}
    assert by_audience == {str(dialogue.uid)}


def test_filtered_site_feeds_have_their_own_etag(client, world, other_chapter):
    EventFactory(chapter=other_chapter)

    whole = client.get("/feeds/events.ics")
    filtered = client.get("/feeds/events.ics?chapter=berlin")

    assert whole["ETag"] != filtered["ETag"]
    assert client.get("/feeds/events.ics?chapter=berlin", HTTP_IF_NONE_MATCH=whole["ETag"]).status_code == 200


# Query counts: the same at 1 and 3 items; a 304 and a cached 200 in two queries at most


class Sized:
    """Feeds of one chapter, one campaign and one volunteer that grow an event (and a signup) at a time."""

    def __init__(self, volunteer):
        self.volunteer = volunteer
        self.chapter = ChapterFactory(slug="sized", name="Sized")
        self.campaign = CampaignFactory(slug="sized-campaign")
        self.events = []
        self.token = feed_token_rotate(user=volunteer)
        # As the services leave them: each scope has its feed version.
        feed_versions_bump(
            ["site", f"chapter:{self.chapter.pk}", f"campaign:{self.campaign.pk}", f"user:{volunteer.pk}"]
        )

    def grow_to(self, size: int) -> None:
        while len(self.events) < size:
            days = 7 + len(self.events)
            event = EventFactory(
                chapter=self.chapter, campaign=self.campaign, starts_at=soon(days), ends_at=soon(days, 19)
            )
            SignupFactory(user=self.volunteer, shift=ShiftFactory(event=event))
            self.events.append(event)
        backdate(*self.events)

    def url(self, feed: str) -> str:
        return {
            "chapter": f"/feeds/chapters/{self.chapter.slug}.ics",
            "campaign": f"/feeds/campaigns/{self.campaign.slug}.ics",
            "site": "/feeds/events.ics",
            # The download's size is its number of shifts, which the body does not show.
            "event": f"/feeds/events/{self.events[0].pk}.ics",
            "personal": f"/feeds/personal/{self.token}.ics",
        }[feed]

    def shown(self, feed: str) -> int:
        if feed == "event":
            return 1
        return len(self.events)


def _count(url: str, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url, **headers)
    return len(queries), response


# (full render after cache.clear(), 304, cached 200): a poll reads the scope's version, never the events.
EXPECTED_QUERIES = {
    "chapter": (4, 2, 2),  # chapter, its feed version, rows, window crossings and latest change
    "campaign": (4, 2, 2),  # campaign, its feed version, rows, crossings
    "site": (3, 1, 1),  # the site's feed version, rows, crossings
    "event": (1, 1, 1),  # the event with its chapter: its own row is its version
    "personal": (4, 2, 2),  # user by token hash, their feed version, signups with events and chapters, crossings
}


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_query_counts(db, member, feed):
    sized = Sized(member)
    counts = {}
    for size in (1, 3):
        sized.grow_to(size)
        if feed == "event":
            for _ in range(size - 1):
                ShiftFactory(event=sized.events[0])
        cache.clear()
        url = sized.url(feed)

        full, response = _count(url)
        not_modified, conditional = _count(url, HTTP_IF_NONE_MATCH=response["ETag"])
        cached, again = _count(url)

        assert response.status_code == 200
        assert len(vevents(response.content)) == sized.shown(feed)
        assert conditional.status_code == 304
        assert again.status_code == 200
        assert again.content == response.content
        counts[size] = (full, not_modified, cached)

    assert counts[1] == counts[3] == EXPECTED_QUERIES[feed]
    _full, not_modified, cached = counts[3]
    assert not_modified == cached <= 2  # the owner's row and its feed version: never the events


def test_a_scope_without_a_version_gets_one_at_its_first_poll(client, db):
    """Rows that came before feed versions (or from fixtures) get a version of their own, once."""
    chapter = ChapterFactory(slug="unversioned")
    url = f"/feeds/chapters/{chapter.slug}.ics"

    first = client.get(url)
    version = FeedVersion.objects.get(scope=f"chapter:{chapter.pk}")
    again = client.get(url)

    assert (first.status_code, again.status_code) == (200, 200)
    assert version.version == 1
    assert FeedVersion.objects.get(scope=f"chapter:{chapter.pk}").version == 1
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_304_within_two_queries(db, member, django_assert_max_num_queries, feed):
    sized = Sized(member)
    sized.grow_to(3)
    etag = Client().get(sized.url(feed))["ETag"]

    with django_assert_max_num_queries(2):
        response = Client().get(sized.url(feed), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_members_only_events_do_not_leak_into_filtered_site_feed(client, world):
    EventFactory(chapter=world.chapter, visibility=Visibility.MEMBERS, strategy="open_dialogue", starts_at=soon(11))

    assert vevents(client.get("/feeds/events.ics?strategy=open_dialogue").content) == {}


def test_campaign_feed_with_a_multiline_description_is_a_valid_calendar(db, client):
    """The calendar's own name and description are TEXT: escaped, never raw line breaks."""
    CampaignFactory(slug="spring", name="Spring, again", description="Line one;\r\nBEGIN:VEVENT\r\nUID:injected")

    response = client.get("/feeds/campaigns/spring.ics")

    assert response.status_code == 200
    lines = response.content.split(b"\r\n")
    assert b"X-WR-CALNAME:Spring\\, again - Outreach" in lines
    assert b"NAME:Spring\\, again - Outreach" in lines
    assert b"X-WR-CALDESC:Line one\\;\\nBEGIN:VEVENT\\nUID:injected" in lines
    assert b"BEGIN:VEVENT" not in lines
