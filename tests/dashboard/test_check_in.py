"""
Check-in on the roster: attended or no-show and the hours served, from CHECK_IN_OPENS_MINUTES
before the shift starts on; before that the roster says when it opens, and a check-in is refused.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import SignupStatus
from tests.factories import EventFactory, ShiftFactory, SignupFactory, UserFactory

from .conftest import messages_of

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
TWO_HOURS = dt.timedelta(hours=2)


@pytest.fixture
def event(chapter):
    """A published two-hour evening that started half an hour ago: its check-in is open."""
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=30)
    return EventFactory(
        chapter=chapter, title="Parents night", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )


@pytest.fixture
def ahead(chapter):
    """The same evening twelve days ahead, at 18:00 Chicago time."""
    day = timezone.localdate(timezone.now(), CHICAGO) + dt.timedelta(days=12)
    starts = dt.datetime.combine(day, dt.time(18, 0), tzinfo=CHICAGO)
    return EventFactory(
        chapter=chapter, title="Parents night", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def waiting(event_shift, signup):
    user = UserFactory(email="jose@example.org", display_name="José")
    return SignupFactory(shift=event_shift, user=user, status=SignupStatus.WAITLISTED)


def test_check_in_forms_are_labelled_per_volunteer(lead_client, event, signup):
    response = lead_client.get(reverse("dashboard:roster", args=[event.pk]))

    prefix = f"id_signup-{signup.pk}"
    assert (
        f'<label for="{prefix}-attended">Check-in<span class="visually-hidden"> of Sam</span></label>' in response.text
    )
    assert f'<label for="{prefix}-hours">Hours<span class="visually-hidden"> of Sam</span></label>' in response.text
    assert (
        '<button type="submit" class="button button--outline">Save<span class="visually-hidden"> '
        "check-in of Sam</span></button>"
    ) in response.text
    assert "Check-in opens" not in response.text


def test_check_in_attended_defaults_to_the_shifts_length(lead_client, event, signup):
    response = lead_client.post(
        reverse("dashboard:check_in", args=[signup.pk]), {f"signup-{signup.pk}-attended": "yes"}, follow=True
    )

    signup.refresh_from_db()
    assert (signup.attended, signup.hours) == (True, Decimal("2.00"))
    assert messages_of(response) == ["Sam attended: 2.00 hours."]
    assert response.redirect_chain == [(reverse("dashboard:roster", args=[event.pk]) + f"#signup-{signup.pk}", 302)]
    assert "Attended, 2.00 h" in response.text


def test_check_in_with_hours_and_no_show(lead_client, signup):
    url = reverse("dashboard:check_in", args=[signup.pk])
    lead_client.post(url, {f"signup-{signup.pk}-attended": "yes", f"signup-{signup.pk}-hours": "1.5"})
    signup.refresh_from_db()
    assert (signup.attended, signup.hours) == (True, Decimal("1.50"))

    response = lead_client.post(url, {f"signup-{signup.pk}-attended": "no"}, follow=True)

    signup.refresh_from_db()
    assert (signup.attended, signup.hours) == (False, Decimal("0.00"))
    assert messages_of(response)[-1] == "Sam is marked as a no-show."


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"attended": "no", "hours": "1"}, {"hours": ["A volunteer who did not come served no hours."]}),
        ({"attended": "yes", "hours": "25"}, {"hours": ["Ensure this value is less than or equal to 24."]}),
        ({"attended": "maybe"}, {"attended": ["Select a valid choice. maybe is not one of the available choices."]}),
    ],
)
def test_check_in_refusals_are_shown_beside_the_rows_field(lead_client, event, signup, data, errors):
    response = lead_client.post(
        reverse("dashboard:check_in", args=[signup.pk]), {f"signup-{signup.pk}-{k}": v for k, v in data.items()}
    )

    assert response.status_code == 400
    [shift] = response.context["shifts"]
    assert shift.roster[0].check_in_form.errors == errors
    field = next(iter(errors))
    assert f'<ul class="errorlist" id="id_signup-{signup.pk}-{field}_error">' in response.text
    signup.refresh_from_db()
    assert signup.attended is None


def test_a_waitlisted_volunteer_cannot_be_checked_in(lead_client, event, waiting):
    response = lead_client.post(
        reverse("dashboard:check_in", args=[waiting.pk]), {f"signup-{waiting.pk}-attended": "yes"}
    )

    assert response.status_code == 400
    [shift] = response.context["shifts"]
    assert shift.roster[1].check_in_form.errors == {"attended": ["Only a confirmed volunteer can be checked in."]}
    assert messages_of(response) == ["The check-in of José was not saved."]


# Before check-in opens


def test_roster_twelve_days_ahead_has_no_check_in_form_and_says_when_it_opens(lead_client, ahead, volunteer):
    signup = SignupFactory(shift=ShiftFactory(event=ahead, name="Greeter"), user=volunteer)

    response = lead_client.get(reverse("dashboard:roster", args=[ahead.pk]))

    [shift] = response.context["shifts"]
    assert (shift.check_in_open, getattr(shift.roster[0], "check_in_form", None)) == (False, None)
    opens = (ahead.starts_at - dt.timedelta(hours=1)).astimezone(CHICAGO)
    assert (
        f"Check-in opens {opens:%a} {opens.day} {opens:%b %Y}, 17:00 {opens:%Z}, 1 hour before the shift starts."
        in (response.text)
    )
    assert f'action="{reverse("dashboard:check_in", args=[signup.pk])}"' not in response.text
    assert "Check-in not open yet" in response.text


def test_check_in_twelve_days_ahead_is_refused_beside_the_field(lead_client, ahead, volunteer):
    signup = SignupFactory(shift=ShiftFactory(event=ahead, name="Greeter"), user=volunteer)

    response = lead_client.post(
        reverse("dashboard:check_in", args=[signup.pk]), {f"signup-{signup.pk}-attended": "yes"}
    )

    assert response.status_code == 400
    [shift] = response.context["shifts"]
    opens = (ahead.starts_at - dt.timedelta(hours=1)).astimezone(CHICAGO)
    when = f"{opens:%a %d %b %Y}, 17:00 {opens:%Z}"
    assert shift.roster[0].check_in_form.errors == {
        "attended": [f"Check-in for this shift opens at {when}, 1 hour before it starts."]
    }
    assert f'<ul class="errorlist" id="id_signup-{signup.pk}-attended_error">' in response.text
    assert messages_of(response) == ["The check-in of Sam was not saved."]
    signup.refresh_from_db()
    assert (signup.attended, signup.checked_in_at) == (None, None)


def test_roster_opens_check_in_an_hour_before_the_shift(lead_client, chapter, volunteer):
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=59)
    event = EventFactory(chapter=chapter, starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    later = ShiftFactory(event=event, name="Later", starts_at=starts + dt.timedelta(hours=1), ends_at=event.ends_at)
    SignupFactory(shift=ShiftFactory(event=event, name="Now"), user=volunteer)
    SignupFactory(shift=later)

    response = lead_client.get(reverse("dashboard:roster", args=[event.pk]))

    assert [(shift.name, shift.check_in_open) for shift in response.context["shifts"]] == [
        ("Now", True),
        ("Later", False),
    ]
