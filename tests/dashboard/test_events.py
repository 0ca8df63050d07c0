"""Creating, editing, publishing, cancelling and deleting events from the dashboard."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from events.enums import EventFormat, EventStatus
from events.models import Event, EventSeries
from tests.factories import CampaignFactory, EventFactory, PartnerFactory, ShiftFactory

from .conftest import messages_of

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
UTC = dt.UTC


def event_data(**overrides) -> dict:
    data = {
        "title": "Parents night",
        "summary": "Talking with kids about online grooming.",
        "description": "",
        "strategy": "internet_safety",
        "audiences": ["parents", "educators"],
        "language": "en",
        "timezone": "America/Chicago",
        "start_date": "2031-01-14",
        "start_time": "18:00",
        "end_date": "2031-01-14",
        "end_time": "20:00",
        "repeat": "",
        "count": "",
        "until": "",
        "format": "in_person",
        "venue": "Community hall",
        "address": "1200 W Harrison St, Chicago",
        "latitude": "41.874000",
        "longitude": "-87.657000",
        "address_visibility": "confirmed",
        "online_url": "",
        "visibility": "public",
        "campaign": "",
        "capacity": "5",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def new_url(chapter):
    return reverse("dashboard:event_new", args=[chapter.slug])


def test_new_event_form_defaults_to_the_chapters_zone(lead_client, new_url):
    response = lead_client.get(new_url)

    assert response.context["form"]["timezone"].value() == "America/Chicago"
    assert '<label for="id_start_time">Start time:</label>' in response.text
    assert '<button type="submit" class="button">Save as draft</button>' in response.text


def test_create_one_off_event_saves_a_draft_with_its_shift(lead_client, new_url, chapter, lead):
    partner = PartnerFactory(chapter=chapter, name="Lincoln High")
    campaign = CampaignFactory(slug="prevention-month")

    response = lead_client.post(new_url, event_data(partners=[partner.pk], campaign=campaign.pk), follow=True)

    event = Event.objects.get()
    assert response.redirect_chain == [(reverse("dashboard:event", args=[event.pk]), 302)]
    assert messages_of(response) == ["“Parents night” was saved as a draft."]
    assert (event.status, event.chapter, event.created_by, event.campaign) == (
        EventStatus.DRAFT,
        chapter,
        lead,
        campaign,
    )
    assert (event.starts_at, event.ends_at) == (
        dt.datetime(2031, 1, 15, 0, 0, tzinfo=UTC),
        dt.datetime(2031, 1, 15, 2, 0, tzinfo=UTC),
    )
    assert (event.timezone, event.audiences, event.address_visibility) == (
        "America/Chicago",
        ["parents", "educators"],
        "confirmed",
    )
    assert list(event.partners.all()) == [partner]
    assert list(event.shifts.values_list("name", "capacity", "starts_at")) == [("Volunteer", 5, event.starts_at)]


def test_create_event_in_another_zone_than_the_chapters(lead_client, new_url):
    lead_client.post(new_url, event_data(timezone="Europe/Berlin"))

    event = Event.objects.get()
    assert (event.timezone, event.starts_at) == ("Europe/Berlin", dt.datetime(2031, 1, 14, 17, 0, tzinfo=UTC))


def test_create_weekly_series_keeps_18_00_local_across_the_dst_change(lead_client, new_url, chapter):
    response = lead_client.post(
        new_url,
        event_data(start_date="2027-03-02", end_date="2027-03-02", repeat="WEEKLY", count="4", capacity="8"),
        follow=True,
    )

    series = EventSeries.objects.get()
    occurrences = list(series.occurrences.order_by("starts_at"))
    assert series.recurrence == "FREQ=WEEKLY;COUNT=4"
    assert messages_of(response) == ["The series “Parents night” was saved as a draft with 4 dates."]
    assert response.redirect_chain == [(reverse("dashboard:event", args=[occurrences[0].pk]), 302)]
    assert [event.local_starts_at.strftime("%Y-%m-%d %H:%M %Z") for event in occurrences] == [
        "2027-03-02 18:00 CST",
        "2027-03-09 18:00 CST",
        "2027-03-16 18:00 CDT",
        "2027-03-23 18:00 CDT",
    ]
    assert [event.starts_at for event in occurrences] == [
        dt.datetime(2027, 3, 3, 0, 0, tzinfo=UTC),
        dt.datetime(2027, 3, 10, 0, 0, tzinfo=UTC),
        dt.datetime(2027, 3, 16, 23, 0, tzinfo=UTC),
        dt.datetime(2027, 3, 23, 23, 0, tzinfo=UTC),
    ]
    assert {event.status for event in occurrences} == {EventStatus.DRAFT}
    assert [event.shifts.get().capacity for event in occurrences] == [8, 8, 8, 8]


def test_create_monthly_series_until_a_date(lead_client, new_url):
    lead_client.post(
        new_url,
        event_data(start_date="2026-12-10", end_date="2026-12-10", repeat="MONTHLY", until="2027-02-20"),
    )

    series = EventSeries.objects.get()
    assert series.recurrence == "FREQ=MONTHLY;UNTIL=20270220T235959"
    assert list(series.occurrences.order_by("starts_at").values_list("occurrence_date", flat=True)) == [
        dt.date(2026, 12, 10),
        dt.date(2027, 1, 10),
        dt.date(2027, 2, 10),
    ]


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"start_date": "2027-03-14", "end_date": "2027-03-14", "start_time": "02:30", "end_time": "04:00"},
            {
                "start_time": [
                    "2027-03-14 02:30 does not exist in America/Chicago: the clocks skip it when they change."
                ]
            },
        ),
        (
            {
                "start_date": "2027-03-07",
                "end_date": "2027-03-07",
                "start_time": "02:30",
                "end_time": "04:00",
                "repeat": "WEEKLY",
                "count": "3",
            },
            {
                "start_time": [
                    "2027-03-14 02:30 does not exist in America/Chicago: the clocks skip it when they change."
                ]
            },
        ),
        ({"end_time": "17:00"}, {"end_time": ["The end must be after the start."]}),
        ({"capacity": "0"}, {"capacity": ["Ensure this value is greater than or equal to 1."]}),
        ({"capacity": "10001"}, {"capacity": ["Ensure this value is less than or equal to 10000."]}),
        ({"repeat": "WEEKLY"}, {"count": ["Give either the number of dates or the last date, not both."]}),
        ({"latitude": ""}, {"latitude": ["Give both latitude and longitude, or neither."]}),
        (
            {"title": "", "strategy": "nope"},
            {
                "title": ["This field is required."],
                "strategy": ["Select a valid choice. nope is not one of the available choices."],
            },
        ),
    ],
)
def test_create_event_refusals_are_shown_beside_the_field(lead_client, new_url, overrides, errors):
    response = lead_client.post(new_url, event_data(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    for field, messages in errors.items():
        assert f'<ul class="errorlist" id="id_{field}_error"><li>{messages[0]}</li></ul>' in response.text
    assert not Event.objects.exists()
    assert not EventSeries.objects.exists()


def test_partners_of_other_chapters_cannot_be_chosen(lead_client, new_url, other_chapter):
    foreign = PartnerFactory(chapter=other_chapter)

    response = lead_client.post(new_url, event_data(partners=[foreign.pk]))

    assert response.context["form"].errors == {
        "partners": [f"Select a valid choice. {foreign.pk} is not one of the available choices."]
    }


@pytest.fixture
def draft(chapter):
    starts = dt.datetime(2031, 1, 14, 18, 0, tzinfo=CHICAGO)
    event = EventFactory(
        chapter=chapter,
        title="Draft night",
        status=EventStatus.DRAFT,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    ShiftFactory(event=event, capacity=3)
    return event


def test_edit_form_shows_local_times(lead_client, draft):
    response = lead_client.get(reverse("dashboard:event_edit", args=[draft.pk]))

    form = response.context["form"]
    assert (form["start_date"].value(), form["start_time"].value()) == (dt.date(2031, 1, 14), dt.time(18, 0))
    assert "capacity" not in form.fields
    assert 'value="18:00"' in response.text


def test_edit_moves_the_event_and_its_shift(lead_client, draft):
    response = lead_client.post(
        reverse("dashboard:event_edit", args=[draft.pk]),
        event_data(title="Moved night", start_time="19:00", end_time="21:30"),
        follow=True,
    )

    draft.refresh_from_db()
    assert messages_of(response) == ["Your changes to “Moved night” were saved."]
    assert (draft.title, draft.starts_at, draft.ends_at) == (
        "Moved night",
        dt.datetime(2031, 1, 15, 1, 0, tzinfo=UTC),
        dt.datetime(2031, 1, 15, 3, 30, tzinfo=UTC),
    )
    assert list(draft.shifts.values_list("starts_at", "ends_at")) == [(draft.starts_at, draft.ends_at)]


def test_edit_a_published_online_event_without_link_is_refused_beside_the_field(lead_client, event):
    ShiftFactory(event=event)

    response = lead_client.post(reverse("dashboard:event_edit", args=[event.pk]), event_data(format="online"))

    assert response.context["form"].errors == {"online_url": ["An online or hybrid event needs its online link."]}


def test_publish_a_draft(lead_client, draft):
    response = lead_client.post(reverse("dashboard:event_publish", args=[draft.pk]), follow=True)

    draft.refresh_from_db()
    assert draft.status == EventStatus.PUBLISHED
    assert messages_of(response) == ["“Draft night” is published: volunteers can sign up."]


def test_publish_refusal_is_reported(lead_client, draft):
    Event.objects.filter(pk=draft.pk).update(format=EventFormat.ONLINE)

    response = lead_client.post(reverse("dashboard:event_publish", args=[draft.pk]), follow=True)

    draft.refresh_from_db()
    assert draft.status == EventStatus.DRAFT
    assert messages_of(response) == ["Not published: An online or hybrid event needs its online link."]


def test_publish_a_whole_series(lead_client, new_url):
    lead_client.post(new_url, event_data(start_date="2027-03-02", end_date="2027-03-02", repeat="WEEKLY", count="3"))
    series = EventSeries.objects.get()
    first = series.occurrences.order_by("starts_at").first()
    page = lead_client.get(reverse("dashboard:event", args=[first.pk]))
    assert "Publish every date of the series" in page.text

    response = lead_client.post(reverse("dashboard:series_publish", args=[series.pk]), follow=True)

    assert messages_of(response) == ["Every upcoming date of “Parents night” is published."]
    assert set(series.occurrences.values_list("status", flat=True)) == {EventStatus.PUBLISHED}


def test_cancel_asks_for_confirmation_then_cancels_with_a_note(lead_client, event):
    url = reverse("dashboard:event_cancel", args=[event.pk])
    page = lead_client.get(url)
    assert "Cancel Parents night?" in page.text
    assert '<button type="submit" class="button button--danger">Yes, cancel the event</button>' in page.text
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED

    response = lead_client.post(url, {"note": "The hall is closed; we meet in March."}, follow=True)

    event.refresh_from_db()
    assert (event.status, event.cancellation_note) == (EventStatus.CANCELLED, "The hall is closed; we meet in March.")
    assert messages_of(response) == ["“Parents night” is cancelled."]


def test_cancelling_twice_is_reported(lead_client, event):
    url = reverse("dashboard:event_cancel", args=[event.pk])
    lead_client.post(url, {"note": ""}, follow=True)

    response = lead_client.post(url, {"note": ""}, follow=True)

    assert messages_of(response) == ["Not cancelled: This event is already cancelled."]


def test_a_cancelled_event_cannot_be_edited(lead_client, event):
    Event.objects.filter(pk=event.pk).update(status=EventStatus.CANCELLED)

    response = lead_client.get(reverse("dashboard:event_edit", args=[event.pk]), follow=True)

    assert messages_of(response) == ["A cancelled event cannot be edited."]


def test_delete_a_draft_after_confirmation(lead_client, draft):
    url = reverse("dashboard:event_delete", args=[draft.pk])
    assert "Yes, delete the draft" in lead_client.get(url).text

    response = lead_client.post(url, follow=True)

    assert response.redirect_chain == [(reverse("dashboard:home"), 302)]
    assert messages_of(response) == ["The draft “Draft night” was deleted."]
    assert not Event.objects.filter(pk=draft.pk).exists()


def test_a_published_event_is_not_deleted(lead_client, event):
    response = lead_client.post(reverse("dashboard:event_delete", args=[event.pk]), follow=True)

    assert messages_of(response) == ["Not deleted: Only a draft can be deleted; cancel a published event instead."]
    assert Event.objects.filter(pk=event.pk).exists()


def test_home_hides_the_members_link_from_coordinators(client, coordinator, chapter):
    client.force_login(coordinator)

    response = client.get(reverse("dashboard:home"))

    assert reverse("dashboard:members", args=["chicago"]) not in response.text
    assert reverse("dashboard:event_new", args=["chicago"]) in response.text
