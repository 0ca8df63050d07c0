"""
Redis trouble is not an outage (issue 12, item 11; README, "When Redis is away"). With the cache the
settings build for REDIS_URL pointed at a closed port, or at a server that accepts connections and
never answers, pages, feeds and API reads answer 200 uncached, and the rate-limited writes (sign-in,
sign-up, codes, password resets, API tokens and signups) answer 503 with Retry-After, each request
within a few seconds. With Redis up, the cache and the limits live in it as before.
"""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager, suppress

import pytest
import redis
from django.conf import settings as django_settings
from django.urls import reverse
from rest_framework.test import APIClient

from events.models import Signup
from outreach.cache import RETRY_AFTER_SECONDS, UNAVAILABLE
from outreach.models import User
from tests.factories import ShiftFactory
from tests.feeds.http_fixtures import CALENDAR, FEEDS, build_world, vevents

REDIS_URL = os.environ.get("REDIS_TROUBLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
BOUND_SECONDS = 3  # a request that waits on Redis gives up well before a worker is killed at 30 s
HOLD_SECONDS = 10  # the silent server drops its connections then, so a client without timeouts fails, not hangs
GENEROUS = "100000/minute"


@pytest.fixture(scope="module")
def redis_caches():
    """caches_for(location) -> CACHES as config/settings.py builds them for REDIS_URL, at `location`."""
    code = "import json; from config import settings as s; print(json.dumps(s.CACHES))"
    env = {**os.environ, "REDIS_URL": REDIS_URL}
    result = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    built = json.loads(result.stdout)

    def caches_for(location):
        return {"default": {**built["default"], "LOCATION": location}}

    return caches_for


@contextmanager
def refusing_redis():
    """A port with nothing listening on it: every connection is refused."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: the port stays ours and refuses
        yield f"redis://127.0.0.1:{closed.getsockname()[1]}/0"


@contextmanager
def silent_redis():
    """A server that accepts connections and never answers (it drops them after HOLD_SECONDS)."""
    stop = threading.Event()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.05)

    def serve():
        held = []
        while not stop.is_set():
            with suppress(TimeoutError):  # no one connected in this round
                held.append((time.monotonic(), server.accept()[0]))
            for accepted, conn in [item for item in held if time.monotonic() - item[0] > HOLD_SECONDS]:
                conn.close()
                held.remove((accepted, conn))
        for _accepted, conn in held:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.fixture(params=["refused", "hung"])
def redis_away(request, settings, redis_caches):
    """The app's cache pointed at a Redis that refuses connections, or that never answers."""
    away = refusing_redis() if request.param == "refused" else silent_redis()
    with away as location:
        settings.CACHES = redis_caches(location)
        yield request.param


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon_read": GENEROUS, "token": GENEROUS, "signup": GENEROUS},
    }


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < BOUND_SECONDS, f"{elapsed:.2f} s"
    return response


def assert_unavailable(response):
    assert (response.status_code, response["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))


# Reads and feeds go on, uncached


def test_api_reads_and_pages_answer_when_redis_is_away(client, chapter, member, redis_away, rates):
    world = build_world(chapter, member)

    events = timed(APIClient().get, "/api/v1/events/")
    home = timed(client.get, "/")
    page = timed(client.get, world.event.get_absolute_url())

    assert events.status_code == 200
    assert [event["id"] for event in events.json()["results"]] == [world.event.pk]
    for response in (home, page):
        assert response.status_code == 200
        assert world.event.title in response.content.decode()


@pytest.mark.parametrize("feed", FEEDS)
def test_each_feed_answers_with_its_calendar_when_redis_is_away(client, chapter, member, redis_away, feed):
    world = build_world(chapter, member)

    first = timed(client.get, world.url(feed))
    again = timed(client.get, world.url(feed))

    for response in (first, again):
        assert (response.status_code, response["Content-Type"]) == (200, CALENDAR)
        assert list(vevents(response.content)) == [world.uid(feed)]
    assert first["ETag"] == again["ETag"]


# Rate-limited writes fail closed


SIGN_IN_FORMS = {
    "sign-in": ("account_login", {"login": "member@example.org", "password": "wrong-password"}),
    "sign-up": (
        "account_signup",
        {"email": "new@example.org", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    ),
    "login-code": ("account_request_login_code", {"email": "member@example.org"}),
    "password-reset": ("account_reset_password", {"email": "member@example.org"}),
}


@pytest.mark.parametrize("form", SIGN_IN_FORMS)
def test_account_forms_show_but_their_posts_answer_503_when_redis_is_away(client, member, redis_away, form, mailoutbox):
    name, data = SIGN_IN_FORMS[form]

    page = timed(client.get, reverse(name))
    response = timed(client.post, reverse(name), data)

    assert page.status_code == 200  # the form itself needs no limit

    assert_unavailable(response)
    assert (response["Content-Type"], response.content.decode()) == ("text/plain; charset=utf-8", UNAVAILABLE)
    assert list(User.objects.values_list("email", flat=True)) == ["member@example.org"]
    assert mailoutbox == []


def test_api_token_request_answers_503_when_redis_is_away(member, redis_away, rates):
    data = {"email": "member@example.org", "password": "wrong-password"}

    response = timed(APIClient().post, "/api/v1/auth/token/", data, format="json")

    assert_unavailable(response)
    assert response.json() == {"detail": "The service is temporarily unavailable. Try again shortly."}


def test_api_signup_answers_503_and_takes_no_place_when_redis_is_away(member, redis_away, rates):
    shift = ShiftFactory()
    api = APIClient()
    api.force_authenticate(member)

    response = timed(api.post, f"/api/v1/shifts/{shift.pk}/signups/")

    assert_unavailable(response)
    assert not Signup.objects.exists()


def test_redis_trouble_is_logged_once_not_per_request(client, chapter, member, settings, redis_caches, caplog):
    world = build_world(chapter, member)
    with silent_redis() as location, caplog.at_level(logging.WARNING, logger="outreach.cache"):
        settings.CACHES = redis_caches(location)
        for feed in FEEDS:
            client.get(world.url(feed))
        client.post(reverse("account_login"), SIGN_IN_FORMS["sign-in"][1])

    assert [record.getMessage() for record in caplog.records if record.name == "outreach.cache"] == [
        "Redis unavailable (TimeoutError): the cache misses and rate-limited requests answer 503 for now."
    ]


# With Redis up


@pytest.fixture
def shared_redis(settings, redis_caches):
    """The real Redis, under a key prefix of this test's own: the suite may share the db (REDIS_URL)."""
    prefix = f"redis-trouble-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {**redis_caches(REDIS_URL)["default"], "KEY_PREFIX": prefix}}
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        yield client, prefix
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def test_settings_give_the_redis_cache_short_timeouts(redis_caches):
    options = redis_caches(REDIS_URL)["default"]["OPTIONS"]

    assert options["socket_connect_timeout"] == options["socket_timeout"] == django_settings.REDIS_TIMEOUT_SECONDS
    assert 0 < django_settings.REDIS_TIMEOUT_SECONDS <= 0.5


def test_with_redis_up_feeds_are_cached_and_limits_counted_in_it(client, chapter, member, settings, shared_redis):
    world = build_world(chapter, member)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon_read": GENEROUS, "token": "2/minute", "signup": GENEROUS},
    }

    feed = client.get(world.url("chapter"))
    sign_in = client.post(reverse("account_login"), SIGN_IN_FORMS["sign-in"][1])
    data = {"email": "member@example.org", "password": "wrong-password"}
    tokens = [APIClient().post("/api/v1/auth/token/", data, format="json").status_code for _ in range(3)]

    assert feed.status_code == 200
    assert sign_in.status_code == 200  # the form again, with its error
    assert tokens == [400, 400, 429]
    client, prefix = shared_redis
    keys = [key.decode().removeprefix(f"{prefix}:1:") for key in client.scan_iter(f"{prefix}:*")]
    assert {key.split(":")[0] for key in keys} >= {"feed", "allauth", "throttle_token_127.0.0.1"}
