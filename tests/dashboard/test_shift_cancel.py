"""Cancelling one shift from the dashboard: a confirmation page with a note for its volunteers."""

import pytest
from django.core import mail
from django.urls import reverse

from events.enums import SignupStatus
from events.models import Shift, Signup
from tests.factories import ShiftFactory, SignupFactory, UserFactory

from .conftest import messages_of

WHEN = "Tuesday 14 January 2031, 18:00\N{EN DASH}20:00 CST (America/Chicago)"


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.TASKS_BACKEND = "immediate"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def cancel_url(event_shift):
    return reverse("dashboard:shift_cancel", args=[event_shift.pk])


@pytest.mark.parametrize("who", ["lead", "coordinator"])
def test_shift_cancel_page_asks_for_confirmation(as_persona, cancel_url, signup, who):
    response = as_persona(who).get(cancel_url)

    assert response.status_code == 200
    assert "<h1>Cancel the shift Greeter?</h1>" in response.text
    assert "The 1 volunteer with a place or on the waitlist loses it and is sent your note." in response.text
    assert '<button type="submit" class="button button--danger">Yes, cancel the shift</button>' in response.text


@pytest.mark.parametrize("who", ["member", "outsider", "other_lead"])
def test_shift_cancel_is_404_outside_the_users_scope(as_persona, cancel_url, event_shift, who):
    client = as_persona(who)

    assert client.get(cancel_url).status_code == 404
    assert client.post(cancel_url, {"note": "No"}).status_code == 404
    event_shift.refresh_from_db()
    assert event_shift.cancelled_at is None


def test_shift_cancel_sends_anonymous_users_to_sign_in(client, cancel_url, event_shift):
    response = client.post(cancel_url, {"note": "No"})

    assert (response.status_code, response["Location"]) == (302, f"{reverse('account_login')}?next={cancel_url}")
    event_shift.refresh_from_db()
    assert event_shift.cancelled_at is None


@pytest.mark.parametrize("who", ["lead", "coordinator"])
def test_shift_cancel_cancels_its_signups_and_tells_each_volunteer(
    as_persona, cancel_url, event, event_shift, signup, django_capture_on_commit_callbacks, who
):
    waitlisted = SignupFactory(
        shift=event_shift, user=UserFactory(email="kim@example.org"), status=SignupStatus.WAITLISTED
    )
    other = SignupFactory(shift=ShiftFactory(event=event, name="Setup"), user=UserFactory(email="lee@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona(who).post(cancel_url, {"note": "We have enough greeters."}, follow=True)

    assert response.redirect_chain == [(reverse("dashboard:event", args=[event.pk]), 302)]
    assert messages_of(response) == ["The shift “Greeter” is cancelled."]
    event_shift.refresh_from_db()
    assert (event_shift.is_cancelled, event_shift.cancellation_note) == (True, "We have enough greeters.")
    assert dict(Signup.objects.values_list("pk", "status")) == {
        signup.pk: SignupStatus.CANCELLED,
        waitlisted.pk: SignupStatus.CANCELLED,
        other.pk: SignupStatus.CONFIRMED,
    }
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        (["kim@example.org"], "Cancelled: Greeter at Parents night"),
        (["sam@example.org"], "Cancelled: Greeter at Parents night"),
    ]
    for message in mail.outbox:
        assert "A note from the organizers:\nWe have enough greeters.\n" in message.body
        assert f"When: {WHEN}\n" in message.body


def test_cancelling_a_shift_twice_is_reported(as_persona, cancel_url, event, event_shift):
    client = as_persona("lead")
    client.post(cancel_url, {"note": "First"}, follow=True)

    response = client.post(cancel_url, {"note": "Second"}, follow=True)

    assert messages_of(response) == ["Not cancelled: This shift is already cancelled."]
    assert Shift.objects.values_list("cancellation_note", flat=True).get(pk=event_shift.pk) == "First"
    page = client.get(cancel_url)
    assert "This shift is already cancelled." in page.text
    assert "Yes, cancel the shift" not in page.text


def test_a_cancelled_shift_is_listed_as_cancelled_on_both_event_pages(as_persona, cancel_url, event, event_shift):
    client = as_persona("lead")
    open_shift = ShiftFactory(event=event, name="Setup")
    client.post(cancel_url, {"note": "Not needed."})

    dashboard = client.get(reverse("dashboard:event", args=[event.pk]))
    public = as_persona("outsider").get(event.get_absolute_url())

    assert '<th scope="row">Greeter <span class="badge badge--cancelled">Cancelled</span></th>' in dashboard.text
    assert reverse("dashboard:shift_edit", args=[event_shift.pk]) not in dashboard.text
    assert reverse("dashboard:shift_cancel", args=[event_shift.pk]) not in dashboard.text
    assert reverse("dashboard:shift_cancel", args=[open_shift.pk]) in dashboard.text
    assert [shift.name for shift in public.context["shifts"]] == ["Greeter", "Setup"]
    assert '<span class="badge badge--cancelled">Cancelled</span>' in public.text
    assert "Not needed." in public.text
    assert reverse("shift_signup", args=[event.pk, event_shift.pk]) not in public.text
    assert reverse("shift_signup", args=[event.pk, open_shift.pk]) in public.text
