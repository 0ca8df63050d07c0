"""The site's URLs plus views that fail on purpose, for the error pages' tests (ROOT_URLCONF in those tests)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fails_with(exception):
    def view(request):
        raise exception

    return view


urlpatterns = [
    path("test-errors/400/", fails_with(SuspiciousOperation("a request that makes no sense"))),
    path("test-errors/403/", fails_with(PermissionDenied("secret detail"))),
    path("test-errors/500/", fails_with(RuntimeError("boom"))),
    path("api/v1/test-errors/500/", fails_with(RuntimeError("boom"))),
    *urlpatterns,
]
