"""Reads of the organization's data."""

import hashlib
import re

from .models import FeedVersion, User

SITE_FEED_SCOPE = "site"

FEED_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_feed_token(token: str) -> User | None:
    """
    The active user whose personal feed `token` opens, or None for any token that opens nothing.
    """
    if not FEED_TOKEN_PATTERN.fullmatch(token):
        return None
    return User.objects.filter(feed_token_hash=hash_feed_token(token), is_active=True).first()


def feed_scope(kind: str, pk: int) -> str:
    """The FeedVersion scope of a chapter's, a campaign's or a person's feed: "chapter:3", "user:12"."""
    return f"{kind}:{pk}"


def feed_version(scope: str) -> tuple[int, object]:
    """(version, changed_at) of the feeds of `scope`; (0, None) for a scope that never changed."""
    row = FeedVersion.objects.filter(scope=scope).values_list("version", "changed_at").first()
    return row or (0, None)
