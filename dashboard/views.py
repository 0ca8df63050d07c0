"""
The lead dashboard's views: coordinators and leads run their chapters' events here (staff: every
chapter), from drafts to rosters, check-in, the report, CSV export and email to volunteers; leads
also manage members and roles.

Every page asks the permission predicates and answers 404 outside the user's scope, so the
existence of another chapter's events does not leak. Writes go through the services; their
refusals are shown beside the form field they name.
"""

import csv
import datetime as dt
import io
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from events.enums import EventStatus, SignupStatus
from events.filters import EventFilter
from events.messages import record_volunteer_message
from events.models import Event, EventSeries, Shift, Signup
from events.permissions import can_check_in, can_manage_event
from events.selectors import DASHBOARD_LISTS, dashboard_list, dashboard_list_counts, managed_events, shifts_with_counts
from events.selectors import event_report as event_report_selector
from events.selectors import roster as roster_selector
from events.services import (
    event_cancel,
    event_create,
    event_delete,
    event_publish,
    event_update,
    report_save,
    series_publish,
    series_update,
    series_update_preview,
    shift_cancel,
    shift_create,
    shift_delete,
    shift_update,
    signup_check_in,
)
from events.validators import duration_text
from outreach.enums import Role
from outreach.models import Chapter, Membership
from outreach.permissions import can_manage_chapter_events, can_manage_memberships, managed_chapter_ids
from outreach.services import membership_add, membership_change_role, membership_remove

from .forms import (
    CancelForm,
    CheckInForm,
    EmailVolunteersForm,
    EventForm,
    MemberAddForm,
    ReportForm,
    RoleForm,
    SeriesForm,
    ShiftForm,
    add_service_errors,
)

# Lookups: each answers 404 outside the user's scope.


def _managed_chapter(request, slug) -> Chapter:
    chapter = get_object_or_404(Chapter, slug=slug)
    if not can_manage_chapter_events(request.user, chapter):
        raise Http404
    return chapter


def _managed_event(request, pk) -> Event:
    event = get_object_or_404(Event.objects.select_related("chapter", "series"), pk=pk)
    if not can_manage_event(request.user, event):
        raise Http404
    return event


def _managed_shift(request, pk) -> Shift:
    shift = get_object_or_404(shifts_with_counts().select_related("event", "event__chapter"), pk=pk)
    if not can_manage_event(request.user, shift.event):
        raise Http404
    return shift


def _lead_chapter(request, slug) -> Chapter:
    chapter = get_object_or_404(Chapter, slug=slug)
    if not can_manage_memberships(request.user, chapter):
        raise Http404
    return chapter


def _event_page(event) -> str:
    return reverse("dashboard:event", kwargs={"pk": event.pk})


def _refusal_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# Home

LIST_LABELS = {
    "upcoming": gettext_lazy("Upcoming"),
    "past": gettext_lazy("Past"),
    "drafts": gettext_lazy("Drafts"),
    "cancelled": gettext_lazy("Cancelled"),
}
LIST_EMPTY = {
    "upcoming": gettext_lazy("No upcoming events."),
    "past": gettext_lazy("No past events."),
    "drafts": gettext_lazy("No drafts."),
    "cancelled": gettext_lazy("No cancelled events."),
}


@login_required
def home(request):
    """
    The user's managed chapters with their quick links, and their events in one of four lists
    (`?show=upcoming|past|drafts|cancelled`), searched by text (`q`) and paged by SITE_PAGE_SIZE.
    """
    ids = managed_chapter_ids(request.user)
    if ids == []:
        raise Http404
    chapters = list(Chapter.objects.order_by("name") if ids is None else Chapter.objects.filter(pk__in=ids))
    chapters.sort(key=lambda chapter: chapter.name)
    for chapter in chapters:
        chapter.can_manage_members = can_manage_memberships(request.user, chapter)
    show = request.GET.get("show")
    show = show if show in DASHBOARD_LISTS else "upcoming"
    now = timezone.now()
    search = EventFilter({"q": request.GET.get("q", "").strip()}, queryset=managed_events(user=request.user))
    events = search.qs if search.is_valid() else managed_events(user=request.user)
    counts = dashboard_list_counts(events, now=now)
    page = Paginator(dashboard_list(events, name=show, now=now), settings.SITE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "chapters": chapters,
        "lists": [(name, LIST_LABELS[name], counts[name]) for name in DASHBOARD_LISTS],
        "show": show,
        "show_label": LIST_LABELS[show],
        "empty": LIST_EMPTY[show],
        "search": search.form,
        "q": search.form.cleaned_data.get("q", "") if search.is_valid() else "",
        "page": page,
        "events": page.object_list,
        "many_chapters": len(chapters) > 1,
    }
    return render(request, "dashboard/home.html", context)


# Events


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request, slug):
    """Create a draft: one-off (with its default shift) or a weekly or monthly series."""
    chapter = _managed_chapter(request, slug)
    form = EventForm(request.POST or None, chapter=chapter)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # With a repeat rule the service makes a series and returns its first date.
            event = event_create(
                chapter=chapter,
                created_by=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                recurrence=data.get("recurrence", ""),
                capacity=data["capacity"],
                partners=data["partners"],
                **form.details(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if event.series is not None:
                count = event.series.occurrences.count()
                messages.success(
                    request,
                    ngettext(
                        "The series “%(title)s” was saved as a draft with %(count)d date.",
                        "The series “%(title)s” was saved as a draft with %(count)d dates.",
                        count,
                    )
                    % {"title": event.series.title, "count": count},
                )
            else:
                messages.success(request, _("“%(title)s” was saved as a draft.") % {"title": event.title})
            return redirect(_event_page(event))
    return render(request, "dashboard/event_form.html", {"form": form, "chapter": chapter, "event": None})


@login_required
def event_manage(request, pk):
    """
    One event at a glance: status, details, shifts with their counts, and what can be done next.
    Once it has ended, that is checking volunteers in and the report, not cancelling or adding shifts.
    """
    event = _managed_event(request, pk)
    shifts = shifts_with_counts().filter(event=event)
    now = timezone.now()
    context = {
        "event": event,
        "chapter": event.chapter,
        "shifts": shifts,
        "partners": event.partners.all(),
        "series": event.series,
        "ended": event.has_ended(now),
        "started": event.has_started(now),
        "takes_report": event.takes_report(now),
    }
    return render(request, "dashboard/event_manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = _managed_event(request, pk)
    if event.status == EventStatus.CANCELLED:
        messages.error(request, _("A cancelled event cannot be edited."))
        return redirect(_event_page(event))
    form = EventForm(request.POST or None, chapter=event.chapter, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = event_update(
                event=event,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                partners=list(data["partners"]),
                **form.details(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes to “%(title)s” were saved.") % {"title": event.title})
            return redirect(_event_page(event))
    return render(request, "dashboard/event_form.html", {"form": form, "chapter": event.chapter, "event": event})


@login_required
@require_POST
def event_publish_view(request, pk):
    event = _managed_event(request, pk)
    try:
        event = event_publish(event=event)
    except ValidationError as error:
        messages.error(request, _("Not published: %(reason)s") % {"reason": _refusal_text(error)})
    else:
        messages.success(request, _("“%(title)s” is published: volunteers can sign up.") % {"title": event.title})
    return redirect(_event_page(event))


@login_required
@require_POST
def series_publish_view(request, pk):
    series = get_object_or_404(EventSeries, pk=pk)
    if not can_manage_chapter_events(request.user, series.chapter_id):
        raise Http404
    try:
        series = series_publish(series=series)
    except ValidationError as error:
        messages.error(request, _("Not published: %(reason)s") % {"reason": _refusal_text(error)})
    else:
        messages.success(request, _("Every upcoming date of “%(title)s” is published.") % {"title": series.title})
    first = series.occurrences.filter(ends_at__gt=timezone.now()).order_by("starts_at").first()
    return redirect(_event_page(first) if first else reverse("dashboard:home"))


def _managed_series(request, pk) -> EventSeries:
    series = get_object_or_404(EventSeries.objects.select_related("chapter"), pk=pk)
    if not can_manage_chapter_events(request.user, series.chapter_id):
        raise Http404
    return series


SERIES_DROPPED_LABELS = {
    "cancel": gettext_lazy("Cancel these dates (volunteers are told)"),
    "keep": gettext_lazy("Keep them as one-off events"),
}
"""The lead's answer for the published dates a series edit takes out of the series (series_update's `dropped`)."""


def _dropped_with_counts(dropped: list[Event]) -> list[Event]:
    """The dates a series edit would take out, soonest first, with how many volunteers hold a place or wait."""
    active = Q(shifts__signups__status=SignupStatus.CONFIRMED)
    waiting = Q(shifts__signups__status=SignupStatus.WAITLISTED)
    return list(
        Event.objects.filter(pk__in=[event.pk for event in dropped])
        .annotate(confirmed_total=Count("shifts__signups", filter=active))
        .annotate(waitlist_total=Count("shifts__signups", filter=waiting))
        .order_by("starts_at")
    )


def _dropped_answer(post, dropping: list[Event]) -> tuple[bool, str]:
    """
    Whether the series edit may be saved with the lead's answer about `dropping`, and what to say if
    not: the list must have been on the page, exactly as it is now, with one of the two choices.
    """
    if not dropping:
        return True, ""
    shown = post.get("dropped_dates", "")
    if not shown:
        return False, ""
    if shown != ",".join(str(event.pk) for event in dropping):
        return False, _("The dates this change takes out have changed since the page was shown; check them.")
    if post.get("dropped", "") not in SERIES_DROPPED_LABELS:
        return False, _("Choose whether to cancel these dates or keep them as one-off events.")
    return True, ""


@login_required
@require_http_methods(["GET", "POST"])
def series_edit(request, pk):
    """
    Edit a series as a whole. Its future dates that were not edited on their own follow; dates
    edited alone, cancelled or past keep what they have. When the edit would take published dates
    out of the series (its rule no longer gives them), the page lists them and saves only once the
    lead has chosen to cancel them or keep them as one-off events, for exactly the dates shown.
    """
    series = _managed_series(request, pk)
    form = SeriesForm(request.POST or None, series=series)
    dropping, dropped_error = [], ""
    choice = request.POST.get("dropped", "")
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            dropping = _dropped_with_counts(series_update_preview(series=series, **changes))
            ready, dropped_error = _dropped_answer(request.POST, dropping)
            if ready:
                series = series_update(series=series, dropped=choice if dropping else None, **changes)
        except ValidationError as error:
            ready = False
            add_service_errors(form, error)
        if ready:
            messages.success(request, _("Your changes to the series “%(title)s” were saved.") % {"title": series.title})
            if dropping:
                messages.info(request, _dropped_done(choice, len(dropping)))
            first = series.occurrences.filter(ends_at__gt=timezone.now()).order_by("starts_at").first()
            return redirect(_event_page(first) if first else reverse("dashboard:home"))
    back = series.occurrences.filter(ends_at__gt=timezone.now()).order_by("starts_at").first()
    context = {
        "form": form,
        "series": series,
        "chapter": series.chapter,
        "back": back,
        "dropping": dropping,
        "dropped_dates": ",".join(str(event.pk) for event in dropping),
        "dropped_choices": list(SERIES_DROPPED_LABELS.items()),
        "dropped_choice": choice,
        "dropped_error": dropped_error,
    }
    return render(request, "dashboard/series_form.html", context)


def _dropped_done(choice: str, count: int) -> str:
    if choice == "cancel":
        return ngettext(
            "%(count)d date was cancelled; its volunteers are being told.",
            "%(count)d dates were cancelled; their volunteers are being told.",
            count,
        ) % {"count": count}
    return ngettext(
        "%(count)d date was kept as a one-off event.", "%(count)d dates were kept as one-off events.", count
    ) % {"count": count}


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel_view(request, pk):
    """A confirmation page with a note for the volunteers; the event stays listed as cancelled."""
    event = _managed_event(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_cancel(event=event, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, _("Not cancelled: %(reason)s") % {"reason": _refusal_text(error)})
        else:
            messages.success(request, _("“%(title)s” is cancelled.") % {"title": event.title})
        return redirect(_event_page(event))
    return render(request, "dashboard/event_cancel.html", {"event": event, "chapter": event.chapter, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def event_delete_view(request, pk):
    event = _managed_event(request, pk)
    if request.method == "POST":
        try:
            event_delete(event=event)
        except ValidationError as error:
            messages.error(request, _("Not deleted: %(reason)s") % {"reason": _refusal_text(error)})
            return redirect(_event_page(event))
        messages.success(request, _("The draft “%(title)s” was deleted.") % {"title": event.title})
        return redirect("dashboard:home")
    return render(request, "dashboard/event_delete.html", {"event": event, "chapter": event.chapter})


# Shifts


@login_required
@require_http_methods(["GET", "POST"])
def shift_new(request, pk):
    event = _managed_event(request, pk)
    form = ShiftForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            shift = shift_create(event=event, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The shift “%(name)s” was added.") % {"name": shift.name})
            return redirect(_event_page(event))
    return render(request, "dashboard/shift_form.html", {"form": form, "event": event, "shift": None})


@login_required
@require_http_methods(["GET", "POST"])
def shift_edit(request, pk):
    shift = _managed_shift(request, pk)
    event = shift.event
    form = ShiftForm(request.POST or None, event=event, shift=shift, confirmed=shift.confirmed_count)
    if request.method == "POST" and form.is_valid():
        try:
            shift = shift_update(shift=shift, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The shift “%(name)s” was saved.") % {"name": shift.name})
            return redirect(_event_page(event))
    return render(request, "dashboard/shift_form.html", {"form": form, "event": event, "shift": shift})


@login_required
@require_http_methods(["GET", "POST"])
def shift_cancel_view(request, pk):
    """A confirmation page with a note; the shift stays listed as cancelled and its volunteers are told."""
    shift = _managed_shift(request, pk)
    event = shift.event
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shift = shift_cancel(shift=shift, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, _("Not cancelled: %(reason)s") % {"reason": _refusal_text(error)})
        else:
            messages.success(request, _("The shift “%(name)s” is cancelled.") % {"name": shift.name})
        return redirect(_event_page(event))
    context = {"shift": shift, "event": event, "chapter": event.chapter, "form": form}
    return render(request, "dashboard/shift_cancel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def shift_delete_view(request, pk):
    """A confirmation page, then the deletion of a shift nobody holds a place on (the event keeps one)."""
    shift = _managed_shift(request, pk)
    event = shift.event
    if request.method == "POST":
        try:
            shift_delete(shift=shift)
        except ValidationError as error:
            messages.error(request, _("Not deleted: %(reason)s") % {"reason": _refusal_text(error)})
        else:
            messages.success(request, _("The shift “%(name)s” was deleted.") % {"name": shift.name})
        return redirect(_event_page(event))
    context = {
        "shift": shift,
        "event": event,
        "chapter": event.chapter,
        "held": shift.confirmed_count + shift.waitlist_count,
        "only_shift": not Shift.objects.filter(event=event).exclude(pk=shift.pk).exists(),
    }
    return render(request, "dashboard/shift_delete.html", context)


# Roster, check-in and CSV


def _roster_shifts(event) -> list[Shift]:
    """The event's shifts with their counts, each carrying its `roster` of signups: three queries in all."""
    shifts = list(shifts_with_counts().filter(event=event))
    signups = defaultdict(list)
    for signup in roster_selector(event=event):
        signups[signup.shift_id].append(signup)
    for shift in shifts:
        shift.roster = signups[shift.pk]
    return shifts


def _render_roster(request, event, *, bound: CheckInForm | None = None, bound_pk: int | None = None, status=200):
    """The roster; a confirmed volunteer has a check-in form once the shift's check-in has opened."""
    shifts = _roster_shifts(event)
    now = timezone.now()
    for shift in shifts:
        shift.check_in_open = shift.check_in_is_open(now)
        for signup in shift.roster:
            if signup.pk == bound_pk:
                signup.check_in_form = bound
            elif signup.status == SignupStatus.CONFIRMED and shift.check_in_open:
                signup.check_in_form = CheckInForm(signup=signup, prefix=f"signup-{signup.pk}", auto_id="id_%s")
    context = {
        "event": event,
        "chapter": event.chapter,
        "shifts": shifts,
        "opens_before": duration_text(dt.timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES)),
        "opens_at_start": not settings.CHECK_IN_OPENS_MINUTES,
    }
    return render(request, "dashboard/roster.html", context, status=status)


@login_required
def roster(request, pk):
    """
    Volunteers of each shift with their contact details, statuses and waitlist positions, and their
    check-in from CHECK_IN_OPENS_MINUTES before the shift on.
    """
    return _render_roster(request, _managed_event(request, pk))


@login_required
@require_POST
def check_in(request, pk):
    """Record attended or no-show and the hours served; an error is shown beside the row's field."""
    signup = get_object_or_404(Signup.objects.select_related("user", "shift__event__chapter"), pk=pk)
    event = signup.shift.event
    if not can_check_in(request.user, signup):
        raise Http404
    form = CheckInForm(request.POST, prefix=f"signup-{signup.pk}", auto_id="id_%s")
    if form.is_valid():
        try:
            signup = signup_check_in(
                signup=signup, attended=form.cleaned_data["attended"], hours=form.cleaned_data["hours"]
            )
        except ValidationError as error:
            add_service_errors(form, error, {"status": "attended"})
        else:
            text = (
                _("%(name)s attended: %(hours)s hours.") if signup.attended else _("%(name)s is marked as a no-show.")
            )
            messages.success(request, text % {"name": signup.user, "hours": signup.hours})
            return redirect(reverse("dashboard:roster", kwargs={"pk": event.pk}) + f"#signup-{signup.pk}")
    messages.error(request, _("The check-in of %(name)s was not saved.") % {"name": signup.user})
    return _render_roster(request, event, bound=form, bound_pk=signup.pk, status=400)


# The report


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk):
    """
    What a held event reached, recorded through report_save: people reached, materials handed out,
    partners engaged and notes. Volunteer hours and attendance are shown from check-ins, not typed.
    A refused save keeps what was typed, with each refusal beside its field.
    """
    event = _managed_event(request, pk)
    figures = event_report_selector(event=event)
    form = ReportForm(request.POST or None, report=figures)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report_save(event=event, updated_by=request.user, **form.counts())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The report of “%(title)s” was saved.") % {"title": event.title})
                return redirect("dashboard:report", pk=event.pk)
        messages.error(request, _("The report was not saved: see the fields marked below."))
        status = 400
    context = {
        "event": event,
        "chapter": event.chapter,
        "form": form,
        "figures": figures,
        "takes_report": event.takes_report(),
    }
    return render(request, "dashboard/report.html", context, status=status)


CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> object:
    """A cell a spreadsheet will not run: text that starts like a formula gets a leading quote (OWASP)."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


@login_required
def roster_csv(request, pk):
    event = _managed_event(request, pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Shift"),
            _("Shift starts"),
            _("Display name"),
            _("Legal name"),
            _("Email"),
            _("Phone"),
            _("Status"),
            _("Waitlist position"),
            _("Attended"),
            _("Hours"),
        ]
    )
    attended = {True: _("yes"), False: _("no"), None: ""}
    for signup in roster_selector(event=event):
        starts = signup.shift.starts_at.astimezone(event.zone)
        row = [
            signup.shift.name,
            f"{starts:%Y-%m-%d %H:%M} {event.timezone}",
            signup.user.display_name,
            signup.user.legal_name,
            signup.user.email,
            signup.user.phone,
            signup.get_status_display(),
            "" if signup.waitlist_position is None else signup.waitlist_position,
            attended[signup.attended],
            "" if signup.hours is None else signup.hours,
        ]
        writer.writerow([_csv_cell(value) for value in row])
    # Excel reads a CSV without a byte order mark in the system's legacy code page, garbling names
    # such as "José"; the BOM makes it read UTF-8. Other spreadsheets and csv readers skip it.
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    filename = f"roster-{event.pk}-{slugify(event.title) or 'event'}.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


# Email to volunteers


def _email_volunteers(request, *, event, shift=None):
    """
    The form, and on POST one outbox message per volunteer (events.messages), delivered after
    commit and retried like every other message: the mail server is not waited for here.
    """
    scope = Signup.objects.filter(shift=shift) if shift else Signup.objects.filter(shift__event=event)
    form = EmailVolunteersForm(request.POST or None)
    confirmed = scope.filter(status=SignupStatus.CONFIRMED).values("user").distinct().count()
    waitlisted = scope.filter(status=SignupStatus.WAITLISTED).values("user").distinct().count()
    chapter = event.chapter
    if request.method == "POST" and form.is_valid():
        try:
            count = record_volunteer_message(
                event=event,
                shift=shift,
                sender=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["message"],
                include_waitlisted=form.cleaned_data["include_waitlisted"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Your message was queued for %(count)d volunteer.",
                    "Your message was queued for %(count)d volunteers.",
                    count,
                )
                % {"count": count},
            )
            return redirect(_event_page(event))
    context = {
        "event": event,
        "chapter": chapter,
        "shift": shift,
        "form": form,
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "site_sender": settings.DEFAULT_FROM_EMAIL,
    }
    return render(request, "dashboard/email.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def email_event(request, pk):
    return _email_volunteers(request, event=_managed_event(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def email_shift(request, pk):
    shift = _managed_shift(request, pk)
    return _email_volunteers(request, event=shift.event, shift=shift)


# Members and roles (leads and staff only)


def _render_members(request, chapter, *, add_form=None, bound=None, bound_pk=None, status=200):
    memberships = list(
        Membership.objects.filter(chapter=chapter).select_related("user").order_by("user__display_name", "user__email")
    )
    for membership in memberships:
        membership.role_form = (
            bound
            if membership.pk == bound_pk
            else RoleForm(initial={"role": membership.role}, prefix=f"member-{membership.pk}", auto_id="id_%s")
        )
    context = {
        "chapter": chapter,
        "memberships": memberships,
        "add_form": add_form or MemberAddForm(prefix="add"),
        "roles": Role,
    }
    return render(request, "dashboard/members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def members(request, slug):
    """The chapter's members with their roles; a form adds someone by email."""
    chapter = _lead_chapter(request, slug)
    if request.method == "POST":
        form = MemberAddForm(request.POST, prefix="add")
        if form.is_valid():
            try:
                membership = membership_add(
                    chapter=chapter, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(user)s was added as %(role)s.")
                    % {"user": membership.user, "role": membership.get_role_display().lower()},
                )
                return redirect("dashboard:members", slug=chapter.slug)
        return _render_members(request, chapter, add_form=form, status=400)
    return _render_members(request, chapter)


def _chapter_membership(request, pk) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("user", "chapter"), pk=pk)
    if not can_manage_memberships(request.user, membership.chapter):
        raise Http404
    return membership


@login_required
@require_POST
def member_role(request, pk):
    membership = _chapter_membership(request, pk)
    form = RoleForm(request.POST, prefix=f"member-{membership.pk}", auto_id="id_%s")
    if form.is_valid():
        try:
            membership = membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s.")
                % {"user": membership.user, "role": membership.get_role_display().lower()},
            )
            return redirect("dashboard:members", slug=membership.chapter.slug)
    messages.error(request, _("The role of %(user)s was not changed.") % {"user": membership.user})
    return _render_members(request, membership.chapter, bound=form, bound_pk=membership.pk, status=400)


@login_required
@require_POST
def member_remove(request, pk):
    membership = _chapter_membership(request, pk)
    try:
        membership_remove(membership=membership)
    except ValidationError as error:
        messages.error(
            request,
            _("%(user)s was not removed: %(reason)s") % {"user": membership.user, "reason": _refusal_text(error)},
        )
        return redirect("dashboard:members", slug=membership.chapter.slug)
    messages.success(
        request, _("%(user)s was removed from %(chapter)s.") % {"user": membership.user, "chapter": membership.chapter}
    )
    return redirect("dashboard:members", slug=membership.chapter.slug)
