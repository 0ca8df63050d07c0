"""
The site feed's filters refuse a NUL byte and bytes that are not UTF-8 (issue 12, item 6) with a plain
400 that names the parameter and never echoes what was sent.
"""

import pytest

from tests.factories import EventFactory

NUL = "%00"
LONE_SURROGATE = "%ED%A0%80"  # UTF-8's encoding of U+D800, which UTF-8 forbids


@pytest.mark.parametrize("parameter", ["chapter", "strategy", "audience"])
@pytest.mark.parametrize("value", [NUL, LONE_SURROGATE, f"chicago{NUL}", f"youth{LONE_SURROGATE}"])
def test_site_feed_refuses_nul_and_invalid_utf8_naming_the_parameter(client, chapter, parameter, value):
    EventFactory(chapter=chapter)

    response = client.get(f"/feeds/events.ics?{parameter}={value}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"{parameter}: Give text in UTF-8 without null characters."


def test_site_feed_checks_every_filter_before_answering(client, chapter):
    EventFactory(chapter=chapter)

    response = client.get(f"/feeds/events.ics?chapter=chicago&audience={LONE_SURROGATE}")

    assert response.status_code == 400
    assert response.content.decode() == "audience: Give text in UTF-8 without null characters."


def test_site_feed_still_answers_a_good_filter(client, chapter):
    event = EventFactory(chapter=chapter)

    response = client.get("/feeds/events.ics?chapter=chicago")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"UID:{event.uid}".encode() in response.content
