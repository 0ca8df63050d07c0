"""Filters of the event list: every bad value answers 400 naming the parameter."""

from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from events.enums import Audience, EventFormat, Strategy
from events.models import Event
from events.selectors import events_near
from outreach.validators import validate_single_line

SITE_FEED_FILTERS = ("chapter", "strategy", "audience")
"""The filters of /feeds/events.ics (docs/product.md); the find page offers a feed of its results by them."""

MIN_RADIUS_KM = Decimal("0.1")  # a Decimal, as the field reads it: the float 0.1 is a little more
MAX_RADIUS_KM = 1000.0
DEFAULT_RADIUS_KM = 50.0


class NearField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            latitude, longitude = (float(part) for part in value.split(","))
        except ValueError:
            raise ValidationError(_("Give a point as <latitude>,<longitude>, e.g. 41.88,-87.63.")) from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationError(_("Latitude must be within ±90 and longitude within ±180."))
        return latitude, longitude


class AwareIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 datetime that must carry its offset, as everywhere in the API."""

    def to_python(self, value):
        # Checked before Django attaches the current time zone to a naive value.
        if isinstance(value, str) and value.strip():
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                raise ValidationError(_("Give the time with its UTC offset, e.g. 2026-03-01T18:00:00-05:00."))
        return super().to_python(value)


class AwareIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = AwareIsoDateTimeField


@extend_schema_field(OpenApiTypes.STR)
class NearFilter(django_filters.Filter):
    field_class = NearField


class EventFilter(django_filters.FilterSet):
    chapter = django_filters.CharFilter(field_name="chapter__slug", max_length=80)
    campaign = django_filters.CharFilter(field_name="campaign__slug", max_length=80)
    strategy = django_filters.ChoiceFilter(choices=Strategy.choices)
    audience = django_filters.ChoiceFilter(choices=Audience.choices, method="filter_audience")
    format = django_filters.ChoiceFilter(choices=EventFormat.choices)
    starts_after = AwareIsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = AwareIsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=200,
        validators=[validate_single_line],
        label=_("Text in title or description"),
    )
    near = NearFilter(method="filter_near", label=_("Point as <latitude>,<longitude>; nearest first"))
    radius_km = django_filters.NumberFilter(
        method="filter_noop", min_value=MIN_RADIUS_KM, max_value=MAX_RADIUS_KM, label=_("Radius around `near`, km")
    )

    class Meta:
        model = Event
        fields = []

    def filter_audience(self, queryset, name, value):
        # Audiences are validated names, so the quoted name matches one list element exactly.
        return queryset.filter(audiences__icontains=f'"{value}"')

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(summary__icontains=value) | Q(description__icontains=value)
        )

    def filter_near(self, queryset, name, value):
        latitude, longitude = value
        radius = self.form.cleaned_data.get("radius_km") or DEFAULT_RADIUS_KM
        return events_near(queryset, latitude=latitude, longitude=longitude, radius_km=float(radius))

    def filter_noop(self, queryset, name, value):
        return queryset
