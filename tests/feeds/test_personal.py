"""The personal feed: its token, what it shows, how it fails, and what it leaves out of the logs."""

import hashlib
import io
import logging
import re
import secrets
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from config.log_filters import RedactFeedTokens
from events.enums import SignupStatus, Visibility
from events.services import signup_create
from outreach.enums import Role
from outreach.models import User
from outreach.services import feed_token_rotate
from tests.factories import EventFactory, MembershipFactory, ShiftFactory, SignupFactory, UserFactory

from .http_fixtures import CALENDAR, signup_uid, soon, unfolded, vevents

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def _feed(token: str) -> str:
    return f"/feeds/personal/{token}.ics"


def _rotate_by_api(user) -> dict:
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/v1/me/feed-token/")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def stranger(chapter):
    """Another volunteer on the same shifts, with details that must never reach anyone else's feed."""
    user = UserFactory(
        email="zelda.quist@example.org", display_name="Zelda Quist", legal_name="Zelda Q. Quist", phone="+13125550199"
    )
    MembershipFactory(user=user, chapter=chapter)
    return user


@pytest.fixture
def signed_up(chapter, member, stranger, lead):
    """
    `member` holds: a confirmed place (public event), a waitlist spot (the stranger took the only
    place), a confirmed place on a members-only event of their chapter, and a cancelled signup.
    Other events hold only the stranger. Every event was created by the chapter's lead. Besides the
    events by name, "places" and "strangers_places" hold the two volunteers' active signups.
    """
    confirmed = EventFactory(chapter=chapter, title="Confirmed evening", starts_at=soon(7), created_by=lead)
    waitlisted = EventFactory(chapter=chapter, title="Full evening", starts_at=soon(8), created_by=lead)
    members_only = EventFactory(
        chapter=chapter,
        title="Members meeting",
        visibility=Visibility.MEMBERS,
        starts_at=soon(9),
        created_by=lead,
    )
    cancelled = EventFactory(chapter=chapter, title="Changed my mind", starts_at=soon(10), created_by=lead)
    others = EventFactory(chapter=chapter, title="Not mine", starts_at=soon(11), created_by=lead)

    full_shift = ShiftFactory(event=waitlisted, capacity=1)
    strangers_places = {"waitlisted": signup_create(user=stranger, shift=full_shift)}
    places = {
        "confirmed": signup_create(user=member, shift=ShiftFactory(event=confirmed)),
        "waitlisted": signup_create(user=member, shift=full_shift),
        "members_only": signup_create(user=member, shift=ShiftFactory(event=members_only)),
    }
    given_up = SignupFactory(
        user=member, shift=ShiftFactory(event=cancelled), status=SignupStatus.CANCELLED, cancelled_at=timezone.now()
    )
    strangers_places["confirmed"] = signup_create(user=stranger, shift=ShiftFactory(event=confirmed, name="Greeter"))
    strangers_places["others"] = signup_create(user=stranger, shift=ShiftFactory(event=others))
    assert places["waitlisted"].status == SignupStatus.WAITLISTED
    return {
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "members_only": members_only,
        "cancelled": cancelled,
        "others": others,
        "places": places,
        "given_up": given_up,
        "strangers_places": strangers_places,
    }


# The token


def test_rotating_by_api_answers_feed_and_webcal_urls(member):
    data = _rotate_by_api(member)

    assert set(data) == {"feed_url", "webcal_url"}
    match = re.fullmatch(r"https://outreach\.test/feeds/personal/([A-Za-z0-9_-]+)\.ics", data["feed_url"])
    assert match is not None
    token = match.group(1)
    assert TOKEN.fullmatch(token)  # 43 characters of token_urlsafe(32): 256 bits
    assert data["webcal_url"] == f"webcal://outreach.test/feeds/personal/{token}.ics"
    assert member.email not in data["feed_url"]
    # The path is the token alone: no segment is the user's id (a token may start with its digits).
    assert data["feed_url"].removeprefix("https://outreach.test").split("/") == [
        "",
        "feeds",
        "personal",
        f"{token}.ics",
    ]


def test_rotating_by_api_opens_the_feed(client, member):
    feed_url = _rotate_by_api(member)["feed_url"]

    response = client.get(feed_url.removeprefix("https://outreach.test"))

    assert response.status_code == 200
    assert response["Content-Type"] == CALENDAR


def test_rotating_requires_login():
    assert APIClient().post("/api/v1/me/feed-token/").status_code == 401


def test_only_the_token_hash_is_stored(member):
    token = _rotate_by_api(member)["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")

    stored = User.objects.get(pk=member.pk)

    assert stored.feed_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", stored.feed_token_hash)
    row = User.objects.filter(pk=member.pk).values().get()
    assert not [name for name, value in row.items() if isinstance(value, str) and token in value]


def test_rotating_kills_the_old_url_at_once(client, member):
    old = feed_token_rotate(user=member)
    first = client.get(_feed(old))  # now cached under its ETag
    assert first.status_code == 200

    new = _rotate_by_api(member)["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")

    assert client.get(_feed(old)).status_code == 404
    assert client.get(_feed(old), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 404
    assert client.head(_feed(old)).status_code == 404
    assert client.get(_feed(new)).status_code == 200


def test_a_deactivated_users_feed_is_404(client, member):
    token = feed_token_rotate(user=member)
    member.is_active = False
    member.save()

    assert client.get(_feed(token)).status_code == 404


# Failing alike


def _bad_tokens(member) -> dict[str, str]:
    old = feed_token_rotate(user=member)
    valid = feed_token_rotate(user=member)
    wrong_last = valid[:-1] + ("A" if valid[-1] != "A" else "B")
    return {
        "old": old,
        "unknown": secrets.token_urlsafe(32),
        "malformed": "not a token!",
        "43 chars but wrong": wrong_last,
        "10 kB": "a" * 10_240,
        "44 chars": valid + "A",
        "hash of a real token": hashlib.sha256(valid.encode()).hexdigest(),
    }


def _answer(response) -> tuple:
    return response.status_code, response.content, sorted(response.headers.items())


def test_every_bad_token_gets_the_same_404(member):
    answers = {name: _answer(Client().get(_feed(token))) for name, token in _bad_tokens(member).items()}

    first = next(iter(answers.values()))
    assert first[0] == 404
    assert first[1] == b"Not found."
    assert {name: answer for name, answer in answers.items() if answer != first} == {}


def test_every_bad_token_gets_the_same_404_to_head(member):
    answers = {name: _answer(Client().head(_feed(token))) for name, token in _bad_tokens(member).items()}

    first = next(iter(answers.values()))
    assert first[0] == 404
    assert {name: answer for name, answer in answers.items() if answer != first} == {}


def test_bad_token_404_sets_no_cookie_and_never_redirects(client, member):
    client.force_login(member)

    response = client.get(_feed("a" * 10_240))

    assert response.status_code == 404
    assert not response.cookies
    assert "Location" not in response
    assert "WWW-Authenticate" not in response


# What the feed shows


def test_personal_feed_lists_only_the_owners_signups_and_given_up_ones_as_cancelled(client, member, signed_up):
    token = feed_token_rotate(user=member)

    events = vevents(client.get(_feed(token)).content)

    given_up = signup_uid(signed_up["given_up"])
    assert set(events) == {signup_uid(signup) for signup in signed_up["places"].values()} | {given_up}
    assert str(events[given_up]["STATUS"]) == "CANCELLED"
    assert str(events[given_up]["SUMMARY"]) == "Cancelled: Changed my mind"


def test_personal_feed_marks_confirmed_and_waitlisted_places(client, member, signed_up):
    token = feed_token_rotate(user=member)

    events = vevents(client.get(_feed(token)).content)

    confirmed, waitlisted, members_only = (
        events[signup_uid(signed_up["places"][name])] for name in ("confirmed", "waitlisted", "members_only")
    )
    assert str(confirmed["STATUS"]) == "CONFIRMED"
    assert str(members_only["STATUS"]) == "CONFIRMED"
    assert str(waitlisted["STATUS"]) == "TENTATIVE"
    assert "(confirmed)" in str(confirmed["DESCRIPTION"])
    assert "on the waitlist" in str(waitlisted["DESCRIPTION"])
    assert "on the waitlist" not in str(confirmed["DESCRIPTION"])


def test_personal_feed_shows_nobody_elses_details(client, member, signed_up, stranger, lead):
    token = feed_token_rotate(user=member)

    body = client.get(_feed(token)).content
    text = unfolded(body)

    for person in (stranger, lead):
        for value in (person.email, person.display_name, person.legal_name, person.phone):
            if value:
                assert value not in text, value
                assert value.encode() not in body, value
    assert "Greeter" not in text  # the stranger's shift on the same event
    assert "ATTENDEE" not in text
    assert "VALARM" not in text


def test_personal_feed_headers(client, member, signed_up):
    token = feed_token_rotate(user=member)

    response = client.get(_feed(token))

    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in [part.strip() for part in response["X-Robots-Tag"].split(",")]
    assert response["Cache-Control"].startswith("private")


def test_personal_feed_304_keeps_the_privacy_headers(client, member, signed_up):
    token = feed_token_rotate(user=member)
    first = client.get(_feed(token))

    again = client.get(_feed(token), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["Referrer-Policy"] == "no-referrer"
    assert "noindex" in again["X-Robots-Tag"]
    assert again["Cache-Control"].startswith("private")


def test_two_volunteers_feeds_differ(client, member, stranger, signed_up):
    mine = feed_token_rotate(user=member)
    theirs = feed_token_rotate(user=stranger)

    my_events = set(vevents(client.get(_feed(mine)).content))
    their_events = set(vevents(client.get(_feed(theirs)).content))

    assert their_events == {signup_uid(signup) for signup in signed_up["strangers_places"].values()}
    assert my_events != their_events


def test_member_who_leads_another_chapter_sees_only_own_signups(client, member, other_chapter, signed_up):
    MembershipFactory(user=member, chapter=other_chapter, role=Role.LEAD)
    EventFactory(chapter=other_chapter, title="Led, not signed up", starts_at=soon(12))
    token = feed_token_rotate(user=member)

    events = vevents(client.get(_feed(token)).content)

    assert len(events) == 4  # three places and the cancelled signup


# Logs


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def request_logs(caplog):
    """
    Records of Django's request and server loggers, as logged. They do not propagate to the root
    logger (settings.LOGGING), so the handler is attached to them directly; caplog sets the level.
    """
    handler = _Records()
    loggers = [logging.getLogger("django.request"), logging.getLogger("django.server")]
    for logger in loggers:
        logger.addHandler(handler)
    with (
        caplog.at_level(logging.DEBUG, logger="django.request"),
        caplog.at_level(logging.DEBUG, logger="django.server"),
    ):
        yield handler
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture
def redacted_log():
    """What the project's log handler writes: a handler carrying RedactFeedTokens, into a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactFeedTokens())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    loggers = [logging.getLogger("django.request"), logging.getLogger("django.server")]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


def test_request_logs_are_captured(db, client, request_logs):
    """The negative control: a 404 elsewhere is logged with its path, so the tests below can see one."""
    client.get("/feeds/chapters/nowhere.ics")

    assert [record.getMessage() for record in request_logs.records] == ["Not Found: /feeds/chapters/nowhere.ics"]


def test_personal_feed_requests_log_nothing_with_the_token(client, member, signed_up, request_logs):
    token = feed_token_rotate(user=member)
    first = client.get(_feed(token))
    client.get(_feed(token), HTTP_IF_NONE_MATCH=first["ETag"])
    client.head(_feed(token))

    assert [r.getMessage() for r in request_logs.records if token in r.getMessage()] == []


def test_bad_token_404_logs_nothing(client, member, request_logs):
    tokens = _bad_tokens(member)

    for token in tokens.values():
        assert client.get(_feed(token)).status_code == 404

    assert [record.getMessage()[:120] for record in request_logs.records] == []


def test_server_error_on_a_personal_feed_logs_the_path_redacted(member, signed_up, redacted_log):
    token = feed_token_rotate(user=member)
    client = Client(raise_request_exception=False)

    with mock.patch("feeds.views.render_calendar", side_effect=RuntimeError("boom")):
        response = client.get(_feed(token))

    assert response.status_code == 500
    written = redacted_log.getvalue()
    assert "ERROR django.request Internal Server Error: /feeds/personal/[redacted]\n" in written
    assert token not in written


@pytest.mark.parametrize(
    "line",
    [
        "Not Found: /feeds/personal/{token}.ics",
        '"GET /feeds/personal/{token}.ics HTTP/1.1" 200 1317',
        '"GET /feeds/personal/{token}.ics?x=1 HTTP/1.1" 304 0',
    ],
)
def test_redact_filter_removes_the_token(line, redacted_log):
    token = secrets.token_urlsafe(32)

    logging.getLogger("django.server").warning(line.replace("{token}", "%s"), token)

    written = redacted_log.getvalue()
    assert token not in written
    assert "/feeds/personal/[redacted]" in written


@pytest.mark.parametrize("name", ["django.request", "django.server"])
def test_project_request_log_handlers_redact_tokens(settings, name):
    config = settings.LOGGING
    configured = config["loggers"][name]["handlers"]
    live = [h for h in logging.getLogger(name).handlers if not type(h).__module__.startswith("_pytest")]

    assert configured
    assert all("redact_feed_tokens" in config["handlers"][handler].get("filters", []) for handler in configured)
    assert config["filters"]["redact_feed_tokens"]["()"] == "config.log_filters.RedactFeedTokens"
    assert live
    assert all(any(isinstance(f, RedactFeedTokens) for f in handler.filters) for handler in live)
