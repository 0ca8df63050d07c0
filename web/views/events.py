"""
The volunteer's pages: find events, an event with its shifts, signing up and cancelling, my signups.

Every write goes through events.services; a refusal (a ValidationError keyed by field) is shown
to the volunteer as a message, and every successful POST redirects (post/redirect/get).

Times are shown in the event's own zone, always with the zone's abbreviation. When a signed-in
visitor's chapter (their first membership) keeps another zone, the event page also shows the
time there: a chapter's zone is the only zone we know a person by without asking them.
"""

import datetime as dt
import re
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from events.enums import Audience, EventFormat, EventStatus, SignupStatus, Strategy
from events.filters import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, MIN_RADIUS_KM, SITE_FEED_FILTERS, EventFilter
from events.models import Event, Signup
from events.permissions import can_manage_event, can_sign_up, whereabouts_for
from events.selectors import confirmed_event_ids, event_list, shifts_with_counts, user_signups
from events.services import signup_cancel, signup_create
from outreach.models import Chapter
from outreach.permissions import chapter_roles
from outreach.validators import validate_single_line

ONLINE_ALONGSIDE = 10  # online events shown beside a search by distance; a link leads to all of them
PAST_SIGNUPS_SHOWN = 50
RADIUS_CHOICES = [(10, "10 km"), (25, "25 km"), (50, "50 km"), (100, "100 km"), (250, "250 km"), (1000, "1000 km")]
MORE_FILTERS = ("chapter", "strategy", "audience", "format", "online", "date_from", "date_to")
POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


# Helpers of these pages (small reads that no other module needs).


def viewer_zone(user) -> str | None:
    """The zone of the signed-in visitor's first chapter, or None."""
    if not user.is_authenticated:
        return None
    return (
        Chapter.objects.filter(memberships__user=user, is_active=True)
        .order_by("memberships__pk")
        .values_list("timezone", flat=True)
        .first()
    )


def safe_next(request, fallback: str) -> str:
    """The `next` form field when it points into this site, otherwise `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def refuse(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def paginate(request, queryset):
    """One page of `queryset`, SITE_PAGE_SIZE long."""
    return Paginator(queryset, settings.SITE_PAGE_SIZE).get_page(request.GET.get("page"))


# Find events


def choices_with_any(choices, any_label):
    return [("", any_label), *choices]


class EventSearchForm(forms.Form):
    """
    The home page's search. Its values are handed to events.filters.EventFilter, so the page and the
    API filter alike; only `place` is the page's own: coordinates, or the city or region of a chapter.
    """

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200, validators=[validate_single_line])
    place = forms.CharField(
        label=gettext_lazy("Near"),
        required=False,
        max_length=100,
        validators=[validate_single_line],
        help_text=gettext_lazy("A city with a chapter, or coordinates such as 41.88,-87.63."),
    )
    # A list of distances, but any within EventFilter's bounds is taken (a link may carry one).
    radius_km = forms.DecimalField(
        label=gettext_lazy("Within"),
        required=False,
        initial=50,
        min_value=MIN_RADIUS_KM,
        max_value=MAX_RADIUS_KM,
        widget=forms.Select(choices=RADIUS_CHOICES),
    )
    chapter = forms.ChoiceField(label=gettext_lazy("Chapter"), required=False)
    strategy = forms.ChoiceField(
        label=gettext_lazy("Strategy"),
        required=False,
        choices=choices_with_any(Strategy.choices, gettext_lazy("Any strategy")),
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Audience"),
        required=False,
        choices=choices_with_any(Audience.choices, gettext_lazy("Any audience")),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=choices_with_any(EventFormat.choices, gettext_lazy("Any format")),
    )
    online = forms.ChoiceField(
        label=gettext_lazy("Online events"),
        required=False,
        choices=[("", gettext_lazy("Include online events")), ("exclude", gettext_lazy("Leave out online events"))],
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, chapters, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.chapters = chapters
        self.fields["chapter"].choices = choices_with_any(
            [(chapter.slug, chapter.name) for chapter in chapters], _("All chapters")
        )
        self.point = None
        self.place_chapter = None
        self.place_name = ""

    def clean_radius_km(self):
        radius = self.cleaned_data["radius_km"]
        if radius is not None and radius not in {value for value, _label in RADIUS_CHOICES}:
            # The list shows the distance searched, not its first choice.
            widget = self.fields["radius_km"].widget
            widget.choices = [*widget.choices, (self.data["radius_km"], f"{radius:f} km")]
        return radius

    def clean_place(self):
        text = self.cleaned_data["place"].strip()
        if not text:
            return ""
        match = POINT.match(text)
        if match:
            latitude, longitude = float(match[1]), float(match[2])
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValidationError(_("Latitude must be within ±90 and longitude within ±180."))
            self.point = (latitude, longitude)
            return text
        wanted = text.casefold()
        for chapter in self.chapters:
            if chapter.latitude is None:
                continue
            for name in (chapter.city, chapter.region):
                if name and name.casefold() == wanted:
                    self.point = (float(chapter.latitude), float(chapter.longitude))
                    self.place_chapter, self.place_name = chapter, name
                    return text
        raise ValidationError(
            _("We do not recognise “%(place)s”. Try a city with a chapter, or coordinates such as 41.88,-87.63.")
            % {"place": text}
        )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    def date_zone(self, visitor_zone) -> zoneinfo.ZoneInfo:
        """Dates are read in the chosen chapter's zone, else the place's, else the visitor's, else UTC."""
        slug = self.cleaned_data.get("chapter")
        chosen = next((chapter for chapter in self.chapters if chapter.slug == slug), None) if slug else None
        chapter = chosen or self.place_chapter
        return zoneinfo.ZoneInfo(chapter.timezone if chapter else visitor_zone() or settings.TIME_ZONE)

    def filter_data(self, *, visitor_zone) -> QueryDict:
        """The search as EventFilter's parameters; `visitor_zone()` is asked only when dates are given."""
        cleaned = self.cleaned_data
        if cleaned.get("date_from") or cleaned.get("date_to"):
            zone = self.date_zone(visitor_zone)
        data = QueryDict(mutable=True)
        for name in ("q", "chapter", "strategy", "audience", "format"):
            if cleaned.get(name):
                data[name] = cleaned[name]
        if cleaned.get("date_from"):
            data["starts_after"] = dt.datetime.combine(cleaned["date_from"], dt.time.min, zone).isoformat()
        if cleaned.get("date_to"):
            day_after = cleaned["date_to"] + dt.timedelta(days=1)
            data["starts_before"] = dt.datetime.combine(day_after, dt.time.min, zone).isoformat()
        if self.point:
            data["near"] = "{},{}".format(*self.point)
            data["radius_km"] = str(cleaned.get("radius_km") or int(DEFAULT_RADIUS_KM))
        return data


# The filters of /feeds/events.ics, a public contract (docs/feeds.md, "The feeds"), and the search's
# other filters by what a visitor calls them: the page says which of those the feed leaves out.
NOT_IN_SITE_FEED = (
    (("q",), gettext_lazy("search words")),
    (("place",), gettext_lazy("distance")),
    (("format", "online"), gettext_lazy("format")),
    (("date_from", "date_to"), gettext_lazy("dates")),
)


def results_feed(form) -> dict:
    """The site feed of a valid search: its links, the filters it carries, and those it leaves out."""
    cleaned = form.cleaned_data if form.is_bound else {}
    query = {name: cleaned[name] for name in SITE_FEED_FILTERS if cleaned.get(name)}
    carried = [
        (form.fields[name].label, dict(form.fields[name].choices).get(value, value)) for name, value in query.items()
    ]
    left_out = [str(label) for names, label in NOT_IN_SITE_FEED if any(cleaned.get(name) for name in names)]
    if len(left_out) > 1:
        left_out = [_("%(some)s or %(last)s") % {"some": ", ".join(left_out[:-1]), "last": left_out[-1]}]
    return {"query": query, "carried": carried, "left_out": "".join(left_out)}


def home(request):
    chapters = list(
        Chapter.objects.filter(is_active=True).only(
            "slug", "name", "timezone", "city", "region", "latitude", "longitude"
        )
    )
    data = request.GET.copy() or None
    if data is not None and "radius_km" not in data:
        # A search from a link (the error pages' search, a shared address) shows the default distance,
        # not the first choice of the list.
        data["radius_km"] = str(EventSearchForm.base_fields["radius_km"].initial)
    form = EventSearchForm(data, chapters=chapters)
    now = timezone.now()
    base = event_list(user=request.user).listed().upcoming(now)
    online_events, near = [], False
    if form.is_bound and not form.is_valid():
        events = base.none()
    elif form.is_bound:
        data = form.filter_data(visitor_zone=lambda: viewer_zone(request.user))
        events = EventFilter(data, queryset=base).qs
        near = "near" in data
        leave_out_online = form.cleaned_data.get("online") == "exclude"
        if near and not leave_out_online:
            data.pop("near"), data.pop("radius_km")
            online_events = list(
                EventFilter(data, queryset=base).qs.filter(
                    format__in=EventFormat.with_online_link(), latitude__isnull=True
                )[:ONLINE_ALONGSIDE]
            )
        elif leave_out_online:
            events = events.exclude(format=EventFormat.ONLINE)
    else:
        events = base
    page = paginate(request, events)
    page_events = list(page.object_list)
    context = {
        "form": form,
        "page": page,
        "events": page_events,
        "online_events": online_events,
        "near": near,
        "place_name": form.place_name,
        "searched": form.is_bound,
        "more_filters_open": any(form.data.get(name) for name in MORE_FILTERS)
        or any(name in form.errors for name in MORE_FILTERS),
        "confirmed_ids": confirmed_event_ids(user=request.user, events=page_events + online_events),
        "results_feed": None if form.errors else results_feed(form),
        "sees_members_only": bool(chapter_roles(request.user)) or request.user.is_staff,
    }
    return render(request, "web/home.html", context)


# One event


def visible_event(request, pk):
    return get_object_or_404(Event.objects.visible_to(request.user).select_related("chapter", "campaign"), pk=pk)


def signups_open(event, now) -> bool:
    return event.status == EventStatus.PUBLISHED and not event.has_ended(now)


def event_detail(request, pk):
    event = visible_event(request, pk)
    now = timezone.now()
    shifts = list(shifts_with_counts().filter(event=event))
    held = {}
    if request.user.is_authenticated:
        held = {
            signup.shift_id: signup
            for signup in Signup.objects.active().filter(user=request.user, shift__event=event).with_waitlist_position()
        }
    open_ = signups_open(event, now)
    for shift in shifts:
        shift.held = held.get(shift.pk)
        shift.has_ended = shift.ends_at <= now
        shift.is_open = open_ and not shift.has_ended and not shift.is_cancelled
    confirmed = {event.pk} if any(s.status == SignupStatus.CONFIRMED for s in held.values()) else set()
    zone = viewer_zone(request.user)
    context = {
        "event": event,
        "shifts": shifts,
        "partners": event.partners.all(),
        "audiences": [Audience(value).label for value in event.audiences if value in Audience.values],
        "can_manage": can_manage_event(request.user, event),
        "where": whereabouts_for(request.user, event, confirmed_event_ids=confirmed),
        "signups_open": open_,
        "may_sign_up": not request.user.is_authenticated or can_sign_up(request.user, event),
        "viewer_zone": zone if zone and zone != event.timezone else None,
        "has_ended": event.has_ended(now),
    }
    return render(request, "web/event_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def shift_signup(request, pk, shift_id):
    """
    Sign the visitor up for one shift. A GET (where the sign-in page sends a visitor back to)
    only shows the one button that confirms; signing up takes a POST.
    """
    event = visible_event(request, pk)
    shift = get_object_or_404(shifts_with_counts().filter(event=event), pk=shift_id)
    if request.method == "POST":
        try:
            signup = signup_create(user=request.user, shift=shift)
        except ValidationError as exc:
            refuse(request, exc)
        else:
            if signup.status == SignupStatus.CONFIRMED:
                messages.success(
                    request,
                    _("You are signed up for “%(shift)s” at %(event)s. See you there!")
                    % {"shift": shift.name, "event": event.title},
                )
            else:
                messages.success(
                    request,
                    _(
                        "“%(shift)s” is full, so you are number %(position)d on the waitlist. "
                        "You will be confirmed automatically if a place opens up."
                    )
                    % {"shift": shift.name, "position": signup.waitlist_position},
                )
        return redirect(event)
    held = Signup.objects.active().filter(user=request.user, shift=shift).with_waitlist_position().first()
    context = {
        "event": event,
        "shift": shift,
        "held": held,
        "signups_open": signups_open(event, timezone.now()) and shift.ends_at > timezone.now(),
    }
    return render(request, "web/signup_confirm.html", context)


def signup_state(signup, now) -> str:
    """
    What can still be done with one's own signup: "active" (cancel it), or why nothing can:
    "cancelled" (it is), "event_cancelled" (its event is), "ended" (its shift is over).
    """
    if not signup.is_active:
        return "cancelled"
    if signup.shift.event.is_cancelled:
        return "event_cancelled"
    if signup.shift.ends_at <= now:
        return "ended"
    return "active"


@login_required
@require_http_methods(["GET", "POST"])
def signup_cancel_view(request, pk):
    """
    Cancel one's own place or leave a waitlist. The GET (the "Cancel my place" buttons lead here) names
    what will happen, and only the POST of its button does it. Another person's signup is 404.
    """
    signup = get_object_or_404(
        Signup.objects.select_related("shift__event__chapter").with_waitlist_position(), pk=pk, user=request.user
    )
    event = signup.shift.event
    back = safe_next(request, reverse("my_signups"))
    state = signup_state(signup, timezone.now())
    if request.method == "POST":
        was_waitlisted = signup.status == SignupStatus.WAITLISTED
        try:
            signup_cancel(signup=signup)
        except ValidationError as exc:
            refuse(request, exc)
        else:
            message = (
                _("You left the waitlist for “%(shift)s” at %(event)s.")
                if was_waitlisted
                else _("Your place on “%(shift)s” at %(event)s is cancelled. Thank you for letting us know.")
            )
            messages.success(request, message % {"shift": signup.shift.name, "event": event.title})
        return redirect(back)
    context = {
        "signup": signup,
        "event": event,
        "shift": signup.shift,
        "state": state,
        "next": safe_next(request, ""),
        "back": back,
    }
    return render(request, "web/signup_cancel_confirm.html", context)


# The volunteer's own signups


@login_required
def my_signups(request):
    now = timezone.now()
    mine = user_signups(user=request.user)
    upcoming = list(mine.filter(status__in=SignupStatus.active(), shift__ends_at__gt=now))
    past = list(
        mine.filter(status=SignupStatus.CONFIRMED, shift__ends_at__lte=now).order_by("-shift__starts_at", "-pk")[
            :PAST_SIGNUPS_SHOWN
        ]
    )
    context = {
        "upcoming": upcoming,
        "past": past,
        "has_feed": bool(request.user.feed_token_hash),
    }
    return render(request, "web/my_signups.html", context)
