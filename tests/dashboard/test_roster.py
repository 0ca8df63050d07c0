"""The roster with contact details, and its CSV export; check-in is in test_check_in.py."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from events.enums import SignupStatus
from tests.factories import ShiftFactory, SignupFactory, UserFactory


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def evil(event_shift):
    """A confirmed volunteer whose profile is a spreadsheet formula injection attempt."""
    user = UserFactory(
        email="evil@example.org", display_name="=cmd|' /C calc'!A0", legal_name="@SUM(1+1)", phone="-2+3"
    )
    return SignupFactory(shift=event_shift, user=user)


@pytest.fixture
def waiting(event_shift, signup, evil):
    user = UserFactory(email="jose@example.org", display_name="José", legal_name="\tJosé Ruiz, Jr.")
    return SignupFactory(shift=event_shift, user=user, status=SignupStatus.WAITLISTED)


@pytest.fixture
def left(event_shift):
    user = UserFactory(email="left@example.org", display_name="Left")
    return SignupFactory(
        shift=event_shift, user=user, status=SignupStatus.CANCELLED, cancelled_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    )


def test_roster_shows_contact_details_statuses_and_waitlist_positions(lead_client, event, signup, waiting, left):
    response = lead_client.get(reverse("dashboard:roster", args=[event.pk]))

    [shift] = response.context["shifts"]
    assert [(str(s.user), s.status, s.waitlist_position) for s in shift.roster] == [
        ("Sam", "confirmed", None),
        ("=cmd|' /C calc'!A0", "confirmed", None),
        ("José", "waitlisted", 1),
        ("Left", "cancelled", None),
    ]
    assert '<th scope="row">Sam</th>' in response.text
    assert '<td data-label="Legal name">Samantha Lee</td>' in response.text
    assert '<a href="mailto:sam@example.org">sam@example.org</a>' in response.text
    assert '<a href="tel:+1 312 555 0103">+1 312 555 0103</a>' in response.text
    assert "(#1 on the waitlist)" in response.text
    assert "2 of 2 confirmed" in response.text


def test_contact_details_appear_only_on_the_roster(lead_client, client, event, signup):
    overview = lead_client.get(reverse("dashboard:event", args=[event.pk]))
    public = lead_client.get(event.get_absolute_url())

    for response in (overview, public):
        assert response.status_code == 200
        for detail in ("Samantha Lee", "sam@example.org", "555 0103"):
            assert detail not in response.text


def test_roster_csv_is_byte_exact_with_formulas_neutralized(lead_client, event, signup, waiting, left):
    ShiftFactory(event=event, name="Empty")
    signup.attended, signup.hours = True, Decimal("2.00")
    signup.save()

    response = lead_client.get(reverse("dashboard:roster_csv", args=[event.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="roster-{event.pk}-parents-night.csv"'
    when = "Greeter,2031-01-14 18:00 America/Chicago,"
    assert (
        response.content
        == (
            "\ufeffShift,Shift starts,Display name,Legal name,Email,Phone,Status,Waitlist position,Attended,Hours\r\n"
            f"{when}Sam,Samantha Lee,sam@example.org,'+1 312 555 0103,Confirmed,,yes,2.00\r\n"
            f"{when}'=cmd|' /C calc'!A0,'@SUM(1+1),evil@example.org,'-2+3,Confirmed,,,\r\n"
            f'{when}José,"\'\tJosé Ruiz, Jr.",jose@example.org,,Waitlisted,1,,\r\n'
            f"{when}Left,,left@example.org,,Cancelled,,,\r\n"
        ).encode()
    )


def test_roster_csv_neutralizes_carriage_returns_and_quotes_line_breaks(lead_client, event, event_shift):
    user = UserFactory(email="cr@example.org", display_name="\r=1+1", legal_name="+A\nB")
    SignupFactory(shift=event_shift, user=user)

    response = lead_client.get(reverse("dashboard:roster_csv", args=[event.pk]))

    assert response.content.decode().split("\r\n")[1:] == [
        'Greeter,2031-01-14 18:00 America/Chicago,"\'\r=1+1","\'+A\nB",cr@example.org,,Confirmed,,,',
        "",
    ]
