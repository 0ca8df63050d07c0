"""
An event page's "Add to your calendar" links in a real browser (issue #10, item 11): Google,
Outlook.com and Office 365 carry the address the reader may see, and never a confirmed-only one.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from events.enums import AddressVisibility, SignupStatus
from tests.factories import ChapterFactory, EventFactory, ShiftFactory, SignupFactory, UserFactory

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

LINKS = {
    "Add to Google Calendar": ("https://calendar.google.com/calendar/render", "location"),
    "Add to Outlook.com": ("https://outlook.live.com/calendar/0/deeplink/compose", "location"),
    "Add to Outlook (Office 365)": ("https://outlook.office.com/calendar/0/deeplink/compose", "location"),
}


@pytest.fixture
def chapter(db):
    return ChapterFactory(slug="chicago", name="Chicago", timezone="America/Chicago")


@pytest.fixture
def public_address(chapter):
    return EventFactory(
        chapter=chapter, title="Library table", venue="Harold Washington Library", address="400 S State St"
    )


@pytest.fixture
def hidden_address(chapter):
    return EventFactory(
        chapter=chapter,
        title="Survivor-led workshop",
        venue="Community centre",
        address="12 Quiet Lane",
        address_visibility=AddressVisibility.CONFIRMED,
    )


def calendar_locations(page) -> dict[str, str]:
    """{link name: the `location` its URL carries} for the three "add event" links on the page."""
    # The event's own links; the chapter feed's subscribe links below them have a Google link too.
    section = page.get_by_role("region", name="Add to your calendar").locator("p.calendar-links")
    locations = {}
    for name, (base, parameter) in LINKS.items():
        link = section.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        href = link.get_attribute("href")
        assert href.startswith(f"{base}?"), href
        [locations[name]] = parse_qs(urlsplit(href).query)[parameter]
    expect(section.get_by_role("link", name="Download (.ics)")).to_be_visible()
    return locations


def test_calendar_links_carry_a_public_address(page, public_address):
    page.goto(public_address.get_absolute_url())

    locations = calendar_locations(page)

    assert set(locations.values()) == {"Harold Washington Library, 400 S State St"}
    screenshot(page, "calendar-links-01-public-address")
    assert_accessible(page, "calendar-links-public-address")


def test_calendar_links_leave_out_a_hidden_address_for_a_visitor(page, log_in, hidden_address):
    log_in(UserFactory())

    page.goto(hidden_address.get_absolute_url())

    locations = calendar_locations(page)
    assert set(locations.values()) == {"Community centre"}
    for link in page.get_by_role("link").all():
        assert "Quiet" not in (link.get_attribute("href") or "")
    assert "12 Quiet Lane" not in page.content()


def test_calendar_links_carry_a_hidden_address_for_a_confirmed_volunteer(page, log_in, hidden_address):
    volunteer = UserFactory()
    SignupFactory(user=volunteer, shift=ShiftFactory(event=hidden_address), status=SignupStatus.CONFIRMED)
    log_in(volunteer)

    page.goto(hidden_address.get_absolute_url())

    assert set(calendar_locations(page).values()) == {"Community centre, 12 Quiet Lane"}
    screenshot(page, "calendar-links-02-confirmed", both=False)
