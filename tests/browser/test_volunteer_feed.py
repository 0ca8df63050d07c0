"""
The personal feed page's own buttons work in a real browser: create the address, then replace it.

Django's test client sends no Origin header, so only a browser shows what a page's Referrer-Policy
does to its own forms: under `no-referrer` Chromium posts them with `Origin: null`, and the CSRF
check refuses that with a 403.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser


def shown_feed_path(page) -> str:
    """The path of the private feed address the page shows."""
    field = page.get_by_role("textbox", name="Your private feed address:")
    expect(field).to_have_value(re.compile(r"/feeds/personal/[A-Za-z0-9_-]{43}\.ics$"))
    return urlsplit(field.input_value()).path


def test_volunteer_creates_then_replaces_the_feed_address_on_the_feed_page(page, log_in):
    volunteer = UserFactory(display_name="Robin")
    log_in(volunteer)

    page.goto("/me/calendar/")
    expect(page.get_by_role("heading", name="My calendar feed", level=1)).to_be_visible()
    page.get_by_role("button", name="Create my feed address").click()

    expect(page.get_by_role("heading", name="Your new feed address")).to_be_visible()
    first = shown_feed_path(page)
    assert page.request.get(first).status == 200
    screenshot(page, "feed-01-created")
    assert_accessible(page, "feed-created")

    page.get_by_role("button", name="Replace my feed address").click()

    expect(page.get_by_role("heading", name="Your new feed address")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("the old one no longer works")
    second = shown_feed_path(page)
    assert second != first
    assert page.request.get(second).status == 200
    assert page.request.get(first).status == 404
    screenshot(page, "feed-02-replaced")


def test_feed_page_sends_no_referrer_off_the_site(page, log_in):
    """The secret is in the page's body, never its URL; and links that leave the site get no referrer."""
    log_in(UserFactory())

    response = page.goto("/me/calendar/")

    assert response.headers["referrer-policy"] == "same-origin"
    assert "/feeds/personal/" not in page.url
