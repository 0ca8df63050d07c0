"""axe-core on the main pages: no violation of impact serious or critical."""

import pytest
from django.urls import reverse

from events.enums import SignupStatus, Visibility
from outreach.enums import Role
from tests.factories import ChapterFactory, EventFactory, MembershipFactory, ShiftFactory, SignupFactory

from .conftest import PHONE, assert_accessible, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def site(db):
    """A chapter with a lead, a published event with two shifts, and a volunteer on it."""
    chapter = ChapterFactory(
        slug="chicago", name="Chicago", city="Chicago", region="Illinois", latitude="41.878113", longitude="-87.629799"
    )
    lead = MembershipFactory(chapter=chapter, role=Role.LEAD, user__display_name="Alex R.").user
    event = EventFactory(
        chapter=chapter,
        title="Parents' night: spotting online grooming",
        summary="How groomers approach children online, and what parents can do tonight.",
        venue="Northside Community High School",
        address="4500 N Kedzie Ave, Chicago, IL",
        latitude="41.962",
        longitude="-87.708",
    )
    greeter = ShiftFactory(event=event, name="Greeter", capacity=1)
    resource = ShiftFactory(event=event, name="Resource table", capacity=4)
    held = SignupFactory(shift=greeter, user__display_name="Sam", status=SignupStatus.CONFIRMED)
    members_event = EventFactory(
        chapter=chapter, title="Members' planning evening", visibility=Visibility.MEMBERS, starts_at=event.starts_at
    )
    return {
        "chapter": chapter,
        "lead": lead,
        "event": event,
        "members_event": members_event,
        "resource": resource,
        "volunteer": held.user,
        "held": held,
    }


PAGES = {
    # name: (who is signed in, the page's address)
    "home": (None, lambda site: reverse("home")),
    "home-search": (None, lambda site: reverse("home") + "?place=Chicago&radius_km=50"),
    "event": (None, lambda site: site["event"].get_absolute_url()),
    "login": (None, lambda site: reverse("account_login")),
    "signup": (None, lambda site: reverse("account_signup")),
    "event-volunteer": ("volunteer", lambda site: site["event"].get_absolute_url()),
    "my-signups": ("volunteer", lambda site: reverse("my_signups")),
    "dashboard": ("lead", lambda site: reverse("dashboard:home")),
    "dashboard-event": ("lead", lambda site: reverse("dashboard:event", args=[site["event"].pk])),
    "event-editor-new": ("lead", lambda site: reverse("dashboard:event_new", args=[site["chapter"].slug])),
    "event-editor": ("lead", lambda site: reverse("dashboard:event_edit", args=[site["event"].pk])),
    "roster": ("lead", lambda site: reverse("dashboard:roster", args=[site["event"].pk])),
    # Beyond the main pages, while they are cheap to check.
    "chapter": (None, lambda site: site["chapter"].get_absolute_url()),
    "signup-confirm": ("lead", lambda site: reverse("shift_signup", args=[site["event"].pk, site["resource"].pk])),
    "profile": ("volunteer", lambda site: reverse("profile")),
    "members": ("lead", lambda site: reverse("dashboard:members", args=[site["chapter"].slug])),
    "email-volunteers": ("lead", lambda site: reverse("dashboard:email_event", args=[site["event"].pk])),
    # The volunteer pages of issue #10: confirm steps, preferences, the feed, badges, the results feed.
    "cancel-confirm": ("volunteer", lambda site: reverse("signup_cancel", args=[site["held"].pk])),
    "leave-confirm": ("lead", lambda site: reverse("chapter_leave", args=[site["chapter"].slug])),
    "preferences": ("volunteer", lambda site: reverse("notification_preferences")),
    "preferences-lead": ("lead", lambda site: reverse("notification_preferences")),
    "calendar-feed": ("volunteer", lambda site: reverse("calendar_feed")),
    "event-members-only": ("lead", lambda site: site["members_event"].get_absolute_url()),
    "home-lead": ("lead", lambda site: reverse("home")),
    "home-filtered": (None, lambda site: reverse("home") + "?q=night&chapter=chicago&strategy=awareness_education"),
}


BOTH_SIZES = {
    "cancel-confirm",
    "leave-confirm",
    "preferences",
    "preferences-lead",
    "calendar-feed",
    "event-members-only",
    "home-lead",
    "home-filtered",
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violations(name, site, page, log_in):
    who, address = PAGES[name]
    if who:
        log_in(site[who])
    response = page.goto(address(site))
    assert response.status == 200, f"{address(site)} answered {response.status}"

    assert_accessible(page, name)
    screenshot(page, f"a11y-{name}", both=name in BOTH_SIZES)


def too_many_fields() -> str:
    """A search with more fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS): a 400."""
    return reverse("home") + "?" + "&".join(f"f{n}=1" for n in range(1001))


ERROR_PAGES = {
    # name: (who is signed in, the page's address, its status); tests.web.error_urls adds the failing views
    "404": (None, lambda site: site["members_event"].get_absolute_url(), 404),
    "404-signed-in": ("volunteer", lambda site: site["members_event"].get_absolute_url(), 404),
    "400": (None, lambda site: too_many_fields(), 400),
    "403": ("volunteer", lambda site: "/test-errors/403/", 403),
    "500": (None, lambda site: "/test-errors/500/", 500),
}


@pytest.mark.parametrize("name", ERROR_PAGES)
def test_error_page_has_no_serious_accessibility_violations(name, site, page, log_in, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    who, address, status = ERROR_PAGES[name]
    if who:
        log_in(site[who])
    response = page.goto(address(site))
    assert response.status == status, f"{address(site)[:80]} answered {response.status}"

    assert_accessible(page, f"error-{name}")
    page.set_viewport_size(PHONE)
    assert_accessible(page, f"error-{name}-phone")
    screenshot(page, f"a11y-error-{name}")


def test_csrf_failure_page_has_no_serious_accessibility_violations(site, page, log_in):
    log_in(site["volunteer"])
    page.goto(reverse("profile"))
    page.locator("main form input[name=csrfmiddlewaretoken]").evaluate("field => field.value = 'x'.repeat(64)")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Save profile").click()
    assert answer.value.status == 403

    assert_accessible(page, "error-csrf")
    screenshot(page, "a11y-error-csrf")


def test_axe_scan_reports_a_serious_violation(page):
    """Negative control: the scan does catch what it is there to catch."""
    page.set_content('<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>')

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "negative-control")

    assert "image-alt (critical)" in str(failure.value)
    assert "label (critical)" in str(failure.value)
