"""Links that put Outreach's feeds and events into people's calendars (docs/feeds.md, "Pages")."""

import datetime as dt
from urllib.parse import urlencode, urlsplit

from django import template
from django.urls import reverse

from outreach.links import absolute_url

register = template.Library()

GOOGLE = "https://calendar.google.com/calendar/render"


def feed_links(https_url: str) -> dict:
    """Subscribe (webcal:// on the same host and path), the https URL to copy, and Google's cid link."""
    parts = urlsplit(https_url)
    return {
        "https_url": https_url,
        "webcal_url": parts._replace(scheme="webcal").geturl(),
        "google_url": f"{GOOGLE}?{urlencode({'cid': https_url})}",
    }


@register.inclusion_tag("feeds/_feed_links.html")
def subscribe_links(route: str, *args, label: str = ""):
    """`{% subscribe_links "feed_chapter" chapter.slug %}`: the links for one of the feed routes."""
    return {**feed_links(absolute_url(reverse(route, args=args))), "label": label}


@register.inclusion_tag("feeds/_event_calendar_links.html")
def event_calendar_links(event):
    """Download one event's .ics, or add it to Google Calendar as a one-off."""
    utc = "%Y%m%dT%H%M%SZ"
    google = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{event.starts_at.astimezone(dt.UTC):{utc}}/{event.ends_at.astimezone(dt.UTC):{utc}}",
        "ctz": event.timezone,
        "details": f"{event.summary}\n\n{absolute_url(event.get_absolute_url())}".strip(),
        "location": event.venue,
    }
    return {
        "download_url": reverse("feed_event", args=[event.pk]),
        "google_url": f"{GOOGLE}?{urlencode(google)}",
    }
