"""
Page-shaped reads of events, shifts and signups.

Each selector scopes to what the user may see and bundles the select_related, prefetch_related
and annotations its page needs, so a list costs the same number of queries whatever its length.
"""

import math

from django.db.models import F, FloatField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt

from outreach.permissions import managed_chapter_ids

from .enums import SignupStatus
from .models import Event, Shift, Signup

EARTH_RADIUS_KM = 6371.0088


def shifts_with_counts() -> QuerySet:
    return Shift.objects.with_counts().order_by("starts_at", "pk")


def event_list(*, user) -> QuerySet:
    """Events `user` may see, with chapter, campaign, partners, shifts (with counts) and places left."""
    return (
        Event.objects.visible_to(user)
        .select_related("chapter", "campaign")
        .prefetch_related("partners", Prefetch("shifts", queryset=shifts_with_counts()))
        .with_places()
        .order_by("starts_at", "pk")
    )


def events_near(queryset: QuerySet, *, latitude: float, longitude: float, radius_km: float) -> QuerySet:
    """
    Events within `radius_km` of a point, nearest first, annotated with `distance_km`.

    A bounding box narrows the rows with plain comparisons; the haversine distance (Django
    provides the trigonometric functions on SQLite too) then filters and orders them exactly.
    """
    lat_delta = radius_km / 111.0
    cos_lat = max(math.cos(math.radians(latitude)), 0.01)
    lng_delta = min(radius_km / (111.0 * cos_lat), 180.0)
    box = Q(latitude__gte=latitude - lat_delta, latitude__lte=latitude + lat_delta)
    if longitude - lng_delta >= -180 and longitude + lng_delta <= 180:
        box &= Q(longitude__gte=longitude - lng_delta, longitude__lte=longitude + lng_delta)
    lat = Radians(Cast("latitude", FloatField()))
    lng = Radians(Cast("longitude", FloatField()))
    lat0 = Radians(Value(latitude, output_field=FloatField()))
    lng0 = Radians(Value(longitude, output_field=FloatField()))
    half_chord = Power(Sin((lat - lat0) / 2), 2) + Cos(lat0) * Cos(lat) * Power(Sin((lng - lng0) / 2), 2)
    distance = 2 * EARTH_RADIUS_KM * ASin(Sqrt(half_chord))
    return (
        queryset.filter(box)
        .annotate(distance_km=distance)
        .filter(distance_km__lte=radius_km)
        .order_by(F("distance_km").asc(), "starts_at", "pk")
    )


def confirmed_event_ids(*, user, events) -> set[int]:
    """Ids among `events` for which `user` holds a confirmed place: one query for a whole page."""
    if not user.is_authenticated:
        return set()
    return set(
        Signup.objects.filter(
            user=user, status=SignupStatus.CONFIRMED, shift__event__in=[event.pk for event in events]
        ).values_list("shift__event_id", flat=True)
    )


def roster(*, event: Event) -> QuerySet:
    """Every signup of an event, active ones first, with the volunteer and the shift."""
    return (
        Signup.objects.filter(shift__event=event)
        .select_related("user", "shift")
        .with_waitlist_position()
        .order_by("shift__starts_at", "shift_id", "status", "pk")
    )


def user_signups(*, user) -> QuerySet:
    """A volunteer's own signups with their shift, event and chapter, soonest first."""
    return (
        Signup.objects.filter(user=user)
        .select_related("shift", "shift__event", "shift__event__chapter")
        .with_waitlist_position()
        .order_by("shift__starts_at", "pk")
    )


def signups_visible_to(*, user) -> QuerySet:
    """Signups `user` may read: their own, and every signup of events they manage."""
    managed = managed_chapter_ids(user)
    base = Signup.objects.select_related("shift", "shift__event", "user").with_waitlist_position()
    if managed is None:
        return base
    return base.filter(Q(user=user) | Q(shift__event__chapter_id__in=managed))
