"""
Error pages are not dead ends (issue #10): each has the site's layout, a way back and help. The
tests run with DEBUG off, as production does, so Django's own handlers would answer otherwise.
"""

import re

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client

from events.enums import EventStatus, Visibility
from tests.factories import EventFactory
from web.views.errors import sign_in_url

ERROR_URLS = "tests.web.error_urls"


def assert_is_a_way_back(html: str) -> None:
    """The site's header, a link home, the event search, and the help line."""
    assert '<a class="brand" href="/">Outreach</a>' in html
    assert '<nav aria-label="Main">' in html
    assert '<a href="/">Home: find an event</a>' in html
    assert re.search(r'<form method="get" action="/" role="search"[^>]*>\s*<label for="error-search-q">', html)
    assert '<input type="search" id="error-search-q" name="q"' in html
    assert "Need help or want to report a concern?" in html
    assert "call your local emergency number" in html


def normalised(html: str, pk: int) -> str:
    """The page with the asked-for id and the (masked, so each time different) CSRF token taken out."""
    html = html.replace(f"/events/{pk}/", "/events/<id>/")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = ERROR_URLS
    return Client(raise_request_exception=False)


def test_tests_run_with_debug_off():
    assert settings.DEBUG is False


# 404


def test_unknown_page_is_404_with_a_way_back(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
    assert_is_a_way_back(response.text)


def test_404_offers_a_signed_out_visitor_a_sign_in_that_returns_to_the_page(client, db):
    response = client.get("/events/999999/")

    assert response.status_code == 404
    assert "Some events are visible only to a chapter's members, after signing in." in response.text
    assert '<a href="/accounts/login/?next=/events/999999/">Sign in and come back to this page</a>' in response.text


def test_404_sign_in_link_encodes_the_whole_path_and_query(client, db):
    response = client.get("/events/999999/", {"a": "1&b=<x>", "c": '"'})

    link = re.search(r'<a href="/accounts/login/\?next=([^"]*)">Sign in and come back to this page</a>', response.text)
    assert link[1] == "/events/999999/%3Fa%3D1%2526b%253D%253Cx%253E%26c%3D%2522"
    assert "<x>" not in response.text


def test_404_sign_in_link_never_returns_off_the_site(rf):
    request = rf.get("/")
    request.path = "//evil.example/"

    assert sign_in_url(request) == "/accounts/login/?next=/"


def test_404_is_the_same_for_a_missing_id_a_members_only_event_and_a_draft(client, chapter):
    members_only = EventFactory(chapter=chapter, title="Members evening", visibility=Visibility.MEMBERS)
    draft = EventFactory(chapter=chapter, title="Draft evening", status=EventStatus.DRAFT)
    missing = draft.pk + 1000

    pages = {
        name: normalised(client.get(f"/events/{pk}/").text, pk)
        for name, pk in (("missing", missing), ("members only", members_only.pk), ("draft", draft.pk))
    }

    assert pages["members only"] == pages["missing"]
    assert pages["draft"] == pages["missing"]
    assert "Members evening" not in pages["members only"]


def test_404_for_a_signed_in_outsider_has_no_sign_in_link_and_says_the_same(client, chapter, outsider):
    members_only = EventFactory(chapter=chapter, visibility=Visibility.MEMBERS)
    client.force_login(outsider)

    hidden = client.get(f"/events/{members_only.pk}/")
    missing = client.get(f"/events/{members_only.pk + 1000}/")

    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert "/accounts/login/?next=" not in hidden.text
    assert "Some events are visible only to a chapter's members." in hidden.text
    assert normalised(hidden.text, members_only.pk) == normalised(missing.text, members_only.pk + 1000)
    assert '<a href="/me/signups/">My signups</a>' in hidden.text


def test_api_404_stays_json(client, db):
    response = client.get("/api/v1/no-such-thing/")

    assert (response.status_code, response["Content-Type"], response.json()) == (
        404,
        "application/json",
        {"detail": "Not found."},
    )


# 403, 400, 500


def test_403_has_the_layout_and_a_way_back_and_no_detail(failing, db):
    response = failing.get("/test-errors/403/")

    assert response.status_code == 403
    assert "<h1>You cannot do that here</h1>" in response.text
    assert "secret detail" not in response.text
    assert_is_a_way_back(response.text)


def test_400_has_the_layout_and_a_way_back(failing, db):
    response = failing.get("/test-errors/400/")

    assert response.status_code == 400
    assert "<h1>We could not understand that request</h1>" in response.text
    assert_is_a_way_back(response.text)


def test_400_for_a_search_with_far_too_many_fields(client, db):
    response = client.get("/?" + "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)))

    assert response.status_code == 400
    assert "<h1>We could not understand that request</h1>" in response.text


def test_500_has_the_layout_and_a_way_back(failing):
    """No `db` fixture: the database is out of reach, and the 500 page must not need it."""
    response = failing.get("/test-errors/500/")

    assert response.status_code == 500
    assert "<h1>Something went wrong on our side</h1>" in response.text
    assert "boom" not in response.text
    assert '<link rel="stylesheet" href="/static/css/site.css">' in response.text
    assert_is_a_way_back(response.text)


def test_500_template_renders_with_no_context_no_request_and_no_database():
    html = loader.get_template("500.html").render()

    assert "<h1>Something went wrong on our side</h1>" in html
    assert "{%" not in html
    assert "{{" not in html


def test_api_500_is_json(failing):
    response = failing.get("/api/v1/test-errors/500/")

    assert (response.status_code, response.json()) == (500, {"detail": "A server error occurred."})


# The CSRF failure


def test_csrf_failure_page_says_nothing_changed_and_shows_a_way_back(outsider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)

    response = client.post("/me/profile/", {"display_name": "Changed"})

    assert response.status_code == 403
    assert "<h1>The form could not be sent</h1>" in response.text
    assert "Nothing was changed." in response.text
    assert_is_a_way_back(response.text)
    outsider.refresh_from_db()
    assert outsider.display_name != "Changed"


def test_feed_404_is_plain_text_and_sets_no_cookie_even_when_signed_in(client, member):
    """A page with the site's header would set the CSRF cookie of its Sign out form; calendar apps get none."""
    client.force_login(member)

    response = client.get("/feeds/chapters/nowhere.ics")

    assert (response.status_code, response["Content-Type"], response.content) == (
        404,
        "text/plain; charset=utf-8",
        b"Not found.",
    )
    assert not response.cookies
