"""
Throttles keyed on the real client address.

DRF's get_ident reads the client from X-Forwarded-For only as far as NUM_PROXIES trusted proxies
reach from the right, so a client-supplied header cannot buy a fresh bucket. Counters live in the
default cache: Redis when REDIS_URL is set, shared by every app server.
"""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle


class LiveRatesMixin:
    """Read the rate when asked: DRF copies the rates once at import, so later changes would be ignored."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonReadThrottle(LiveRatesMixin, AnonRateThrottle):
    """Anonymous reads, per client address; writes have scopes of their own, signed-in callers none here."""

    scope = "anon_read"

    def allow_request(self, request, view):
        if request.method not in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class ScopedThrottle(LiveRatesMixin, ScopedRateThrottle):
    """Per-view scopes such as `token` (per client address) and `signup` (per user)."""
