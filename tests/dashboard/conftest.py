import datetime as dt
import zoneinfo

import pytest

from events.enums import SignupStatus
from tests.factories import EventFactory, ShiftFactory, SignupFactory, UserFactory

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def event(chapter):
    """A published Chicago evening in January 2031 (CST, UTC-6) with one shift of two places."""
    starts = dt.datetime(2031, 1, 14, 18, 0, tzinfo=CHICAGO)
    return EventFactory(
        chapter=chapter, title="Parents night", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )


@pytest.fixture
def event_shift(event):
    return ShiftFactory(event=event, name="Greeter", capacity=2)


@pytest.fixture
def volunteer(db):
    return UserFactory(email="sam@example.org", display_name="Sam", legal_name="Samantha Lee", phone="+1 312 555 0103")


@pytest.fixture
def signup(event_shift, volunteer):
    return SignupFactory(shift=event_shift, user=volunteer, status=SignupStatus.CONFIRMED)


@pytest.fixture
def as_persona(client, persona):
    """as_persona(name) -> the test client, signed in as that persona ("anonymous": not signed in)."""

    def sign_in(name):
        if name != "anonymous":
            client.force_login(persona(name))
        return client

    return sign_in


def messages_of(response) -> list[str]:
    """The messages a (followed) response shows."""
    return [str(message) for message in response.context["messages"]]
