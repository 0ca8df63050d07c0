"""
Pages reached from emails: notification preferences (signed in), and the one-click "still coming"
and "cancel my place" links of reminders, which work without signing in but only for the signup
they were made for, and only for SIGNUP_LINK_MAX_AGE_DAYS.

"Cancel my place" asks for one more click (a POST) before it cancels: mail scanners and link
previews open every link in a message, and must not cancel anybody's place by doing so.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.enums import EventStatus, SignupStatus
from events.messages import LINK_ACTIONS, WrongSignup, format_when, read_signup_link
from events.models import Signup
from events.services import signup_cancel

from ..forms import PreferencesForm


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notification_preferences")
    return render(request, "web/preferences.html", {"form": form})


def _refuse(request, reason: str, status: int):
    return render(request, "web/signup_link.html", {"refusal": reason}, status=status)


@require_http_methods(["GET", "POST"])
def signup_link(request, pk: int, action: str, token: str):
    if action not in LINK_ACTIONS:
        return _refuse(request, _("This link is not valid."), 404)
    try:
        read_signup_link(token, signup_id=pk, action=action)
    except signing.SignatureExpired:
        return _refuse(
            request, _("This link has expired. Sign in to see or cancel your signups; nothing was changed."), 410
        )
    except WrongSignup:
        return _refuse(request, _("This link is for another signup; nothing was changed."), 400)
    except signing.BadSignature:
        return _refuse(
            request,
            _("This link is not valid: it may have been altered or copied incompletely. Nothing was changed."),
            400,
        )
    signup = Signup.objects.select_related("shift__event__chapter").filter(pk=pk).first()
    if signup is None:
        return _refuse(request, _("This signup no longer exists."), 404)
    shift, event = signup.shift, signup.shift.event
    context = {
        "signup": signup,
        "event": event,
        "shift": shift,
        "when": format_when(shift.starts_at, shift.ends_at, event.timezone),
        "action": action,
    }
    if signup.status == SignupStatus.CANCELLED:
        return _refuse(request, _("This place is already cancelled; nothing was changed."), 409)
    if event.status == EventStatus.CANCELLED:
        return _refuse(request, _("This event has been cancelled; nothing was changed."), 409)
    if shift.ends_at <= timezone.now():
        return _refuse(request, _("This shift is over; nothing was changed."), 409)
    if action == "confirm":
        return render(request, "web/signup_link.html", {**context, "done": "confirmed"})
    if request.method == "POST":
        try:
            signup_cancel(signup=signup)
        except ValidationError as error:
            return _refuse(request, " ".join(error.messages), 409)
        return render(request, "web/signup_link.html", {**context, "done": "cancelled"})
    return render(request, "web/signup_link.html", context)
