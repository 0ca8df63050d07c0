"""
Nothing that cannot be undone happens in one tap (issue #10): cancelling a place, leaving a waitlist
and leaving a chapter each lead to a page that names what will happen, and a second button does it.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.enums import SignupStatus
from events.models import Signup
from outreach.enums import Role
from outreach.models import Membership
from tests.factories import ChapterFactory, EventFactory, MembershipFactory, ShiftFactory, SignupFactory, UserFactory

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser


def action(name: str, *about: str) -> re.Pattern:
    """A button's accessible name: its visible action, then visually hidden ": <about>" (Chromium may add a space)."""
    return re.compile(rf"^{re.escape(name)}\s*:\s*{re.escape(', '.join(about))}$")


@pytest.fixture
def chicago(db):
    return ChapterFactory(slug="chicago", name="Chicago", help_line="Call 555-0100, weekdays 9-5.")


@pytest.fixture
def evening(chicago):
    starts = (timezone.now() + dt.timedelta(days=10)).replace(hour=23, minute=0, second=0, microsecond=0)
    return EventFactory(
        chapter=chicago, title="Parents' night", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )


@pytest.fixture
def volunteer(db):
    return UserFactory(display_name="Robin")


def test_cancel_on_the_event_page_asks_first_and_keep_my_place_goes_back(page, log_in, evening, volunteer):
    greeter = ShiftFactory(event=evening, name="Greeter", capacity=3)
    mine = SignupFactory(shift=greeter, user=volunteer, status=SignupStatus.CONFIRMED)
    log_in(volunteer)

    page.goto(evening.get_absolute_url())
    page.get_by_role("button", name=action("Cancel my place", "Greeter")).click()

    expect(page.get_by_role("heading", name="Cancel your place?", level=1)).to_be_visible()
    details = page.get_by_role("main")
    expect(details).to_contain_text("Parents' night")
    expect(details).to_contain_text("Greeter")
    expect(details.locator("time").first).to_be_visible()
    assert Signup.objects.get(pk=mine.pk).status == SignupStatus.CONFIRMED  # asking changed nothing
    screenshot(page, "confirm-01-cancel-from-event")
    assert_accessible(page, "confirm-cancel-from-event")

    page.get_by_role("link", name="Keep my place").click()
    expect(page.get_by_role("heading", name="Parents' night", level=1)).to_be_visible()
    assert Signup.objects.get(pk=mine.pk).status == SignupStatus.CONFIRMED

    page.get_by_role("button", name=action("Cancel my place", "Greeter")).click()
    page.get_by_role("main").get_by_role("button", name=action("Cancel my place", "Greeter")).click()

    expect(page.get_by_role("heading", name="Parents' night", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your place on “Greeter” at Parents' night is cancelled.")
    expect(page.get_by_role("button", name=action("Sign up", "Greeter"))).to_be_visible()
    assert Signup.objects.get(pk=mine.pk).status == SignupStatus.CANCELLED


def test_cancel_and_leave_the_waitlist_from_my_signups_ask_first(page, log_in, evening, volunteer):
    greeter = ShiftFactory(event=evening, name="Greeter", capacity=1)
    SignupFactory(shift=greeter, status=SignupStatus.CONFIRMED)
    SignupFactory(shift=greeter, status=SignupStatus.WAITLISTED)
    waiting = SignupFactory(shift=greeter, user=volunteer, status=SignupStatus.WAITLISTED)
    table = ShiftFactory(event=evening, name="Resource table", capacity=4)
    place = SignupFactory(shift=table, user=volunteer, status=SignupStatus.CONFIRMED)
    log_in(volunteer)

    page.goto("/me/signups/")
    upcoming = page.get_by_role("region", name="Upcoming")
    upcoming.get_by_role("button", name=action("Leave the waitlist", "Parents' night", "Greeter")).click()

    expect(page.get_by_role("heading", name="Leave the waitlist?", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("You are number 2 on the waitlist")
    screenshot(page, "confirm-02-leave-waitlist")
    assert_accessible(page, "confirm-leave-waitlist")
    page.get_by_role("main").get_by_role("button", name=action("Leave the waitlist", "Greeter")).click()

    expect(page).to_have_url(re.compile(r"/me/signups/$"))
    expect(page.get_by_role("status")).to_contain_text("You left the waitlist for “Greeter” at Parents' night.")
    assert Signup.objects.get(pk=waiting.pk).status == SignupStatus.CANCELLED

    upcoming = page.get_by_role("region", name="Upcoming")
    upcoming.get_by_role("button", name=action("Cancel my place", "Parents' night", "Resource table")).click()
    expect(page.get_by_role("heading", name="Cancel your place?", level=1)).to_be_visible()
    assert Signup.objects.get(pk=place.pk).status == SignupStatus.CONFIRMED
    page.get_by_role("main").get_by_role("button", name=action("Cancel my place", "Resource table")).click()

    expect(page).to_have_url(re.compile(r"/me/signups/$"))
    expect(page.get_by_role("status")).to_contain_text("Your place on “Resource table” at Parents' night is cancelled.")
    expect(page.get_by_role("region", name="Upcoming")).to_contain_text("You have no upcoming shifts.")
    assert Signup.objects.get(pk=place.pk).status == SignupStatus.CANCELLED


def test_leave_this_chapter_asks_first(page, log_in, chicago, volunteer):
    MembershipFactory(chapter=chicago, role=Role.LEAD)
    MembershipFactory(chapter=chicago, user=volunteer, role=Role.MEMBER)
    log_in(volunteer)

    page.goto(chicago.get_absolute_url())
    page.get_by_role("button", name="Leave this chapter").click()

    expect(page.get_by_role("heading", name="Leave Chicago?", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("members-only events")
    assert Membership.objects.filter(chapter=chicago, user=volunteer).exists()
    screenshot(page, "confirm-03-leave-chapter")
    assert_accessible(page, "confirm-leave-chapter")

    page.get_by_role("link", name="Stay in this chapter").click()
    expect(page.get_by_role("heading", name="Chicago", level=1)).to_be_visible()
    assert Membership.objects.filter(chapter=chicago, user=volunteer).exists()

    page.get_by_role("button", name="Leave this chapter").click()
    page.get_by_role("main").get_by_role("button", name="Leave this chapter").click()

    expect(page.get_by_role("heading", name="Chicago", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You have left Chicago.")
    expect(page.get_by_role("button", name="Join this chapter")).to_be_visible()
    assert not Membership.objects.filter(chapter=chicago, user=volunteer).exists()
