from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from events.models import Event

from .models import Campaign, Chapter


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
