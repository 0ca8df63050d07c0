"""
Throttles keyed on the real client address.

DRF's get_ident reads the client from X-Forwarded-For only as far as NUM_PROXIES trusted proxies
reach from the right, so a client-supplied header cannot buy a fresh bucket. Counters live in the
default cache: Redis when REDIS_URL is set, shared by every app server.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle


class LiveRatesMixin:
    """Read the rate when asked: DRF copies the rates once at import, so later changes would be ignored."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonReadThrottle(LiveRatesMixin, AnonRateThrottle):
    """Anonymous requests, per client address; signed-in callers are not counted here."""

    scope = "anon_read"


class ScopedThrottle(LiveRatesMixin, ScopedRateThrottle):
    """Per-view scopes such as `token` (per client address) and `signup` (per user)."""
