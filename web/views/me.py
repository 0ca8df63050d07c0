"""A volunteer's own pages: the profile and the personal calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from outreach.services import feed_token_rotate

from ..forms import ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
        messages.error(request, _("Please correct the errors below."))
    return render(request, "web/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request):
    """The signed-in volunteer's personal feed: make a new address (the old one stops at once)."""
    context = {"has_feed": bool(request.user.feed_token_hash)}
    if request.method == "POST":
        context["new_token"] = feed_token_rotate(user=request.user)
        if context["has_feed"]:
            messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
        else:
            messages.success(request, _("Your calendar feed is ready."))
        context["has_feed"] = True
    response = render(request, "web/calendar_feed.html", context)
    response["Cache-Control"] = "no-store"
    # The token is in the body, never in this page's URL, so same-origin keeps it out of referrers
    # that leave the site; no-referrer would make Chromium post the page's own forms with
    # `Origin: null`, which the CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    return response
