"""A lead creates a weekly series in the dashboard, publishes it, checks a volunteer in and exports the roster."""

import csv
import datetime as dt
import io
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from events.enums import EventStatus, Strategy
from events.models import Event, EventSeries
from outreach.enums import Role
from tests.factories import ChapterFactory, MembershipFactory, SignupFactory, UserFactory

from .conftest import screenshot

pytestmark = pytest.mark.browser

TITLE = "Weekly awareness table"
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def chicago(db):
    return ChapterFactory(slug="chicago", name="Chicago", city="Chicago", latitude="41.878113", longitude="-87.629799")


@pytest.fixture
def lead(chicago):
    return MembershipFactory(chapter=chicago, role=Role.LEAD, user__display_name="Alex R.").user


def named(*words: str) -> re.Pattern:
    """An accessible name made of these words, whatever the spaces between them."""
    return re.compile(r"^\s*" + r"\s*".join(re.escape(word) for word in words) + r"\s*$")


def test_lead_publishes_a_weekly_series_checks_in_a_volunteer_and_exports_the_roster(
    page, log_in, chicago, lead, settings
):
    first_day = timezone.localdate(timezone.now(), CHICAGO) + dt.timedelta(days=7)
    log_in(lead)

    # Create the series as a draft.
    page.goto(reverse("dashboard:home"))
    screenshot(page, "lead-01-dashboard")
    page.get_by_role("link", name="New event for Chicago").click()
    page.get_by_label(named("Title:")).fill(TITLE)
    page.get_by_label(named("Summary:")).fill("Flyers and the hotline number at the library entrance.")
    page.get_by_label(named("Prevention strategy:")).select_option(Strategy.AWARENESS_EDUCATION)
    page.get_by_role("checkbox", name="General public").check()
    expect(page.get_by_label(named("Time zone:"))).to_have_value("America/Chicago")
    page.get_by_label(named("Start date:")).fill(first_day.isoformat())
    page.get_by_label(named("Start time:")).fill("18:00")
    page.get_by_label(named("End date:")).fill(first_day.isoformat())
    page.get_by_label(named("End time:")).fill("20:00")
    page.get_by_label(named("Repeat:")).select_option(label="Weekly")
    page.get_by_label(named("Number of dates:")).fill("4")
    page.get_by_label(named("Venue:")).fill("Lakeview Branch Library")
    page.get_by_label(named("Address:")).fill("644 W Belmont Ave, Chicago, IL")
    page.get_by_label(named("Places:")).fill("3")
    screenshot(page, "lead-02-event-editor")
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_role("status")).to_contain_text("was saved as a draft with 4 dates")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    series = EventSeries.objects.get(title=TITLE)
    occurrences = list(series.occurrences.order_by("starts_at"))
    assert [event.starts_at.astimezone(CHICAGO).date() for event in occurrences] == [
        first_day + dt.timedelta(weeks=week) for week in range(4)
    ]
    assert {event.status for event in occurrences} == {EventStatus.DRAFT}

    # Publish every date.
    page.get_by_role("button", name="Publish every date of the series").click()
    expect(page.get_by_role("status")).to_contain_text(f"Every upcoming date of “{TITLE}” is published.")
    assert set(Event.objects.filter(series=series).values_list("status", flat=True)) == {EventStatus.PUBLISHED}
    screenshot(page, "lead-03-event-published")

    # A volunteer holds a place on the second date; the lead opens that date's roster from the dashboard.
    second = occurrences[1]
    shift = second.shifts.get()
    volunteer = UserFactory(display_name="Sam", legal_name="Samantha Lee", phone="+1 312 555 0103")
    SignupFactory(user=volunteer, shift=shift)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name=f"Roster of {TITLE}").nth(1).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("dashboard:roster", args=[second.pk])) + "$"))
    row = page.get_by_role("row").filter(has_text="Samantha Lee")
    expect(row).to_contain_text(volunteer.email)
    expect(row).to_contain_text("Confirmed")

    # Check them in with the hours they served. Check-in opens shortly before a shift; this one is
    # a week ahead, and the live server's clock is the real one.
    settings.CHECK_IN_OPENS_MINUTES = 30 * 24 * 60
    page.reload()
    row = page.get_by_role("row").filter(has_text="Samantha Lee")
    row.get_by_label(named("Check-in", "of Sam")).select_option(label="Attended")
    row.get_by_label(named("Hours", "of Sam")).fill("2.5")
    row.get_by_role("button", name=named("Save", "check-in of Sam")).click()

    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Sam attended: 2\.50? hours\."))
    row = page.get_by_role("row").filter(has_text="Samantha Lee")
    expect(row).to_contain_text("Attended, 2.50 h")
    screenshot(page, "lead-04-roster")

    # Export the roster.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the roster (CSV)").first.click()
    download = download_info.value
    assert download.suggested_filename == f"roster-{second.pk}-weekly-awareness-table.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    starts = shift.starts_at.astimezone(CHICAGO)
    assert rows == [
        [
            "Shift",
            "Shift starts",
            "Display name",
            "Legal name",
            "Email",
            "Phone",
            "Status",
            "Waitlist position",
            "Attended",
            "Hours",
        ],
        [
            shift.name,
            f"{starts:%Y-%m-%d} 18:00 America/Chicago",
            "Sam",
            "Samantha Lee",
            volunteer.email,
            "'+1 312 555 0103",
            "Confirmed",
            "",
            "yes",
            "2.50",
        ],
    ]
