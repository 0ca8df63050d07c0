from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_http_methods

from events.selectors import confirmed_event_ids, event_list
from events.views import paginate, refuse

from .enums import Role
from .forms import ProfileForm
from .models import Campaign, Chapter, Membership
from .permissions import chapter_roles
from .services import feed_token_rotate, membership_add, membership_remove


def _event_page(request, events):
    page = paginate(request, events.upcoming(timezone.now()))
    page_events = list(page.object_list)
    return {
        "page": page,
        "events": page_events,
        "confirmed_ids": confirmed_event_ids(user=request.user, events=page_events),
    }


def chapter_detail(request, slug):
    chapter = get_object_or_404(Chapter, slug=slug, is_active=True)
    place = [part for part in (chapter.city, chapter.region, chapter.country) if part]
    role = chapter_roles(request.user).get(chapter.pk)
    context = {
        "chapter": chapter,
        "place": place,
        "role": Role(role).label if role else None,
        **_event_page(request, event_list(user=request.user).filter(chapter=chapter)),
    }
    return render(request, "outreach/chapter_detail.html", context)


def campaign_detail(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    context = {
        "campaign": campaign,
        **_event_page(request, event_list(user=request.user).listed().filter(campaign=campaign)),
    }
    return render(request, "outreach/campaign_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def chapter_join(request, slug):
    """Join a chapter as a member. A GET (after signing in) shows the one button that joins."""
    chapter = get_object_or_404(Chapter, slug=slug, is_active=True)
    if request.method == "POST":
        try:
            membership_add(chapter=chapter, user=request.user, role=Role.MEMBER)
        except ValidationError as exc:
            refuse(request, exc)
        else:
            messages.success(
                request,
                _("Welcome to %(chapter)s! You will now see its members-only events.") % {"chapter": chapter.name},
            )
        return redirect(chapter)
    member = chapter.pk in chapter_roles(request.user)
    return render(request, "outreach/membership_confirm.html", {"chapter": chapter, "joining": True, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def chapter_leave(request, slug):
    """Leave a chapter; the service refuses the chapter's last lead."""
    chapter = get_object_or_404(Chapter, slug=slug, is_active=True)
    membership = Membership.objects.filter(chapter=chapter, user=request.user).select_related("user").first()
    if request.method == "POST":
        if membership is None:
            messages.error(request, _("You are not a member of %(chapter)s.") % {"chapter": chapter.name})
            return redirect(chapter)
        try:
            membership_remove(membership=membership)
        except ValidationError as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("You have left %(chapter)s.") % {"chapter": chapter.name})
        return redirect(chapter)
    context = {"chapter": chapter, "joining": False, "member": membership is not None}
    return render(request, "outreach/membership_confirm.html", context)


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
    return render(request, "outreach/profile.html", {"form": form})


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
