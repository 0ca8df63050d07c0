import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.enums import EventStatus, SignupStatus, Visibility
from events.models import Signup
from tests.factories import PASSWORD, EventFactory, ShiftFactory, SignupFactory, UserFactory


def test_signup_confirms_then_waitlists_with_positions(as_user, shift):
    users = UserFactory.create_batch(4)

    answers = [as_user(user).post(f"/api/v1/shifts/{shift.pk}/signups/") for user in users]

    assert [a.status_code for a in answers] == [201, 201, 201, 201]
    assert [(a.json()["status"], a.json()["waitlist_position"]) for a in answers] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    first = answers[0].json()
    assert set(first) == {"id", "shift", "event", "status", "waitlist_position", "created_at", "attended", "hours"}
    assert (first["shift"], first["event"], first["attended"], first["hours"]) == (
        shift.pk,
        shift.event_id,
        None,
        None,
    )


def test_second_signup_for_the_same_shift_is_a_conflict(as_user, shift, outsider):
    client = as_user(outsider)
    client.post(f"/api/v1/shifts/{shift.pk}/signups/")

    response = client.post(f"/api/v1/shifts/{shift.pk}/signups/")

    assert response.status_code == 409
    assert response.json() == {"shift": ["You already have a place or a waitlist spot on this shift."]}
    assert Signup.objects.filter(user=outsider).count() == 1


def test_overlapping_shift_is_a_conflict(as_user, chapter, outsider):
    first = ShiftFactory(event__chapter=chapter, event__title="Morning table")
    overlapping = ShiftFactory(
        event__chapter=chapter,
        event__starts_at=first.starts_at + dt.timedelta(hours=1),
        event__ends_at=first.ends_at + dt.timedelta(hours=1),
    )
    client = as_user(outsider)
    client.post(f"/api/v1/shifts/{first.pk}/signups/")

    response = client.post(f"/api/v1/shifts/{overlapping.pk}/signups/")

    assert response.status_code == 409
    assert response.json() == {"shift": ["You are already signed up for “Morning table: Table host” at the same time."]}


@pytest.mark.parametrize(
    ("event_kwargs", "message"),
    [
        ({"status": EventStatus.CANCELLED}, "This event has been cancelled."),
        (
            {
                "starts_at": dt.datetime(2020, 1, 1, 10, tzinfo=dt.UTC),
                "ends_at": dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC),
            },
            "This shift has already ended.",
        ),
    ],
)
def test_signup_refused_for_closed_event(as_user, chapter, outsider, event_kwargs, message):
    shift = ShiftFactory(event=EventFactory(chapter=chapter, **event_kwargs))

    response = as_user(outsider).post(f"/api/v1/shifts/{shift.pk}/signups/")

    assert response.status_code == 400
    assert response.json() == {"shift": [message]}
    assert Signup.objects.count() == 0


def test_signup_for_invisible_event_is_not_found(as_user, chapter, outsider, member):
    draft = ShiftFactory(event__chapter=chapter, event__status=EventStatus.DRAFT)
    members_only = ShiftFactory(event__chapter=chapter, event__visibility=Visibility.MEMBERS)

    assert as_user(outsider).post(f"/api/v1/shifts/{draft.pk}/signups/").status_code == 404
    assert as_user(outsider).post(f"/api/v1/shifts/{members_only.pk}/signups/").status_code == 404
    assert as_user(member).post(f"/api/v1/shifts/{members_only.pk}/signups/").status_code == 201
    assert as_user(outsider).post("/api/v1/shifts/999999/signups/").status_code == 404


def test_signup_needs_authentication(api, shift):
    response = api.post(f"/api/v1/shifts/{shift.pk}/signups/")

    assert response.status_code == 401
    assert Signup.objects.count() == 0


def test_cancel_promotes_first_waitlisted(as_user, shift):
    (
        confirmed,
        _second,
    ) = SignupFactory.create_batch(2, shift=shift)
    first_waiting = SignupFactory(shift=shift, status=SignupStatus.WAITLISTED)
    second_waiting = SignupFactory(shift=shift, status=SignupStatus.WAITLISTED)

    response = as_user(confirmed.user).delete(f"/api/v1/signups/{confirmed.pk}/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["waitlist_position"]) == ("cancelled", None)
    first_waiting.refresh_from_db()
    assert first_waiting.status == SignupStatus.CONFIRMED
    remaining = Signup.objects.with_waitlist_position().get(pk=second_waiting.pk)
    assert remaining.waitlist_position == 1


def test_someone_elses_signup_is_not_found(as_user, shift, outsider, other_lead):
    signup = SignupFactory(shift=shift)

    for user in (outsider, other_lead):
        assert as_user(user).get(f"/api/v1/signups/{signup.pk}/").status_code == 404
        assert as_user(user).delete(f"/api/v1/signups/{signup.pk}/").status_code == 404
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED


@pytest.fixture
def started_shift(chapter):
    """A two-hour shift that started half an hour ago: its check-in is open."""
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=30)
    return ShiftFactory(event__chapter=chapter, event__starts_at=starts, capacity=2)


def test_lead_checks_in_a_volunteer(as_user, lead, started_shift):
    signup = SignupFactory(shift=started_shift)

    response = as_user(lead).post(f"/api/v1/signups/{signup.pk}/check-in/", {"attended": True}, format="json")

    assert response.status_code == 200
    assert (response.json()["attended"], response.json()["hours"]) == (True, "2.00")


def test_check_in_before_it_opens_is_refused_naming_the_field(as_user, lead, shift):
    signup = SignupFactory(shift=shift)  # a week ahead

    response = as_user(lead).post(f"/api/v1/signups/{signup.pk}/check-in/", {"attended": True}, format="json")

    assert response.status_code == 400
    [message] = response.json()["attended"]
    assert message.startswith("Check-in for this shift opens at ")
    assert message.endswith(", 1 hour before it starts.")
    signup.refresh_from_db()
    assert signup.attended is None


def test_volunteer_cannot_check_themselves_in(as_user, shift):
    signup = SignupFactory(shift=shift)

    response = as_user(signup.user).post(f"/api/v1/signups/{signup.pk}/check-in/", {"attended": True}, format="json")

    assert response.status_code == 403
    signup.refresh_from_db()
    assert signup.attended is None


def test_check_in_refuses_bad_hours(as_user, lead, started_shift):
    signup = SignupFactory(shift=started_shift)

    response = as_user(lead).post(
        f"/api/v1/signups/{signup.pk}/check-in/", {"attended": True, "hours": "30"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["hours"]


def test_my_signups_lists_only_mine(as_user, shift, outsider):
    mine = SignupFactory(shift=shift, user=outsider)
    SignupFactory(shift=shift)

    response = as_user(outsider).get("/api/v1/me/signups/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert response.json()["results"][0]["event_title"] == shift.event.title


@pytest.mark.parametrize("size", [1, 3])
def test_my_signups_query_count_does_not_grow(as_user, chapter, outsider, size):
    for _ in range(size):
        SignupFactory(user=outsider, shift=ShiftFactory(event__chapter=chapter))
    client = as_user(outsider)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me/signups/")

    assert len(response.json()["results"]) == size
    assert len(queries) == 2  # count, page


def test_token_for_email_and_password(api, outsider):
    EmailAddress.objects.create(user=outsider, email=outsider.email, verified=True, primary=True)

    response = api.post("/api/v1/auth/token/", {"email": outsider.email, "password": PASSWORD}, format="json")
    me = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    assert response.status_code == 200
    assert me.json() == {
        "email": outsider.email,
        "display_name": outsider.display_name,
        "legal_name": "",
        "phone": "",
        "is_staff": False,
    }


def test_token_same_answer_for_wrong_password_and_unknown_email(api, outsider):
    EmailAddress.objects.create(user=outsider, email=outsider.email, verified=True, primary=True)

    wrong = api.post("/api/v1/auth/token/", {"email": outsider.email, "password": "nope"}, format="json")
    unknown = api.post("/api/v1/auth/token/", {"email": "nobody@example.org", "password": "nope"}, format="json")

    assert wrong.status_code == unknown.status_code == 400
    assert (
        wrong.json() == unknown.json() == {"non_field_errors": ["Unable to log in with the email and password given."]}
    )


def test_me_update_keeps_email_and_staff_read_only(as_user, outsider):
    response = as_user(outsider).patch(
        "/api/v1/me/",
        {"display_name": "Robin", "phone": "+1 555 0199", "email": "evil@example.org", "is_staff": True},
        format="json",
    )

    assert response.status_code == 200
    outsider.refresh_from_db()
    assert (outsider.display_name, outsider.phone, outsider.email, outsider.is_staff) == (
        "Robin",
        "+1 555 0199",
        "outsider@example.org",
        False,
    )
