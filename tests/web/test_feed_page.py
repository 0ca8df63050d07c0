"""The personal feed page: its Referrer-Policy keeps the page's own forms working (issue #10)."""

import pytest


@pytest.fixture
def logged_in(client, outsider):
    client.force_login(outsider)
    return client


def test_feed_page_referrer_policy_is_same_origin_not_no_referrer(logged_in):
    """`no-referrer` made Chromium post the page's own forms with `Origin: null`, refused by the CSRF check."""
    for response in (logged_in.get("/me/calendar/"), logged_in.post("/me/calendar/")):
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cache-Control"] == "no-store"


def test_feed_page_forms_post_to_a_url_without_the_token(logged_in):
    html = logged_in.post("/me/calendar/").content.decode()

    assert '<form method="post">' in html  # posts to /me/calendar/ itself: no secret in any URL it sends


def test_creating_then_replacing_says_which(logged_in):
    created = logged_in.post("/me/calendar/", follow=True)
    replaced = logged_in.post("/me/calendar/", follow=True)

    assert [str(m) for m in created.context["messages"]] == ["Your calendar feed is ready."]
    assert [str(m) for m in replaced.context["messages"]] == [
        "Your calendar feed has a new address; the old one no longer works."
    ]
