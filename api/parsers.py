"""
A JSON parser that refuses what stock DRF lets through as a 500: deep nesting, huge bodies, and
lone surrogates, which JSON can spell ("\\ud800") but UTF-8 cannot carry back in an answer.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.parsers import JSONParser

from outreach.validators import validate_single_line

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class PayloadTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def _depth(value, limit: int) -> int:
    """Nesting depth of parsed JSON, walked without recursion and stopping past `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


def _strings(value):
    """Every key and string in parsed JSON, walked without recursion (the depth is already bounded)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _surrogate_error(text: str) -> str:
    """The text validators' own refusal of the first lone surrogate in `text`, at its position."""
    match = LONE_SURROGATE.search(text)
    try:
        # Blanked up to the surrogate, so the message names it and not an earlier control character.
        validate_single_line(" " * match.start() + match.group())
    except DjangoValidationError as error:
        return error.messages[0]
    raise AssertionError("validate_single_line accepted a lone surrogate")  # pragma: no cover


def _refuse_lone_surrogates(data) -> None:
    """
    400 naming the top-level field whose value (or key) holds a lone surrogate. A field's own
    refusal would echo the value in its message ("… is not a valid choice"), and the answer could
    then not be encoded; no field of the API takes one, so none gets that far.
    """
    fields = data.items() if isinstance(data, dict) else [("non_field_errors", data)]
    for name, value in fields:
        for text in _strings([value, name]):  # the name first: a stack pops the last
            if LONE_SURROGATE.search(text):
                field = name.encode("utf-8", "backslashreplace").decode()
                raise ValidationError({field: [_surrogate_error(text)]})


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if length and length.isdigit() and int(length) > settings.API_MAX_BODY_BYTES:
            raise PayloadTooLarge(f"The request body may be at most {settings.API_MAX_BODY_BYTES} bytes.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        if _depth(data, settings.API_MAX_JSON_DEPTH) > settings.API_MAX_JSON_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {settings.API_MAX_JSON_DEPTH} levels.")
        _refuse_lone_surrogates(data)
        return data
