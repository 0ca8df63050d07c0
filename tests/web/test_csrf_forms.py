"""Django's test client skips CSRF checks, so a form rendered without its token passes every other test."""

import re

import pytest

from events.enums import SignupStatus
from tests.factories import EventFactory, ShiftFactory, SignupFactory

FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


@pytest.fixture
def volunteer_pages(client, chapter, member):
    event = EventFactory(chapter=chapter)
    shift = ShiftFactory(event=event, capacity=1)
    SignupFactory(shift=shift, user=member)
    SignupFactory(shift=ShiftFactory(event=EventFactory(chapter=chapter)), user=member)
    waiting = ShiftFactory(event=EventFactory(chapter=chapter), capacity=1)
    SignupFactory(shift=waiting)
    SignupFactory(shift=waiting, user=member, status=SignupStatus.WAITLISTED)
    client.force_login(member)
    return client, ["/", f"/events/{event.pk}/", "/me/signups/", "/me/profile/", "/chapters/chicago/", "/me/calendar/"]


def test_every_post_form_carries_its_csrf_token(volunteer_pages):
    client, paths = volunteer_pages
    checked = 0

    for path in paths:
        html = client.get(path).content.decode()
        for body in FORM.findall(html):
            assert 'name="csrfmiddlewaretoken"' in body, f"a POST form on {path} has no CSRF token:\n{body[:300]}"
            checked += 1

    assert checked >= 8  # sign out on each page, cancel and leave-waitlist rows, leave chapter, profile, feed
