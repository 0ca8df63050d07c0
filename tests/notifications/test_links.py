"""One-click links in reminders: they work without signing in, for their own signup only, until they expire."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.enums import SignupStatus
from events.messages import signup_link_token
from events.models import Signup
from events.services import signup_create


@pytest.fixture
def zone():
    return "Europe/Berlin"


@pytest.fixture
def signups(place, volunteers, committed):
    made = [committed(signup_create, user=user, shift=place["shift"]) for user in volunteers[:3]]
    mail.outbox.clear()
    return made


def url(signup, action, token):
    return reverse("signup_link", kwargs={"pk": signup.pk, "action": action, "token": token})


def test_cancel_link_asks_then_cancels_and_promotes_the_next(client, signups, django_capture_on_commit_callbacks):
    link = url(signups[0], "cancel", signup_link_token(signups[0], "cancel"))

    page = client.get(link)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)

    assert page.status_code == 200
    assert "Cancel your place?" in page.text
    assert done.status_code == 200
    assert "Your place is cancelled" in done.text
    assert Signup.objects.get(pk=signups[0].pk).status == SignupStatus.CANCELLED
    assert Signup.objects.get(pk=signups[2].pk).status == SignupStatus.CONFIRMED
    assert [m.to[0] for m in mail.outbox] == ["v1@example.org", "v3@example.org"]


def test_still_coming_link_thanks_and_changes_nothing(client, signups):
    response = client.get(url(signups[0], "confirm", signup_link_token(signups[0], "confirm")))

    assert response.status_code == 200
    assert "Thank you, see you there!" in response.text
    assert "Friday 14 March 2031, 16:00\N{EN DASH}18:00 CET (Europe/Berlin)" in response.text
    assert Signup.objects.get(pk=signups[0].pk).status == SignupStatus.CONFIRMED


def test_tampered_link_does_nothing_and_says_why(client, signups):
    token = signup_link_token(signups[0], "cancel")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client.post(url(signups[0], "cancel", tampered))

    assert response.status_code == 400
    assert "This link is not valid: it may have been altered or copied incompletely." in response.text
    assert Signup.objects.get(pk=signups[0].pk).status == SignupStatus.CONFIRMED


def test_expired_link_does_nothing_and_says_why(client, signups, settings):
    old = timezone.now() - dt.timedelta(days=settings.SIGNUP_LINK_MAX_AGE_DAYS, seconds=5)
    token = signup_link_token(signups[0], "cancel", now=old)

    response = client.post(url(signups[0], "cancel", token))

    assert response.status_code == 410
    assert "This link has expired." in response.text
    assert Signup.objects.get(pk=signups[0].pk).status == SignupStatus.CONFIRMED


def test_link_for_another_signup_does_nothing_and_says_why(client, signups):
    token = signup_link_token(signups[0], "cancel")

    response = client.post(url(signups[1], "cancel", token))
    confirm_used_to_cancel = client.post(url(signups[0], "cancel", signup_link_token(signups[0], "confirm")))

    assert response.status_code == 400
    assert "This link is for another signup; nothing was changed." in response.text
    assert confirm_used_to_cancel.status_code == 400
    assert list(Signup.objects.order_by("pk").values_list("status", flat=True)) == [
        SignupStatus.CONFIRMED,
        SignupStatus.CONFIRMED,
        SignupStatus.WAITLISTED,
    ]


def test_cancel_link_used_twice_says_already_cancelled(client, signups):
    link = url(signups[0], "cancel", signup_link_token(signups[0], "cancel"))
    client.post(link)

    again = client.post(link)

    assert again.status_code == 409
    assert "This place is already cancelled; nothing was changed." in again.text


def test_reminder_links_in_the_email_work(client, place, signups):
    from events.messages import send_due

    from .conftest import STARTS

    send_due(now=STARTS - dt.timedelta(hours=23))
    body = mail.outbox[0].body
    cancel = next(line for line in body.splitlines() if "/cancel/" in line).removeprefix("https://outreach.test")

    response = client.post(cancel)

    assert response.status_code == 200
    assert Signup.objects.get(pk=signups[0].pk).status == SignupStatus.CANCELLED
