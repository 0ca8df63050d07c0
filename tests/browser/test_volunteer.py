"""A visitor finds an event near them, signs up through registration, and cancels; a full shift's waitlist."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.enums import SignupStatus
from events.models import Signup
from tests.factories import ChapterFactory, EventFactory, ShiftFactory, SignupFactory, UserFactory

from .conftest import assert_accessible, emailed_link, screenshot

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a long and unusual passphrase 7"


@pytest.fixture
def chicago(db):
    return ChapterFactory(
        slug="chicago", name="Chicago", city="Chicago", region="Illinois", latitude="41.878113", longitude="-87.629799"
    )


@pytest.fixture
def near_event(chicago):
    return EventFactory(
        chapter=chicago,
        title="Parents' night: spotting online grooming",
        summary="How groomers approach children online, and what parents can do tonight.",
        venue="Northside Community High School",
        address="4500 N Kedzie Ave, Chicago, IL",
        latitude="41.962",
        longitude="-87.708",
    )


@pytest.fixture
def far_event(db):
    berlin = ChapterFactory(
        slug="berlin",
        name="Berlin",
        timezone="Europe/Berlin",
        city="Berlin",
        region="Berlin",
        country="DE",
        latitude="52.520008",
        longitude="13.404954",
    )
    return EventFactory(chapter=berlin, title="Prävention im Netz", latitude="52.52", longitude="13.40")


def button_name(action: str, *about: str) -> re.Pattern:
    """A button's accessible name: its visible action, then visually hidden ": <about>" (Chromium may add a space)."""
    return re.compile(rf"^{re.escape(action)}\s*:\s*{re.escape(', '.join(about))}$")


def wait_for_email(to: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(to in message.to for message in mail.outbox) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_visitor_finds_event_by_distance_signs_up_through_registration_and_cancels(page, near_event, far_event):
    greeter = ShiftFactory(event=near_event, name="Greeter", capacity=2)
    email = "new.volunteer@example.org"

    # Find the event by distance from a chapter's city.
    page.goto("/")
    expect(page.get_by_role("heading", name="Find an event", level=1)).to_be_visible()
    screenshot(page, "volunteer-01-home")
    page.get_by_label("Near").fill("Chicago")
    page.get_by_label("Within").select_option("50")
    page.get_by_role("button", name="Search events").click()

    results = page.get_by_role("region", name="Events near Chicago")
    expect(results).to_be_visible()
    expect(results.get_by_role("link", name=near_event.title)).to_be_visible()
    expect(results.get_by_role("link", name=far_event.title)).to_have_count(0)
    expect(results.get_by_text(re.compile(r"\d+ km away"))).to_be_visible()
    screenshot(page, "volunteer-02-home-near-chicago")

    # Open it and choose a shift: an anonymous visitor is taken to sign in first.
    results.get_by_role("link", name=near_event.title).click()
    expect(page.get_by_role("heading", name=near_event.title, level=1)).to_be_visible()
    screenshot(page, "volunteer-03-event")
    page.get_by_role("button", name=button_name("Sign up", "Greeter")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    screenshot(page, "volunteer-04-login", both=False)

    # No account yet: register, keeping the way back.
    page.get_by_role("main").get_by_role("link", name="sign up", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next="))
    page.get_by_label(re.compile(r"^Email:?$")).fill(email)
    page.get_by_label(re.compile(r"^Display name:?$")).fill("Robin")
    page.get_by_label(re.compile(r"^Password:?$")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(NEW_PASSWORD)
    screenshot(page, "volunteer-05-signup", both=False)
    page.get_by_role("main").get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("verify", re.IGNORECASE))

    # The verification email's link confirms the address and signs the new volunteer in.
    wait_for_email(email)
    page.goto(emailed_link(email))
    page.get_by_role("main").get_by_role("button", name="Confirm").click()

    # Back at the action they started: one button confirms the place.
    expect(page.get_by_role("heading", name="Confirm your place", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/events/{near_event.pk}/shifts/{greeter.pk}/signup/$"))
    screenshot(page, "volunteer-06-confirm")
    page.get_by_role("button", name=button_name("Sign up", "Greeter")).click()

    expect(page.get_by_role("heading", name=near_event.title, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You are signed up for “Greeter”")
    expect(page.get_by_role("button", name=button_name("Cancel my place", "Greeter"))).to_be_visible()

    # It is listed in My signups, where it can be cancelled.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My signups").click()
    upcoming = page.get_by_role("region", name="Upcoming")
    expect(upcoming.get_by_role("link", name=near_event.title)).to_be_visible()
    expect(upcoming.get_by_text("Confirmed", exact=True)).to_be_visible()
    screenshot(page, "volunteer-07-my-signups")
    upcoming.get_by_role("button", name=button_name("Cancel my place", near_event.title, "Greeter")).click()
    # Cancelling asks first, on a page of its own.
    expect(page.get_by_role("heading", name="Cancel your place?", level=1)).to_be_visible()
    assert Signup.objects.get(user__email=email).status == SignupStatus.CONFIRMED
    page.get_by_role("main").get_by_role("button", name=button_name("Cancel my place", "Greeter")).click()

    expect(page.get_by_role("status")).to_contain_text("is cancelled")
    expect(page.get_by_role("region", name="Upcoming")).to_contain_text("You have no upcoming shifts.")
    signup = Signup.objects.get(user__email=email)
    assert (signup.shift, signup.status) == (greeter, SignupStatus.CANCELLED)


def test_full_shift_offers_the_waitlist_and_shows_the_position(page, log_in, near_event):
    greeter = ShiftFactory(event=near_event, name="Greeter", capacity=1)
    SignupFactory(shift=greeter, status=SignupStatus.CONFIRMED)
    SignupFactory(shift=greeter, status=SignupStatus.WAITLISTED)
    volunteer = UserFactory(display_name="Sam")
    log_in(volunteer)

    page.goto(near_event.get_absolute_url())
    shift = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Greeter"))
    expect(shift).to_contain_text("Full")
    expect(shift).to_contain_text("1 on the waitlist")
    expect(shift.get_by_role("button", name=button_name("Sign up", "Greeter"))).to_have_count(0)
    screenshot(page, "waitlist-01-event-full")
    assert_accessible(page, "waitlist-event-full")
    shift.get_by_role("button", name=button_name("Join the waitlist", "Greeter")).click()

    expect(page.get_by_role("status")).to_contain_text("“Greeter” is full, so you are number 2 on the waitlist.")
    shift = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Greeter"))
    expect(shift).to_contain_text("Waitlist: number 2")
    expect(shift).to_contain_text("2 on the waitlist")
    expect(shift.get_by_role("button", name=button_name("Leave the waitlist", "Greeter"))).to_be_visible()
    screenshot(page, "waitlist-02-event-waitlisted")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My signups").click()
    expect(page.get_by_role("region", name="Upcoming")).to_contain_text("Waitlist: number 2")
    signup = Signup.objects.get(user=volunteer, shift=greeter)
    assert signup.status == SignupStatus.WAITLISTED
