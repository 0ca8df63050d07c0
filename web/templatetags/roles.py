"""Template questions about the signed-in user's roles, from outreach.permissions."""

from django import template

from outreach.permissions import managed_chapter_ids

register = template.Library()


@register.filter
def manages_events(user) -> bool:
    """Whether `user` runs any chapter's events (coordinator, lead or staff): the dashboard is theirs."""
    return user.is_authenticated and managed_chapter_ids(user) != []
