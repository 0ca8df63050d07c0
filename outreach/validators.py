"""Readable twins of the organization's database constraints, used by clean(), forms and the API."""

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""C0 and C1 control characters, DEL and lone surrogates: no calendar client or mail reader wants them."""

LINE_BREAKS_AND_TABS = frozenset("\t\n\r")


def _refuse_control_character(value: str, *, allowed: frozenset) -> None:
    for match in CONTROL_CHARACTERS.finditer(value or ""):
        character, position = match.group(), match.start() + 1
        if character in allowed:
            continue
        if character in LINE_BREAKS_AND_TABS:
            message = _("Keep this to one line: remove the line break or tab at position %(position)d.")
        else:
            message = _("Remove the invisible control character U+%(code)04X at position %(position)d.")
        raise ValidationError(
            message % {"code": ord(character), "position": position},
            code="control_character",
        )


def validate_single_line(value: str) -> None:
    """
    One line of text (a title, a name, an address): no control character, tab and line breaks
    included. Word's Shift+Enter (U+000B) in one title made a calendar client reject a whole feed
    (docs/feeds.md, "Text").
    """
    _refuse_control_character(value, allowed=frozenset())


def validate_plain_text(value: str) -> None:
    """Text of several lines (a description, a note): tabs and line breaks, no other control character."""
    _refuse_control_character(value, allowed=LINE_BREAKS_AND_TABS)


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
