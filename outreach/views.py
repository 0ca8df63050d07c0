from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_http_methods

from events.models import Event

from .models import Campaign, Chapter
from .services import feed_token_rotate


def chapter_detail(request, slug):
    chapter = get_object_or_404(Chapter, slug=slug, is_active=True)
    events = (
        Event.objects.visible_to(request.user)
        .filter(chapter=chapter)
        .upcoming(timezone.now())
        .select_related("chapter")
        .with_places()
    )
    place = [part for part in (chapter.city, chapter.region, chapter.country) if part]
    return render(request, "outreach/chapter_detail.html", {"chapter": chapter, "place": place, "events": events})


def campaign_detail(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    events = (
        Event.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .upcoming(timezone.now())
        .select_related("chapter")
        .with_places()
    )
    return render(request, "outreach/campaign_detail.html", {"campaign": campaign, "events": events})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request):
    """The signed-in volunteer's personal feed: make a new address (the old one stops at once)."""
    context = {"has_feed": bool(request.user.feed_token_hash)}
    if request.method == "POST":
        context["new_token"] = feed_token_rotate(user=request.user)
        context["has_feed"] = True
        messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
    response = render(request, "outreach/calendar_feed.html", context)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def page_not_found(request, exception=None):
    """404: JSON in the API's shape under /api/, the site's page everywhere else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
