"""
HTTP for the calendar feeds; events/ical.py makes their bodies (docs/feeds.md, "HTTP").

A poll costs a key lookup: each feed names its scope's version (outreach.FeedVersion, bumped by
the services that raise a SEQUENCE), and the cache holds, under that version, the feed's ETag,
Last-Modified and how long its body holds before an event crosses an edge of the window. Only a
new version or a crossing renders the feed again, once however many requests miss at the same
moment. The ETag is a hash of the body. Only the filters that docs/feeds.md names count: any other
query parameter is ignored and never makes another cache entry. Feed responses set no cookie and
never redirect to a login, and personal feed tokens are kept out of the logs (config.log_filters).
"""

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import cachetools
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
from events.enums import SignupStatus, Visibility
from events.filters import SITE_FEED_FILTERS, EventFilter
from events.ical import CalendarInfo, Entry, render_calendar, revision, signup_entry
from events.models import Event
from events.permissions import can_see_private_location, can_view_event
from outreach.links import absolute_url
from outreach.models import Campaign, Chapter
from outreach.selectors import SITE_FEED_SCOPE, feed_scope, feed_version, user_for_feed_token
from outreach.services import feed_versions_bump

FEED_FORMAT_VERSION = "3"
"""Part of every cache key: raise it when the same rows render differently, so no old body is served."""
CONTENT_TYPE = "text/calendar; charset=utf-8"
RENDER_LOCK_SECONDS = 60
"""How long one request may hold the right to render a feed before another may take it over."""
RENDER_WAIT_SECONDS = 20
"""How long a request waits for another's rendering of the same feed before rendering it itself."""


@dataclass
class Feed:
    """
    A feed as one request resolved it: `identity` (the canonical path and filters, which with the
    scope's `version` name its cache entry), and how to make it.
    """

    identity: str
    version: str
    changed_at: dt.datetime | None
    info: Callable[[], CalendarInfo]
    entries: Callable[[], Iterator[Entry]]
    crossings: Callable[[dt.datetime], dict] | None = None
    private: bool = False
    filename: str = ""


def _meta_key(feed: Feed) -> str:
    parts = [FEED_FORMAT_VERSION, settings.SITE_URL, feed.identity, feed.version]
    return "feed:meta:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def _body_key(etag: str) -> str:
    return f"feed:body:{etag.strip(chr(34))}"


_local_bodies = cachetools.LRUCache(maxsize=max(settings.FEED_LOCAL_CACHE_BYTES, 1), getsizeof=len)
_local_lock = threading.Lock()


def _keep(etag: str, body: bytes) -> None:
    """Keep a body in this process too (its ETag is a hash of it, so it can never be stale)."""
    if len(body) <= settings.FEED_LOCAL_CACHE_BYTES:
        with _local_lock:
            _local_bodies[etag] = body


def _cached_body(etag: str) -> bytes | None:
    with _local_lock:
        body = _local_bodies.get(etag)
    if body is None:
        body = cache.get(_body_key(etag))
        if body is not None:
            _keep(etag, body)
    return body


def _render(feed: Feed, now: dt.datetime) -> tuple[dict, bytes]:
    """The body, and what the cache keeps about it: ETag, Last-Modified and until when it holds."""
    body = render_calendar(feed.info(), feed.entries())
    stamps = [feed.changed_at]
    valid_until = None
    if feed.crossings is not None:
        crossed = feed.crossings(now)
        past = dt.timedelta(days=settings.FEED_PAST_DAYS)
        future = dt.timedelta(days=settings.FEED_FUTURE_DAYS)
        stamps.append(crossed["updated"])
        # An event that left the window's start or entered at its end changed the feed then.
        if crossed["left"] is not None:
            stamps.append(crossed["left"] + past)
        if crossed["last_start"] is not None:
            stamps.append(crossed["last_start"] - future)
        edges = []
        if crossed["first_end"] is not None:
            edges.append(crossed["first_end"] + past)
        if crossed["entering"] is not None:
            edges.append(crossed["entering"] - future)
        valid_until = min(edges).timestamp() if edges else None
    modified = min(max((stamp for stamp in stamps if stamp is not None), default=now), now)
    meta = {
        "etag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        "last_modified": int(modified.timestamp()),  # HTTP dates have whole seconds
        "valid_until": valid_until,
    }
    return meta, body


def _holds(meta: dict | None, now: dt.datetime) -> bool:
    return meta is not None and (meta["valid_until"] is None or now.timestamp() < meta["valid_until"])


def _rendered(feed: Feed, meta_key: str, now: dt.datetime) -> tuple[dict, bytes]:
    """
    Render `feed` and keep it, once: the request that takes the lock renders, the others wait for
    its result (a stampede of misses after a change renders the feed once), and take over if it
    does not come within RENDER_WAIT_SECONDS.
    """
    lock = f"{meta_key}:lock"
    if not cache.add(lock, 1, RENDER_LOCK_SECONDS):
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            meta = cache.get(meta_key)
            if _holds(meta, now):
                body = _cached_body(meta["etag"])
                if body is not None:
                    return meta, body
            if cache.get(lock) is None:
                break
    try:
        meta, body = _render(feed, now)
        cache.set(_body_key(meta["etag"]), body, settings.FEED_CACHE_SECONDS)
        cache.set(meta_key, meta, settings.FEED_CACHE_SECONDS)
        _keep(meta["etag"], body)
    finally:
        cache.delete(lock)
    return meta, body


def _feed_response(request, feed: Feed) -> HttpResponse:
    """Answer with `feed`, or 304 when the client's copy is current, rendering it only if it changed."""
    now = timezone.now()
    meta_key = _meta_key(feed)
    meta = cache.get(meta_key)
    body = None
    if not _holds(meta, now):
        meta, body = _rendered(feed, meta_key, now)
    response = get_conditional_response(request, etag=meta["etag"], last_modified=meta["last_modified"])
    if response is None:
        if body is None:
            body = _cached_body(meta["etag"])
        if body is None:  # evicted on its own
            meta, body = _rendered(feed, meta_key, now)
        response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["ETag"] = meta["etag"]
    response["Last-Modified"] = http_date(meta["last_modified"])
    response["Cache-Control"] = f"{'private' if feed.private else 'public'}, max-age={settings.FEED_MAX_AGE}"
    if feed.filename:
        response["Content-Disposition"] = f'attachment; filename="{feed.filename}.ics"'
    return response


def _version(scope: str) -> tuple[str, dt.datetime]:
    """
    A scope's version (one lookup by primary key: cheaper than joining it to the chapter's, campaign's
    or person's row, whose query is then compiled with two subqueries on every poll) as a cache key
    part, and its change time. The change time is part of it: a
    database restored from a backup counts versions again from an older number, and must not meet
    bodies cached since. A scope that never changed through the services (rows that came before
    feed versions, or from a fixture) gets its first version now, once, so that no two databases
    share a key.
    """
    version, changed_at = feed_version(scope)
    if changed_at is None:
        feed_versions_bump([scope])
        version, changed_at = feed_version(scope)
    return f"{scope}:{version}:{changed_at.timestamp()}", changed_at


def _public_feed(request, *, identity: str, version: str, changed_at, narrow, info) -> HttpResponse:
    """
    A public feed of the events `narrow(queryset)` keeps. Querysets and `info()` are made only when
    the feed is rendered, so a poll answered from the cache builds neither.
    """

    def entries():
        events = selectors.feed_rows(narrow(selectors.public_feed_events(now=timezone.now())))
        for event in events.iterator(chunk_size=2000):
            yield Entry(event, withdrawn=selectors.withdrawn_from_public(event))

    def crossings(now):
        candidates = narrow(selectors.public_feed_candidates())
        return selectors.feed_crossings(candidates, now=now, updated=("updated_at", "chapter__updated_at"))

    feed = Feed(
        identity=identity, version=version, changed_at=changed_at, info=info, entries=entries, crossings=crossings
    )
    return _feed_response(request, feed)


@require_safe
def chapter_feed(request, slug):
    chapter = get_object_or_404(Chapter, slug=slug, is_active=True)
    version, changed_at = _version(feed_scope("chapter", chapter.pk))
    return _public_feed(
        request,
        identity=request.path,
        version=version,
        changed_at=changed_at,
        narrow=lambda events: events.filter(chapter=chapter),
        info=lambda: CalendarInfo(
            name=f"{chapter.name} - Outreach",
            description=f"Public events of the {chapter.name} chapter.",
            url=absolute_url(chapter.get_absolute_url()),
            source=absolute_url(request.path),
            timezone=chapter.timezone,
        ),
    )


@require_safe
def campaign_feed(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    version, changed_at = _version(feed_scope("campaign", campaign.pk))
    return _public_feed(
        request,
        identity=request.path,
        version=version,
        changed_at=changed_at,
        narrow=lambda events: events.filter(campaign=campaign),
        info=lambda: CalendarInfo(
            name=f"{campaign.name} - Outreach",
            description=campaign.description or f"Events of {campaign.name}, across chapters.",
            url=absolute_url(campaign.get_absolute_url()),
            source=absolute_url(request.path),
            timezone="UTC",
        ),
    )


@require_safe
def site_feed(request):
    """Every public event, narrowed by the filters docs/feeds.md names; other parameters are ignored."""
    data = {name: request.GET[name] for name in SITE_FEED_FILTERS if name in request.GET}
    for name, value in data.items():
        if not value:
            return _bad_filter(name, _("Give a value, or leave the parameter out."))
        # A NUL, or bytes that are not UTF-8 (decoded to U+FFFD), name no chapter, strategy or audience;
        # refused here so the answer never echoes them.
        if "\x00" in value or "\ufffd" in value:
            return _bad_filter(name, _("Give text in UTF-8 without null characters."))
    # The site's search and the API filter events with the same EventFilter.
    filterset = EventFilter(data, queryset=Event.objects.none())
    if not filterset.is_valid():
        name, errors = next(iter(filterset.errors.items()))
        return _bad_filter(name, " ".join(errors))
    canonical = request.path + (f"?{urlencode(sorted(data.items()))}" if data else "")
    version, changed_at = _version(SITE_FEED_SCOPE)
    return _public_feed(
        request,
        identity=canonical,
        version=version,
        changed_at=changed_at,
        narrow=lambda events: EventFilter(data, queryset=events).qs,
        info=lambda: CalendarInfo(
            name="Outreach - all events",
            description="Public events of every Outreach chapter.",
            url=absolute_url(reverse("home")),
            source=absolute_url(canonical),
            timezone="UTC",
        ),
    )


def _bad_filter(name: str, message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(f"{name}: {message}", content_type="text/plain; charset=utf-8")


@require_safe
def event_feed(request, pk):
    """One event as a download. Members-only events open to those who may see them (by session)."""
    event = get_object_or_404(Event.objects.listed().select_related("chapter"), pk=pk)
    if not can_view_event(request.user, event):
        raise Http404("No such event.")
    private = can_see_private_location(request.user, event)
    sequence, modified = revision(event)
    feed = Feed(
        identity=request.path,
        # The event's row is the feed's scope: what the reader may see of it is part of the version.
        version=f"{sequence}:{modified.timestamp()}:{private}",
        changed_at=modified,
        info=lambda: CalendarInfo(
            name=event.title,
            description=event.summary or event.title,
            url=absolute_url(event.get_absolute_url()),
            source=absolute_url(request.path),
            timezone=event.timezone,
        ),
        entries=lambda: iter([Entry(event, show_private_location=private)]),
        private=private or event.visibility != Visibility.PUBLIC,
        filename=slugify(event.title) or f"event-{pk}",
    )
    return _feed_response(request, feed)


def _not_found_unlogged():
    """The one answer for every token that opens nothing; not logged, so no token reaches the logs."""
    response = HttpResponseNotFound("Not found.", content_type="text/plain; charset=utf-8")
    response._has_been_logged = True
    return response


@require_safe
def personal_feed(request, token):
    """The shifts a volunteer holds or held a place on, one entry each, behind a secret, rotatable token."""
    user = user_for_feed_token(token)
    if user is None:
        return _not_found_unlogged()
    version, changed_at = _version(feed_scope("user", user.pk))

    def entries():
        rows = list(
            selectors.personal_feed_signups(user=user, now=timezone.now())
            .select_related("shift__event__chapter")
            .order_by("shift__starts_at", "pk")
        )
        confirmed = {signup.shift.event_id for signup in rows if signup.status == SignupStatus.CONFIRMED}
        return (_personal_entry(signup, confirmed_event_ids=confirmed) for signup in rows)

    feed = Feed(
        # The token is part of the body (SOURCE), so it is part of the identity.
        identity=request.path,
        version=version,
        changed_at=changed_at,
        info=lambda: CalendarInfo(
            name="My Outreach shifts",
            description="The shifts you signed up for with Outreach.",
            url=absolute_url(reverse("home")),
            source=absolute_url(reverse("feed_personal", kwargs={"token": token})),
            timezone=settings.TIME_ZONE,
        ),
        entries=entries,
        crossings=lambda now: selectors.feed_crossings(
            selectors.personal_feed_candidates(user=user),
            now=now,
            prefix="shift__event__",
            updated=(
                "updated_at",
                "shift__updated_at",
                "shift__event__updated_at",
                "shift__event__chapter__updated_at",
            ),
        ),
        private=True,
    )
    response = _feed_response(request, feed)
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
