from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .enums import Audience
from .models import Event, Shift
from .permissions import can_manage_event, can_see_private_location


def home(request):
    events = (
        Event.objects.visible_to(request.user).upcoming(timezone.now()).select_related("chapter").with_places()[:50]
    )
    return render(request, "events/home.html", {"events": events})


def event_detail(request, pk):
    event = get_object_or_404(Event.objects.visible_to(request.user).select_related("chapter", "campaign"), pk=pk)
    shifts = Shift.objects.filter(event=event).with_counts()
    context = {
        "event": event,
        "shifts": shifts,
        "partners": event.partners.all(),
        "audiences": [Audience(value).label for value in event.audiences if value in Audience.values],
        "can_manage": can_manage_event(request.user, event),
        "show_private_location": can_see_private_location(request.user, event),
    }
    return render(request, "events/event_detail.html", context)
