"""Chapter and campaign pages, and joining or leaving a chapter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.selectors import confirmed_event_ids, event_list
from outreach.enums import Role
from outreach.models import Campaign, Chapter, Membership
from outreach.permissions import chapter_roles
from outreach.services import membership_add, membership_remove

from .events import paginate, refuse


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
    return render(request, "web/chapter_detail.html", context)


def campaign_detail(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    context = {
        "campaign": campaign,
        **_event_page(request, event_list(user=request.user).listed().filter(campaign=campaign)),
    }
    return render(request, "web/campaign_detail.html", context)


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
    return render(request, "web/membership_confirm.html", {"chapter": chapter, "joining": True, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def chapter_leave(request, slug):
    """
    Leave a chapter. The GET (the chapter page's "Leave this chapter" leads here) says what leaving
    means, and only the POST of its button leaves; the service refuses the chapter's last lead.
    """
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
    context = {
        "chapter": chapter,
        "joining": False,
        "member": membership is not None,
        "role_label": Role(membership.role).label if membership and membership.role in Role.managing() else "",
    }
    return render(request, "web/membership_confirm.html", context)
