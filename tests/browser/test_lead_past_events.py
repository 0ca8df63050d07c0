"""
A lead after an event, in a real browser: finds it under Past, checks a volunteer in, writes the
report (a typo is refused beside its field and nothing typed is lost); deletes a spare shift after
a confirmation page; and sees which events are for members only.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from events.enums import Visibility
from events.models import EventReport, Shift
from outreach.enums import Role
from tests.factories import ChapterFactory, EventFactory, MembershipFactory, ShiftFactory, SignupFactory, UserFactory

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

PAST = "Community walk against trafficking"
UPCOMING = "Parents' night: spotting online grooming"


def named(*words: str) -> re.Pattern:
    """An accessible name made of these words, whatever the spaces between them."""
    return re.compile(r"^\s*" + r"\s*".join(re.escape(word) for word in words) + r"\s*$")


@pytest.fixture
def chicago(db):
    return ChapterFactory(slug="chicago", name="Chicago", city="Chicago")


@pytest.fixture
def lead(chicago):
    return MembershipFactory(chapter=chicago, role=Role.LEAD, user__display_name="Alex R.").user


@pytest.fixture
def past(chicago):
    """Last Saturday's walk, with Sam confirmed on its one shift and not yet checked in."""
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(days=3)
    event = EventFactory(chapter=chicago, title=PAST, starts_at=starts, ends_at=starts + dt.timedelta(hours=3))
    shift = ShiftFactory(event=event, name="Walk marshal", capacity=4)
    SignupFactory(shift=shift, user=UserFactory(display_name="Sam", legal_name="Samantha Lee"))
    return event


@pytest.fixture
def upcoming(chicago):
    event = EventFactory(chapter=chicago, title=UPCOMING)
    ShiftFactory(event=event, name="Greeter")
    ShiftFactory(event=event, name="Spare table")
    return event


def test_lead_finds_a_past_event_checks_a_volunteer_in_and_writes_the_report(page, log_in, lead, past, upcoming):
    log_in(lead)
    page.goto(reverse("dashboard:home"))
    expect(page.get_by_role("link", name=PAST, exact=True)).to_have_count(0)

    page.get_by_role("navigation", name="Event lists").get_by_role("link", name=named("Past", "1")).click()
    expect(page).to_have_url(re.compile(r"\?show=past$"))
    screenshot(page, "lead-past-01-list")
    assert_accessible(page, "lead-past-list")
    page.get_by_role("link", name=PAST, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(PAST)
    expect(page.get_by_text("This event has taken place")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel this event")).to_have_count(0)
    expect(page.get_by_role("link", name="Add a shift")).to_have_count(0)
    screenshot(page, "lead-past-02-event")

    # Check-in, from the event page.
    page.get_by_role("link", name="Check volunteers in").click()
    row = page.get_by_role("row").filter(has_text="Samantha Lee")
    row.get_by_label(named("Check-in", "of Sam")).select_option(label="Attended")
    row.get_by_role("button", name=named("Save", "check-in of Sam")).click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Sam attended: 3\.00? hours\."))

    # The report: the volunteer figures come from the check-in.
    page.get_by_role("navigation", name="Event management").get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Report of {PAST}")
    assert_accessible(page, "lead-report")
    volunteers = page.get_by_role("region", name="Volunteers")
    expect(volunteers).to_contain_text("Attended")
    expect(volunteers).to_contain_text("3.00")
    page.get_by_label(named("People reached:")).fill("140")
    page.get_by_label(named("Materials handed out:")).fill("-300")  # a slip of the finger
    page.get_by_label(named("Partners engaged:")).fill("2")
    page.get_by_label(named("Notes:")).fill("Rain in the morning; the park was busy after noon.")
    page.get_by_role("button", name="Save the report").click()

    expect(page.get_by_role("status")).to_contain_text("The report was not saved")
    materials = page.get_by_label(named("Materials handed out:"))
    expect(materials).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_materials_distributed_error")).to_contain_text(
        "Ensure this value is greater than or equal to 0."
    )
    expect(page.get_by_label(named("People reached:"))).to_have_value("140")
    expect(page.get_by_label(named("Notes:"))).to_have_value("Rain in the morning; the park was busy after noon.")
    screenshot(page, "lead-past-03-report-refused")
    assert not EventReport.objects.exists()

    materials.fill("300")
    page.get_by_role("button", name="Save the report").click()

    expect(page.get_by_role("status")).to_contain_text(f"The report of “{PAST}” was saved.")
    report = EventReport.objects.get(event=past)
    assert (report.people_reached, report.materials_distributed, report.partners_engaged, report.updated_by) == (
        140,
        300,
        2,
        lead,
    )
    screenshot(page, "lead-past-04-report-saved")


def test_lead_deletes_a_spare_shift_after_confirming(page, log_in, lead, upcoming):
    spare = upcoming.shifts.get(name="Spare table")
    log_in(lead)
    page.goto(reverse("dashboard:event", args=[upcoming.pk]))

    page.get_by_role("link", name="Delete shift Spare table").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("dashboard:shift_delete", args=[spare.pk])) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete the shift Spare table?")
    assert Shift.objects.filter(pk=spare.pk).exists()
    screenshot(page, "lead-shift-delete-confirm")
    assert_accessible(page, "lead-shift-delete")

    page.get_by_role("button", name="Yes, delete the shift").click()

    expect(page.get_by_role("status")).to_contain_text("The shift “Spare table” was deleted.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(UPCOMING)
    expect(page.get_by_role("link", name=re.compile("Delete shift"))).to_have_count(0)  # Greeter is the last one
    assert list(upcoming.shifts.values_list("name", flat=True)) == ["Greeter"]


def test_lead_keeps_a_shift_by_going_back_from_the_confirmation(page, log_in, lead, upcoming):
    log_in(lead)
    page.goto(reverse("dashboard:event", args=[upcoming.pk]))
    page.get_by_role("link", name="Delete shift Spare table").click()

    page.get_by_role("link", name="No, keep it").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(UPCOMING)
    assert upcoming.shifts.count() == 2


def test_members_only_events_carry_a_badge_in_the_list_and_on_their_page(page, log_in, lead, chicago, upcoming):
    members = EventFactory(chapter=chicago, title="Volunteer training", visibility=Visibility.MEMBERS)
    ShiftFactory(event=members)
    log_in(lead)
    page.goto(reverse("dashboard:home"))

    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Volunteer training")).to_contain_text("Members only")
    expect(rows.filter(has_text=UPCOMING)).not_to_contain_text("Members only")
    screenshot(page, "lead-members-only")
    assert_accessible(page, "lead-dashboard-lists")

    page.get_by_role("link", name="Volunteer training", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Members only")
