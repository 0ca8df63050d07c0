import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "30"
UNAVAILABLE = "The service is temporarily unavailable. Try again shortly."


class DatabaseUnavailableMiddleware:
    """
    Answer 503 with Retry-After, never a traceback, when the database cannot be reached.

    CONN_HEALTH_CHECKS already replaces a connection that died between requests; this catches
    the database being down or dropping the connection in the middle of one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception.__class__.__name__)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": UNAVAILABLE}, status=503)
        else:
            response = HttpResponse(
                UNAVAILABLE,
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
