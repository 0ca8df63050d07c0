"""Links that leave the site: in emails, calendar feeds, API answers and copied addresses."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """
    `path` on the site's public address, SITE_URL: the one way to make an absolute link, so every
    email, feed and API answer names the same host, whatever Host header a request came with.
    """
    return f"{settings.SITE_URL}{path}"
