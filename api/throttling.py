"""
Throttles keyed on the real client address.

DRF's get_ident reads the client from X-Forwarded-For only as far as NUM_PROXIES trusted proxies
reach from the right, so a client-supplied header cannot buy a fresh bucket. Counters live in the
default cache: Redis when REDIS_URL is set, shared by every app server. While Redis is away
(outreach.cache) a read goes on uncounted and a write is refused with 503 and Retry-After: a limit on
writes such as token requests must not vanish with its store.
"""

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from outreach.cache import RETRY_AFTER_SECONDS, RateLimitsUnavailable


class LimitsUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable. Try again shortly."
    default_code = "unavailable"
    wait = RETRY_AFTER_SECONDS  # DRF's handler sends it as Retry-After


class LiveRatesMixin:
    """
    Read the rate when asked: DRF copies the rates once at import, so later changes would be ignored.
    And with the counters' store away, let reads through and refuse writes.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except RateLimitsUnavailable:
            if request.method in SAFE_METHODS:
                return True
            raise LimitsUnavailable from None


class AnonReadThrottle(LiveRatesMixin, AnonRateThrottle):
    """Anonymous reads, per client address; writes have scopes of their own, signed-in callers none here."""

    scope = "anon_read"

    def allow_request(self, request, view):
        if request.method not in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class ScopedThrottle(LiveRatesMixin, ScopedRateThrottle):
    """Per-view scopes such as `token` (per client address) and `signup` (per user)."""
