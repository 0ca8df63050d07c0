"""
The cache backend for Redis: Redis is a cache and a rate-limit store, and its trouble is never an
outage (README, "When Redis is away").

Django's RedisCache with what each path does when Redis refuses connections or does not answer
within the socket timeouts of its OPTIONS: a read misses, a write does nothing and `add` succeeds
(a feed renders, uncached, and its render lock never blocks), so pages, feeds and API reads go on.
A key under one of FAIL_CLOSED_PREFIXES belongs to a rate limit, which must not silently vanish:
reaching for it raises RateLimitsUnavailable, a 503 with Retry-After (allauth's middleware answers
with it for sign-in, sign-up and codes; api.throttling turns it into the API's JSON). After a
failure Redis is left alone for RETRY_SECONDS, so a request that needs several keys pays one
timeout, not one per key; a warning is logged at most once a minute. It lives in outreach, the
lowest data app, because every interface app reaches the cache and api.throttling imports it.
"""

import logging
import time

import redis
from allauth.core.exceptions import ImmediateHttpResponse
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
"""What a client is told to wait when a rate limit cannot be consulted."""
WARNING_INTERVAL_SECONDS = 60
UNAVAILABLE = "This is briefly unavailable. Try again shortly."
FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

# Per process, by server: each thread has a cache instance of its own, and all should know.
_down_until: dict[str, float] = {}
_warned_at: dict[str, float] = {}


class RateLimitsUnavailable(ImmediateHttpResponse):
    """A rate limit's key cannot be read or written: refuse the limited request with a 503."""

    def __init__(self):
        response = HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        super().__init__(response)


class ResilientRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are dropped while Redis is away, rate limits excepted."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self._retry_seconds = options.pop("RETRY_SECONDS", 5)
        self._fail_closed = tuple(options.pop("FAIL_CLOSED_PREFIXES", ()))
        super().__init__(server, {**params, "OPTIONS": options})
        self._server = ",".join(self._servers)

    def _guarded(self, keys, fallback, method, *args):
        """RedisCache's `method`, or `fallback` while Redis is away; for a rate limit's key, a 503 instead."""
        if time.monotonic() >= _down_until.get(self._server, 0):
            try:
                return method(self, *args)
            except FAILURES as error:
                self._went_away(error)
        if self._fail_closed and any(str(key).startswith(self._fail_closed) for key in keys):
            raise RateLimitsUnavailable
        return fallback

    def _went_away(self, error):
        now = time.monotonic()
        _down_until[self._server] = now + self._retry_seconds
        if now - _warned_at.get(self._server, float("-inf")) >= WARNING_INTERVAL_SECONDS:
            _warned_at[self._server] = now
            logger.warning(
                "Redis unavailable (%s): the cache misses and rate-limited requests answer 503 for now.",
                error.__class__.__name__,
            )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded([key], True, RedisCache.add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded([key], default, RedisCache.get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded([key], None, RedisCache.set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded([key], False, RedisCache.touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded([key], False, RedisCache.delete, key, version)

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._guarded(keys, {}, RedisCache.get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded([key], False, RedisCache.has_key, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._guarded([key], None, RedisCache.incr, key, delta, version)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")  # what incr says of a key the cache does not hold
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), list(data), RedisCache.set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._guarded(keys, None, RedisCache.delete_many, keys, version)

    def clear(self):
        return self._guarded([], False, RedisCache.clear)
