"""Turn domain and database failures into the API's error shapes; never a traceback."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from events.services import SignupConflict

from .parsers import PayloadTooLarge


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def exception_handler(exc, context):
    """
    DRF's handler, plus: a domain ValidationError answers 400 as {"field": ["message"]}, a
    SignupConflict 409 in the same shape. A database that cannot be reached is left to
    config.middleware.DatabaseUnavailableMiddleware, which answers 503 for the API and the site alike.
    """
    if isinstance(exc, RequestDataTooBig):
        # Django refuses the body before any parser runs; answer as the parser would have.
        exc = PayloadTooLarge(f"The request body may be at most {settings.API_MAX_BODY_BYTES} bytes.")
    if isinstance(exc, SignupConflict):
        return Response(as_serializer_error(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(as_serializer_error(exc), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
