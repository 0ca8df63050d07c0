"""A lead moves a series past its UNTIL time: the page lists the date that leaves, and cancels it only when told."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from events.enums import EventStatus, Strategy
from events.models import Event
from events.services import series_create, series_publish, signup_create
from outreach.enums import Role
from tests.factories import ChapterFactory, MembershipFactory, UserFactory

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def named(*words: str) -> re.Pattern:
    return re.compile(r"^\s*" + r"\s*".join(re.escape(word) for word in words) + r"\s*$")


def test_lead_chooses_to_cancel_the_date_a_series_edit_takes_out(page, log_in, mailoutbox):
    chicago = ChapterFactory(slug="chicago", name="Chicago", timezone="America/Chicago")
    lead = MembershipFactory(chapter=chicago, role=Role.LEAD).user
    today = timezone.localdate(timezone.now(), CHICAGO)
    first = today + dt.timedelta(days=14)
    last = first + dt.timedelta(days=14)
    series = series_create(
        chapter=chicago,
        created_by=lead,
        recurrence=f"FREQ=WEEKLY;UNTIL={last:%Y%m%d}T180000",
        start_date=first,
        start_time=dt.time(18, 0),
        duration=dt.timedelta(hours=2),
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
        venue="Library",
    )
    series = series_publish(series=series)
    dropped = series.occurrences.get(occurrence_date=last)
    signup_create(user=UserFactory(email="sam@example.org"), shift=dropped.shifts.get())
    log_in(lead)

    page.goto(reverse("dashboard:series_edit", args=[series.pk]))
    page.get_by_label(named("Start time:")).fill("19:00")
    page.get_by_label(named("End time:")).fill("21:00")
    page.get_by_role("button", name="Save the series", exact=True).click()

    choice = page.get_by_role("group", name="Published dates this change takes out of the series")
    expect(choice).to_contain_text("1 holds a place")
    expect(choice).to_contain_text(f"{last:%a} {last.day} {last:%b %Y}, 18:00")
    screenshot(page, "lead-series-dropped-dates")
    assert_accessible(page, "lead-series-dropped-dates")
    assert Event.objects.get(pk=dropped.pk).status == EventStatus.PUBLISHED

    save_with_choice = page.get_by_role("button", name="Save the series with this choice")
    save_with_choice.click()  # no answer yet: asked again
    expect(page.get_by_role("alert")).to_contain_text("Choose whether to cancel these dates")
    page.get_by_role("radio", name="Cancel these dates (volunteers are told)").check()
    save_with_choice.click()

    expect(page.get_by_role("status")).to_contain_text("1 date was cancelled; its volunteers are being told.")
    dropped.refresh_from_db()
    assert (dropped.status, dropped.local_starts_at.strftime("%H:%M")) == (EventStatus.CANCELLED, "18:00")
    assert {e.local_starts_at.strftime("%H:%M") for e in series.occurrences.exclude(pk=dropped.pk)} == {"19:00"}
    assert [(m.to, m.subject) for m in mailoutbox if m.subject.startswith("Cancelled")] == [
        (["sam@example.org"], "Cancelled: Weekly table")
    ]
