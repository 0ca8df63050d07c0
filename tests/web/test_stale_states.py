"""
A signup on a cancelled event or an ended shift says so and offers no cancelling, on the event page
and in My signups; a cancel sent anyway changes nothing (issue #10). Members-only events carry a badge.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus, SignupStatus, Visibility
from events.models import Signup
from tests.factories import EventFactory, ShiftFactory, SignupFactory


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def cancelled_event(chapter):
    return EventFactory(chapter=chapter, title="Called off", status=EventStatus.CANCELLED)


@pytest.fixture
def ended_event(chapter):
    starts = (timezone.now() - dt.timedelta(days=3)).replace(microsecond=0)
    return EventFactory(chapter=chapter, title="Last week", starts_at=starts, ends_at=starts + dt.timedelta(hours=2))


def test_event_page_of_a_cancelled_event_offers_no_cancelling(client, outsider, cancelled_event):
    mine = SignupFactory(user=outsider, shift=ShiftFactory(event=cancelled_event, name="Greeter"))
    client.force_login(outsider)

    html = client.get(cancelled_event.get_absolute_url()).text

    assert "This event was cancelled" in html
    assert "Cancel my place" not in html
    assert "You're signed up" not in html
    assert reverse("signup_cancel", args=[mine.pk]) not in html


@pytest.mark.parametrize(
    ("attended", "shown"), [(None, "You were signed up"), (True, "You served"), (False, "You were signed up")]
)
def test_event_page_of_an_ended_event_says_you_were_signed_up_or_served(client, outsider, ended_event, attended, shown):
    mine = SignupFactory(user=outsider, shift=ShiftFactory(event=ended_event, name="Greeter"), attended=attended)
    client.force_login(outsider)

    html = client.get(ended_event.get_absolute_url()).text

    assert f'<span class="badge">{shown}</span>' in html
    assert "You're signed up" not in html
    assert "Cancel my place" not in html
    assert reverse("signup_cancel", args=[mine.pk]) not in html


def test_an_ended_shift_of_a_running_event_offers_no_cancelling(client, outsider, chapter):
    starts = timezone.now() - dt.timedelta(hours=3)
    event = EventFactory(chapter=chapter, starts_at=starts, ends_at=starts + dt.timedelta(hours=6))
    early = ShiftFactory(event=event, name="Set-up", starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    late = ShiftFactory(event=event, name="Clear-up", starts_at=starts + dt.timedelta(hours=5), ends_at=event.ends_at)
    SignupFactory(user=outsider, shift=early)
    SignupFactory(user=outsider, shift=late)
    client.force_login(outsider)

    html = client.get(event.get_absolute_url()).text

    assert 'Cancel my place<span class="visually-hidden">: Set-up</span>' not in html
    assert 'Cancel my place<span class="visually-hidden">: Clear-up</span>' in html
    assert '<span class="badge">You were signed up</span>' in html


def test_my_signups_shows_a_cancelled_event_without_a_cancel_button(client, outsider, cancelled_event):
    SignupFactory(user=outsider, shift=ShiftFactory(event=cancelled_event))
    client.force_login(outsider)

    html = client.get(reverse("my_signups")).text

    assert "This event was cancelled" in html
    assert "Cancel my place" not in html


def test_my_signups_past_rows_say_you_were_signed_up_or_served(client, outsider, ended_event):
    SignupFactory(user=outsider, shift=ShiftFactory(event=ended_event, name="Greeter"))
    SignupFactory(
        user=outsider, shift=ShiftFactory(event=ended_event, name="Host"), attended=True, hours=Decimal("2.00")
    )
    client.force_login(outsider)

    html = client.get(reverse("my_signups")).text

    assert '<span class="badge">You were signed up</span>' in html
    assert '<span class="badge">You served</span>' in html
    assert "Confirmed" not in html
    assert "Cancel my place" not in html


@pytest.mark.parametrize(
    ("which", "heading", "refusal"),
    [
        (
            "cancelled_event",
            "This event was cancelled",
            "This event was cancelled, so there is no place to cancel; nothing was changed.",
        ),
        ("ended_event", "This shift is over", "This shift is over; nothing was changed."),
    ],
)
def test_cancelling_a_stale_place_is_refused_and_changes_nothing(client, outsider, request, which, heading, refusal):
    event = request.getfixturevalue(which)
    mine = SignupFactory(user=outsider, shift=ShiftFactory(event=event))
    client.force_login(outsider)
    url = reverse("signup_cancel", args=[mine.pk])

    asked = client.get(url)
    done = client.post(url, {"next": event.get_absolute_url()}, follow=True)

    assert f"<h1>{heading}</h1>" in asked.text
    assert 'Cancel my place<span class="visually-hidden">' not in asked.text
    assert done.redirect_chain == [(event.get_absolute_url(), 302)]
    assert messages_of(done) == [refusal]
    assert Signup.objects.get(pk=mine.pk).status == SignupStatus.CONFIRMED


def test_event_card_of_a_cancelled_event_does_not_say_signed_up(client, outsider, cancelled_event):
    SignupFactory(user=outsider, shift=ShiftFactory(event=cancelled_event))
    client.force_login(outsider)

    html = client.get(reverse("home")).text

    assert "Called off" in html
    assert "You're signed up" not in html


# Members only (issue #10, item 13)


def test_members_only_event_carries_a_badge_on_its_card_and_its_page(client, chapter, member):
    event = EventFactory(chapter=chapter, title="Members evening", visibility=Visibility.MEMBERS)
    EventFactory(chapter=chapter, title="Open evening")
    client.force_login(member)
    badge = '<span class="badge badge--members">Members only</span>'

    home = client.get(reverse("home")).text
    chapter_page = client.get(chapter.get_absolute_url()).text
    page = client.get(event.get_absolute_url()).text

    assert home.count(badge) == 1
    assert chapter_page.count(badge) == 1
    assert badge in page
    assert "Only members of Chicago see this event." in page


def test_public_event_carries_no_members_badge(client, chapter):
    event = EventFactory(chapter=chapter)

    assert "Members only" not in client.get(event.get_absolute_url()).text
    assert "Members only" not in client.get(reverse("home")).text
