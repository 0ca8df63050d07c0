"""
HTTP for the calendar feeds; events/ical.py makes their bodies.

Each feed first computes its validators (ETag, Last-Modified) from the data in a constant number
of queries. A conditional request that matches answers 304 there; otherwise the body comes from
the cache under a key that includes the ETag, so an unchanged feed is never rendered twice and
app servers sharing Redis share the work. Feed responses set no cookie and never redirect to a
login, and personal feed tokens are kept out of the logs (config.log_filters).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events import selectors
from events.enums import SignupStatus
from events.filters import SITE_FEED_FILTERS, EventFilter
from events.ical import CalendarInfo, Entry, render_calendar, signup_entry
from events.models import Event
from events.permissions import can_see_private_location, can_view_event
from outreach.links import absolute_url
from outreach.models import Campaign, Chapter
from outreach.selectors import user_for_feed_token

FEED_FORMAT_VERSION = "2"
"""Part of every ETag: raise it when the same rows render differently, so no old body is served."""
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _etag(request, validators: dict) -> str:
    parts = [FEED_FORMAT_VERSION, request.path, request.META.get("QUERY_STRING", ""), settings.SITE_URL]
    parts += [str(validators[key]) for key in sorted(validators)]
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


def _last_modified(validators: dict):
    stamps = [value for key, value in validators.items() if key.endswith("updated") and value is not None]
    return max(stamps) if stamps else None


def _feed_response(request, validators: dict, build, *, private: bool = False, filename: str = ""):
    """
    Answer with the feed whose body `build()` returns, or 304 when the client's copy is current.
    `build` is called only on a cache miss.
    """
    etag = _etag(request, validators)
    modified = _last_modified(validators)
    last_modified = int(modified.timestamp()) if modified else None  # HTTP dates have whole seconds
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is None:
        key = f"feed:{hashlib.sha256(etag.encode()).hexdigest()}"
        body = cache.get(key)
        if body is None:
            body = build(modified)
            cache.set(key, body, settings.FEED_CACHE_SECONDS)
        response = HttpResponse(body, content_type=CONTENT_TYPE)
    else:
        response = not_modified
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"{'private' if private else 'public'}, max-age={settings.FEED_MAX_AGE}"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def _public_feed(request, events, info: CalendarInfo, *, header_updated=None, scope=None):
    """A public feed of `events`; `header_updated` is when the chapter or campaign it names last changed."""
    validators = {**selectors.feed_validators(events, **(scope or {})), "header_updated": header_updated}

    def build(stamp):
        entries = [Entry(event) for event in selectors.feed_rows(events)]
        return render_calendar(info, entries, stamp=stamp)

    return _feed_response(request, validators, build)


@require_safe
def chapter_feed(request, slug):
    chapter = get_object_or_404(Chapter, slug=slug, is_active=True)
    events = selectors.public_feed_events(now=timezone.now()).filter(chapter=chapter)
    info = CalendarInfo(
        name=f"{chapter.name} - Outreach",
        description=f"Public events of the {chapter.name} chapter.",
        url=absolute_url(chapter.get_absolute_url()),
        source=absolute_url(request.path),
        timezone=chapter.timezone,
    )
    return _public_feed(request, events, info, header_updated=chapter.updated_at, scope={"chapter": chapter})


@require_safe
def campaign_feed(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    events = selectors.public_feed_events(now=timezone.now()).filter(campaign=campaign)
    info = CalendarInfo(
        name=f"{campaign.name} - Outreach",
        description=campaign.description or f"Events of {campaign.name}, across chapters.",
        url=absolute_url(campaign.get_absolute_url()),
        source=absolute_url(request.path),
        timezone="UTC",
    )
    return _public_feed(request, events, info, header_updated=campaign.updated_at, scope={"campaign": campaign})


@require_safe
def site_feed(request):
    data = {name: request.GET[name] for name in SITE_FEED_FILTERS if name in request.GET}
    for name, value in data.items():
        if not value:
            return _bad_filter(name, _("Give a value, or leave the parameter out."))
    # The site's search and the API filter events with the same EventFilter.
    filterset = EventFilter(data, queryset=selectors.public_feed_events(now=timezone.now()))
    if not filterset.is_valid():
        name, errors = next(iter(filterset.errors.items()))
        return _bad_filter(name, " ".join(errors))
    events = filterset.qs
    info = CalendarInfo(
        name="Outreach - all events",
        description="Public events of every Outreach chapter.",
        url=absolute_url(reverse("home")),
        source=absolute_url(request.get_full_path()),
        timezone="UTC",
    )
    return _public_feed(request, events, info)


def _bad_filter(name: str, message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(f"{name}: {message}", content_type="text/plain; charset=utf-8")


@require_safe
def event_feed(request, pk):
    """One event as a download. Members-only events open to those who may see them (by session)."""
    event = get_object_or_404(Event.objects.listed().select_related("chapter"), pk=pk)
    if not can_view_event(request.user, event):
        raise Http404("No such event.")
    private = can_see_private_location(request.user, event)
    validators = {
        "updated": event.updated_at,
        "chapters_updated": event.chapter.updated_at,
        "private": private,
        "visibility": event.visibility,
    }
    info = CalendarInfo(
        name=event.title,
        description=event.summary or event.title,
        url=absolute_url(event.get_absolute_url()),
        source=absolute_url(request.path),
        timezone=event.timezone,
    )

    def build(stamp):
        return render_calendar(info, [Entry(event, show_private_location=private)], stamp=stamp)

    is_private = private or event.visibility != "public"
    return _feed_response(
        request, validators, build, private=is_private, filename=slugify(event.title) or f"event-{pk}"
    )


def _not_found_unlogged():
    """The one answer for every token that opens nothing; not logged, so no token reaches the logs."""
    response = HttpResponseNotFound("Not found.", content_type="text/plain; charset=utf-8")
    response._has_been_logged = True
    return response


@require_safe
def personal_feed(request, token):
    """The shifts a volunteer holds a place on, one entry each, behind a secret, rotatable token."""
    user = user_for_feed_token(token)
    if user is None:
        return _not_found_unlogged()
    signups = selectors.personal_feed_signups(user=user, now=timezone.now())
    validators = selectors.personal_feed_validators(signups, user=user)

    def build(stamp):
        rows = list(signups.select_related("shift__event__chapter").order_by("shift__starts_at", "pk"))
        confirmed = {signup.shift.event_id for signup in rows if signup.status == SignupStatus.CONFIRMED}
        entries = [_personal_entry(signup, confirmed_event_ids=confirmed) for signup in rows]
        info = CalendarInfo(
            name="My Outreach shifts",
            description="The shifts you signed up for with Outreach.",
            url=absolute_url(reverse("home")),
            source=absolute_url(reverse("feed_personal", kwargs={"token": token})),
            timezone=settings.TIME_ZONE,
        )
        return render_calendar(info, entries, stamp=stamp)

    response = _feed_response(request, validators, build, private=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _personal_entry(signup, *, confirmed_event_ids: set[int]) -> Entry:
    """
    One signup of a personal feed, at its shift's times, with the UID of the confirmation's .ics.
    The private location shows only where the volunteer holds a confirmed place on the event, on
    this shift or another (docs/feeds.md, "Personal feeds").
    """
    return signup_entry(signup, show_private_location=signup.shift.event_id in confirmed_event_ids)
