"""The site's error pages."""

from django.http import JsonResponse
from django.views import defaults


def page_not_found(request, exception=None):
    """404: JSON in the API's shape under /api/, the site's page everywhere else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
