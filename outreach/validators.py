"""Readable twins of the organization's database constraints, used by clean(), forms and the API."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_timezone(value: str) -> None:
    """An IANA zone name such as "Europe/Berlin"; abbreviations and offsets are ambiguous."""
    if not value or value != value.strip() or "\x00" in value:
        raise ValidationError(_("Enter an IANA time zone such as Europe/Berlin."), code="invalid_timezone")
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone; use a name such as Europe/Berlin."),
            code="invalid_timezone",
            params={"value": value},
        ) from None


def validate_campaign_dates(starts_on, ends_on) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign must end on or after the day it starts.")})


def validate_latitude_longitude(latitude, longitude) -> None:
    """Coordinates come as a pair: a place with one of the two is no place at all."""
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        raise ValidationError({missing: _("Give both latitude and longitude, or neither.")})
