"""
Token requests, signups and anonymous reads are throttled with 429 and Retry-After, keyed on the
real client: the address NUM_PROXIES trusted proxies reached us from, or the signed-in user. The
buckets live in the cache, so app servers sharing Redis share them.
"""

import datetime as dt
import os

import pytest
import redis

from tests.api.app_servers import app_server, get
from tests.factories import EventFactory, ShiftFactory

REDIS_URL = os.environ.get("THROTTLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")  # a db of its own, flushed
PROXY = "10.0.0.1"
GENEROUS = "100000/minute"


@pytest.fixture
def rates(settings):
    """rates(num_proxies=..., anon_read=..., ...) -> sets the live rates for this test (read at call time)."""

    def set_rates(*, num_proxies=0, anon_read=GENEROUS, token=GENEROUS, signup=GENEROUS):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon_read": anon_read, "token": token, "signup": signup},
            "NUM_PROXIES": num_proxies,
        }

    return set_rates


def anonymous_read(api, **meta):
    return api.get("/api/v1/events/", **meta)


def token_request(api, **meta):
    return api.post("/api/v1/auth/token/", {"email": "nobody@example.org", "password": "wrong"}, format="json", **meta)


THROTTLED = [
    pytest.param(anonymous_read, "anon_read", 200, id="anonymous-read"),
    pytest.param(token_request, "token", 400, id="token"),
]


def assert_throttled(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json() == {
        "detail": f"Request was throttled. Expected available in {response['Retry-After']} seconds."
    }


@pytest.mark.parametrize(("request_", "scope", "allowed"), THROTTLED)
def test_throttled_after_the_rate_with_retry_after(api, db, rates, request_, scope, allowed):
    rates(**{scope: "2/minute"})

    answers = [request_(api, REMOTE_ADDR="198.51.100.1").status_code for _ in range(2)]
    third = request_(api, REMOTE_ADDR="198.51.100.1")

    assert answers == [allowed, allowed]
    assert_throttled(third)


@pytest.mark.parametrize(("request_", "scope", "allowed"), THROTTLED)
def test_behind_one_proxy_a_forwarded_for_prefix_buys_no_fresh_bucket(api, db, rates, request_, scope, allowed):
    rates(num_proxies=1, **{scope: "2/minute"})

    # The client writes whatever it likes first; the proxy appends the address it saw.
    spoofed = [
        request_(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7").status_code for n in range(2)
    ]
    third = request_(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")
    other_client = request_(api, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.8")

    assert spoofed == [allowed, allowed]
    assert_throttled(third)
    assert other_client.status_code == allowed


@pytest.mark.parametrize(("request_", "scope", "allowed"), THROTTLED)
def test_without_proxies_forwarded_for_is_ignored(api, db, rates, request_, scope, allowed):
    rates(num_proxies=0, **{scope: "2/minute"})

    spoofed = [
        request_(api, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(2)
    ]
    third = request_(api, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="192.0.2.99")
    other_address = request_(api, REMOTE_ADDR="198.51.100.2", HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert spoofed == [allowed, allowed]
    assert_throttled(third)
    assert other_address.status_code == allowed


def test_signups_are_throttled_per_volunteer_wherever_they_come_from(as_user, rates, chapter, outsider, member):
    rates(num_proxies=1, signup="2/minute")
    start = dt.datetime(2027, 6, 1, 18, tzinfo=dt.UTC)
    shifts = [
        ShiftFactory(
            event=EventFactory(
                chapter=chapter, starts_at=start + dt.timedelta(days=n), ends_at=start + dt.timedelta(days=n, hours=2)
            )
        )
        for n in range(3)
    ]
    volunteer, other = as_user(outsider), as_user(member)

    first, second = (
        volunteer.post(f"/api/v1/shifts/{shift.pk}/signups/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        for n, shift in enumerate(shifts[:2])
    )
    third = volunteer.post(
        f"/api/v1/shifts/{shifts[2].pk}/signups/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    someone_else = other.post(f"/api/v1/shifts/{shifts[2].pk}/signups/", REMOTE_ADDR=PROXY)

    assert (first.status_code, second.status_code) == (201, 201)
    assert_throttled(third)
    assert someone_else.status_code == 201
    assert shifts[2].signups.get().user == member


# Two app servers, one Redis: the buckets are shared.


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


def test_app_servers_share_throttle_buckets_through_redis(transactional_db, shared_redis, tmp_path, chapter):
    EventFactory(chapter=chapter)
    environ = {"REDIS_URL": shared_redis, "THROTTLE_ANON_READ": "3/minute", "NUM_PROXIES": "0"}

    with app_server(tmp_path, **environ) as first, app_server(tmp_path, **environ) as second:
        answers = [get(f"{server}/api/v1/events/") for server in (first, second, first, second)]

    assert [status for status, _ in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1][1]) <= 60
