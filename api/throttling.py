from rest_framework.throttling import AnonRateThrottle


class AnonReadThrottle(AnonRateThrottle):
    """Anonymous reads, per client address (see NUM_PROXIES); signed-in callers are not counted here."""

    scope = "anon_read"
