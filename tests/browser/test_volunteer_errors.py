"""
Error pages are not dead ends (issue #10). A signed-out member who follows a shared link to a
members-only event lands on the 404 page, which tells them to sign in and brings them back; every
error page has the site's header, a way back, the event search and help, at phone and desktop size.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from events.enums import Visibility
from outreach.enums import Role
from tests.factories import PASSWORD, ChapterFactory, EventFactory, MembershipFactory, ShiftFactory

from .conftest import PHONE, assert_accessible, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def members_evening(db):
    chicago = ChapterFactory(slug="chicago", name="Chicago")
    event = EventFactory(chapter=chicago, title="Members' planning evening", visibility=Visibility.MEMBERS)
    ShiftFactory(event=event, name="Note taker")
    return event


def expect_a_way_back(page) -> None:
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Find events")).to_be_visible()
    expect(page.get_by_role("link", name="Home: find an event")).to_be_visible()
    expect(page.get_by_role("search", name="Search events").get_by_label("Search events")).to_be_visible()
    expect(page.get_by_role("complementary", name="Help")).to_contain_text("Need help or want to report a concern?")


def test_signed_out_member_follows_a_members_only_link_signs_in_and_comes_back(page, members_evening):
    member = MembershipFactory(chapter=members_evening.chapter, role=Role.MEMBER, user__email="sam@example.org").user
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    response = page.goto(members_evening.get_absolute_url() + "?from=email")

    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Some events are visible only to a chapter's members")
    expect(page.get_by_role("main")).not_to_contain_text("Members' planning evening")
    expect_a_way_back(page)
    screenshot(page, "error-404-signed-out")
    page.set_viewport_size(PHONE)
    assert_accessible(page, "error-404-signed-out-phone")

    page.get_by_role("link", name="Sign in and come back to this page").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label(re.compile(r"^Email:?$")).fill(member.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", name="Members' planning evening", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/events/{members_evening.pk}/\?from=email$"))
    expect(page.get_by_text("Members only", exact=True)).to_be_visible()


def test_search_from_the_404_page_finds_events(page, members_evening):
    EventFactory(chapter=members_evening.chapter, title="Open evening on online safety")

    page.goto("/events/999999/")
    search = page.get_by_role("search", name="Search events")
    search.get_by_label("Search events").fill("online safety")
    search.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", name="Find an event", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Open evening on online safety")).to_be_visible()


@pytest.fixture
def failing_urls(settings):
    """The live server answers the test URLs that fail on purpose (it reads ROOT_URLCONF on each request)."""
    settings.ROOT_URLCONF = "tests.web.error_urls"


@pytest.mark.parametrize(
    ("name", "address", "status", "heading"),
    [
        ("400", "/test-errors/400/", 400, "We could not understand that request"),
        ("403", "/test-errors/403/", 403, "You cannot do that here"),
        ("500", "/test-errors/500/", 500, "Something went wrong on our side"),
    ],
)
def test_error_page_has_the_layout_a_way_back_and_help(page, failing_urls, db, name, address, status, heading):
    response = page.goto(address)

    assert response.status == status
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    expect_a_way_back(page)
    # The stylesheet came too: the header is the site's, not the browser's default.
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    screenshot(page, f"error-{name}")
    assert_accessible(page, f"error-{name}")
    page.set_viewport_size(PHONE)
    assert_accessible(page, f"error-{name}-phone")


def test_a_form_that_fails_the_csrf_check_says_nothing_changed(page, log_in, members_evening):
    member = MembershipFactory(chapter=members_evening.chapter, role=Role.MEMBER).user
    log_in(member)
    page.goto("/me/profile/")
    page.get_by_label(re.compile(r"^Display name")).fill("Changed")
    page.locator("main form input[name=csrfmiddlewaretoken]").evaluate("field => field.value = 'x'.repeat(64)")

    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Save profile").click()

    assert answer.value.status == 403
    expect(page.get_by_role("heading", name="The form could not be sent", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Nothing was changed.")
    expect_a_way_back(page)
    screenshot(page, "error-csrf")
    assert_accessible(page, "error-csrf")
    member.refresh_from_db()
    assert member.display_name != "Changed"
