"""Reads of the organization's data."""

import hashlib
import re

from .models import User

FEED_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_feed_token(token: str) -> User | None:
    """The active user whose personal feed `token` opens, or None for any token that opens nothing."""
    if not FEED_TOKEN_PATTERN.fullmatch(token):
        return None
    return User.objects.filter(feed_token_hash=hash_feed_token(token), is_active=True).first()
