"""
The site's error pages: each in the site's layout with a way back and help; JSON in the API's
shape under /api/ (docs/product.md, "Errors") and plain text under /feeds/.

A 404 never says whether something exists (docs/product.md, "Not found, not forbidden"): a members-
only event, a draft and a missing id get the same page, which tells a signed-out visitor that some
events show only after signing in. The 500 page is templates/500.html, plain HTML that needs no
database, no request and no template context, since any of them may be what failed. A form that
fails the CSRF check gets templates/403_csrf.html from Django's own view (the API's views do their
own CSRF checks and answer JSON).
"""

from urllib.parse import quote

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

API_PREFIX = "/api/"
FEEDS_PREFIX = "/feeds/"
API_DETAILS = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "A server error occurred.",
}


def _not_a_page(request, status: int) -> HttpResponse | None:
    """
    JSON under /api/. Under /feeds/ plain text: calendar apps read no page, and one with the site's
    header would set the CSRF cookie of its Sign out form, which they must never get (docs/feeds.md).
    """
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": API_DETAILS[status]}, status=status)
    if request.path.startswith(FEEDS_PREFIX):
        return HttpResponse(API_DETAILS[status], status=status, content_type="text/plain; charset=utf-8")
    return None


def sign_in_url(request) -> str:
    """The sign-in page, returning to this page afterwards (or home, if the path would leave the site)."""
    path = request.get_full_path()
    if not url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        path = "/"
    return f"{reverse('account_login')}?next={quote(path, safe='/')}"  # encoded as base.html's Sign in link


@requires_csrf_token
def page_not_found(request, exception=None):
    """404. The exception's message is never shown: it could tell a missing event from a hidden one."""
    return _not_a_page(request, 404) or render(request, "404.html", {"sign_in_url": sign_in_url(request)}, status=404)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _not_a_page(request, 403) or render(request, "403.html", status=403)


@requires_csrf_token
def bad_request(request, exception=None):
    return _not_a_page(request, 400) or render(request, "400.html", status=400)


def server_error(request):
    return _not_a_page(request, 500) or defaults.server_error(request)
