"""Links that put Outreach's feeds and events into people's calendars (docs/feeds.md, "Pages")."""

import datetime as dt
from urllib.parse import quote, urlencode, urlsplit

from django import template
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from events.ical import all_day_dates
from events.permissions import whereabouts_for
from outreach.links import absolute_url

register = template.Library()

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_COM = "https://outlook.live.com/calendar/0/deeplink/compose"
OFFICE_365 = "https://outlook.office.com/calendar/0/deeplink/compose"
UTC_BASIC = "%Y%m%dT%H%M%SZ"
UTC_ISO = "%Y-%m-%dT%H:%M:%SZ"


def feed_links(https_url: str) -> dict:
    """Subscribe (webcal:// on the same host and path), the https URL to copy, and Google's cid link."""
    parts = urlsplit(https_url)
    return {
        "https_url": https_url,
        "webcal_url": parts._replace(scheme="webcal").geturl(),
        "google_url": f"{GOOGLE}?{urlencode({'cid': https_url})}",
    }


@register.inclusion_tag("feeds/_feed_links.html")
def subscribe_links(route: str, *args, label: str = "", query: dict | None = None):
    """
    `{% subscribe_links "feed_chapter" chapter.slug %}`: the links for one of the feed routes;
    `query=` adds its filters (`{% subscribe_links "feed_site" query=filters %}`).
    """
    path = reverse(route, args=args) + (f"?{urlencode(query)}" if query else "")
    return {**feed_links(absolute_url(path)), "label": label}


@register.inclusion_tag("feeds/_event_calendar_links.html", takes_context=True)
def event_calendar_links(context, event, where=None):
    """
    `{% event_calendar_links event where %}`: download one event's .ics, or add it as a one-off to
    Google Calendar, Outlook.com or Office 365. `where` is the reader's Whereabouts (the page's,
    from events.permissions.whereabouts_for); without it, it is asked for the request's user. The
    links carry the address only when that reader may see it.
    """
    if where is None:
        request = context.get("request")
        user = request.user if request is not None else AnonymousUser()
        where = whereabouts_for(user, event)
    return {
        "download_url": reverse("feed_event", args=[event.pk]),
        "google_url": google_event_url(event, where),
        "outlook_url": outlook_event_url(event, where, host=OUTLOOK_COM),
        "office_url": outlook_event_url(event, where, host=OFFICE_365),
    }


def _details(event, where) -> str:
    """The summary, the online link (if `where` shows it) and the event page, in paragraphs."""
    paragraphs = [event.summary, f"Online: {where.online_url}" if where.online_url else ""]
    paragraphs.append(absolute_url(event.get_absolute_url()))
    return "\n\n".join(part.strip() for part in paragraphs if part.strip())


def google_event_url(event, where) -> str:
    """Google Calendar's "add event" form filled in; `dates` is UTC, or whole days for an all-day event."""
    if event.all_day:
        first, after_last = all_day_dates(event)
        dates = f"{first:%Y%m%d}/{after_last:%Y%m%d}"
    else:
        dates = f"{event.starts_at.astimezone(dt.UTC):{UTC_BASIC}}/{event.ends_at.astimezone(dt.UTC):{UTC_BASIC}}"
    query = {
        "action": "TEMPLATE",
        "text": _one_line(event.title),
        "dates": dates,
        "ctz": event.timezone,
        "details": _details(event, where),
        "location": where.line,
    }
    return f"{GOOGLE}?{urlencode(query)}"


def outlook_event_url(event, where, *, host: str) -> str:
    """
    Outlook on the web's compose deeplink filled in: `startdt` and `enddt` in ISO 8601 UTC, or dates
    with `allday=true`. Spaces as %20: Outlook shows a `+` as it is.
    """
    query = {"path": "/calendar/action/compose", "rru": "addevent", "subject": _one_line(event.title)}
    if event.all_day:
        first, after_last = all_day_dates(event)
        query.update(startdt=first.isoformat(), enddt=after_last.isoformat(), allday="true")
    else:
        query.update(
            startdt=f"{event.starts_at.astimezone(dt.UTC):{UTC_ISO}}",
            enddt=f"{event.ends_at.astimezone(dt.UTC):{UTC_ISO}}",
        )
    query.update(body=_details(event, where), location=where.line)
    return f"{host}?{urlencode(query, quote_via=quote, safe='/:')}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
