"""Adding, editing and deleting an event's shifts, with local times in the event's zone; set-up and clear-up too."""

import datetime as dt

import pytest
from django.urls import reverse

from events.enums import SignupStatus
from events.models import Shift
from tests.factories import ShiftFactory, SignupFactory

from .conftest import messages_of

UTC = dt.UTC


def shift_data(**overrides) -> dict:
    data = {
        "name": "Table host",
        "description": "Hand out leaflets.",
        "start_date": "2031-01-14",
        "start_time": "18:30",
        "end_date": "2031-01-14",
        "end_time": "19:30",
        "capacity": "3",
    }
    return data | overrides


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def test_new_shift_form_names_the_events_zone(lead_client, event):
    response = lead_client.get(reverse("dashboard:shift_new", args=[event.pk]))

    assert "Local time in America/Chicago, the event's time zone." in response.text
    assert response.context["form"]["start_time"].value() == dt.time(18, 0)


def test_add_a_shift(lead_client, event):
    response = lead_client.post(reverse("dashboard:shift_new", args=[event.pk]), shift_data(), follow=True)

    shift = Shift.objects.get(event=event)
    assert messages_of(response) == ["The shift “Table host” was added."]
    assert (shift.name, shift.description, shift.starts_at, shift.ends_at, shift.capacity) == (
        "Table host",
        "Hand out leaflets.",
        dt.datetime(2031, 1, 15, 0, 30, tzinfo=UTC),
        dt.datetime(2031, 1, 15, 1, 30, tzinfo=UTC),
        3,
    )


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"start_date": "2031-01-14", "start_time": "05:59"},
            {"start_time": ["The shift cannot start more than 12 hours before its event starts."]},
        ),
        (
            {"end_date": "2031-01-15", "end_time": "08:01"},
            {"end_time": ["The shift cannot end more than 12 hours after its event ends."]},
        ),
        ({"end_time": "18:00"}, {"end_time": ["The end must be after the start."]}),
        ({"capacity": "0"}, {"capacity": ["Ensure this value is greater than or equal to 1."]}),
        ({"name": ""}, {"name": ["This field is required."]}),
    ],
)
def test_add_shift_refusals_are_shown_beside_the_field(lead_client, event, overrides, errors):
    response = lead_client.post(reverse("dashboard:shift_new", args=[event.pk]), shift_data(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert not Shift.objects.filter(event=event).exists()


@pytest.mark.parametrize(
    ("name", "times", "window"),
    [
        ("Set-up", {"start_time": "16:00", "end_time": "18:00"}, ((2031, 1, 14, 22), (2031, 1, 15, 0))),
        (
            "Clear-up",
            {"start_time": "20:00", "end_date": "2031-01-15", "end_time": "00:30"},
            ((2031, 1, 15, 2), (2031, 1, 15, 6, 30)),
        ),
    ],
)
def test_add_a_set_up_or_clear_up_shift_outside_the_events_public_times(lead_client, event, name, times, window):
    response = lead_client.post(reverse("dashboard:shift_new", args=[event.pk]), shift_data(name=name, **times))

    assert response.status_code == 302
    shift = Shift.objects.get(event=event)
    assert (shift.starts_at, shift.ends_at) == tuple(dt.datetime(*parts, tzinfo=UTC) for parts in window)
    event.refresh_from_db()
    assert (event.starts_at, event.ends_at) == (
        dt.datetime(2031, 1, 15, 0, 0, tzinfo=UTC),
        dt.datetime(2031, 1, 15, 2, 0, tzinfo=UTC),
    )
    page = lead_client.get(reverse("dashboard:event", args=[event.pk]))
    assert f'<span class="badge">{name}</span>' in page.text


def test_new_shift_form_tells_the_margin(lead_client, event):
    response = lead_client.get(reverse("dashboard:shift_new", args=[event.pk]))

    assert (
        "A set-up or clear-up shift may start up to 12 hours before the event and end up to 12 hours after it"
        in response.text
    )


def test_a_skipped_local_time_is_refused_for_a_shift(lead_client, chapter):
    from tests.factories import EventFactory

    event = EventFactory(
        chapter=chapter,
        starts_at=dt.datetime(2027, 3, 14, 6, 0, tzinfo=UTC),  # 00:00 CST
        ends_at=dt.datetime(2027, 3, 14, 12, 0, tzinfo=UTC),  # 07:00 CDT
    )

    response = lead_client.post(
        reverse("dashboard:shift_new", args=[event.pk]),
        shift_data(start_date="2027-03-14", end_date="2027-03-14", start_time="02:15", end_time="05:00"),
    )

    assert response.context["form"].errors == {
        "start_time": ["2027-03-14 02:15 does not exist in America/Chicago: the clocks skip it when they change."]
    }


def test_edit_capacity_below_the_confirmed_count_is_refused_beside_the_field(lead_client, event_shift):
    SignupFactory.create_batch(2, shift=event_shift)
    url = reverse("dashboard:shift_edit", args=[event_shift.pk])
    assert "2 volunteers are confirmed." in lead_client.get(url).text

    response = lead_client.post(url, shift_data(start_time="18:00", end_time="20:00", capacity="1"))

    assert response.context["form"].errors == {
        "capacity": ["2 volunteers are already confirmed; the capacity cannot be lower than that."]
    }
    assert (
        '<ul class="errorlist" id="id_capacity_error"><li>2 volunteers are already confirmed; '
        "the capacity cannot be lower than that.</li></ul>"
    ) in response.text
    event_shift.refresh_from_db()
    assert event_shift.capacity == 2


def test_edit_shift_growing_capacity_confirms_the_waitlist(lead_client, event_shift):
    SignupFactory.create_batch(2, shift=event_shift)
    waiting = SignupFactory(shift=event_shift, status=SignupStatus.WAITLISTED)

    response = lead_client.post(
        reverse("dashboard:shift_edit", args=[event_shift.pk]),
        shift_data(name="Greeter", start_time="18:00", end_time="20:00", capacity="3"),
        follow=True,
    )

    waiting.refresh_from_db()
    assert messages_of(response) == ["The shift “Greeter” was saved."]
    assert waiting.status == SignupStatus.CONFIRMED


def test_the_event_page_links_delete_to_a_confirmation_not_a_form(lead_client, event_shift):
    spare = ShiftFactory(event=event_shift.event, name="Spare")

    response = lead_client.get(reverse("dashboard:event", args=[event_shift.event_id]))

    url = reverse("dashboard:shift_delete", args=[spare.pk])
    assert f'<a href="{url}" aria-label="Delete shift Spare">Delete</a>' in response.text
    assert f'action="{url}"' not in response.text


def test_delete_asks_first_and_deletes_nothing_on_get(lead_client, event_shift):
    spare = ShiftFactory(event=event_shift.event, name="Spare")

    response = lead_client.get(reverse("dashboard:shift_delete", args=[spare.pk]))

    assert response.status_code == 200
    assert "<h1>Delete the shift Spare?</h1>" in response.text
    assert '<button type="submit" class="button button--danger">Yes, delete the shift</button>' in response.text
    assert Shift.objects.filter(pk=spare.pk).exists()


def test_delete_an_empty_shift(lead_client, event_shift):
    spare = ShiftFactory(event=event_shift.event, name="Spare")

    response = lead_client.post(reverse("dashboard:shift_delete", args=[spare.pk]), follow=True)

    assert messages_of(response) == ["The shift “Spare” was deleted."]
    assert list(Shift.objects.filter(event=event_shift.event)) == [event_shift]


def test_the_last_shift_is_not_deleted(lead_client, event_shift):
    confirm = lead_client.get(reverse("dashboard:shift_delete", args=[event_shift.pk]))
    response = lead_client.post(reverse("dashboard:shift_delete", args=[event_shift.pk]), follow=True)

    assert "an event needs at least one" in confirm.text
    assert "Yes, delete the shift" not in confirm.text
    assert messages_of(response) == ["Not deleted: An event needs at least one shift."]
    assert Shift.objects.filter(pk=event_shift.pk).exists()


def test_a_shift_with_volunteers_is_not_offered_for_deletion(lead_client, event_shift, signup):
    ShiftFactory(event=event_shift.event, name="Spare")

    confirm = lead_client.get(reverse("dashboard:shift_delete", args=[event_shift.pk]))
    response = lead_client.post(reverse("dashboard:shift_delete", args=[event_shift.pk]), follow=True)

    assert "Volunteers hold places on this shift, so it cannot be deleted." in confirm.text
    assert "Yes, delete the shift" not in confirm.text
    assert messages_of(response) == ["Not deleted: Volunteers hold places on this shift; cancel their signups first."]
    assert Shift.objects.filter(pk=event_shift.pk).exists()
