"""Editing a series as a whole from the dashboard: dates not edited on their own follow."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from events.enums import EventStatus, SignupStatus, Strategy
from events.models import EventSeries
from events.services import event_cancel, event_update, series_create, series_publish, signup_create
from tests.factories import CampaignFactory, PartnerFactory

from .conftest import messages_of


@pytest.fixture(autouse=True)
def _long_horizon(settings):
    settings.SERIES_HORIZON_DAYS = 3650  # the series below lies years ahead; the clock is not mocked


@pytest.fixture
def series(chapter):
    """Tuesdays 18:00-20:00 in Chicago, three dates across the March 2031 clock change."""
    series = series_create(
        chapter=chapter,
        created_by=None,
        recurrence="FREQ=WEEKLY;COUNT=3",
        start_date=dt.date(2031, 3, 4),
        start_time=dt.time(18, 0),
        duration=dt.timedelta(hours=2),
        capacity=4,
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
        venue="Library",
    )
    return series_publish(series=series)


@pytest.fixture
def edit_url(series):
    return reverse("dashboard:series_edit", args=[series.pk])


def series_data(**overrides) -> dict:
    data = {
        "title": "Weekly table",
        "summary": "",
        "description": "",
        "strategy": "awareness_education",
        "language": "en",
        "timezone": "America/Chicago",
        "start_time": "18:00",
        "end_time": "20:00",
        "format": "in_person",
        "venue": "Library",
        "address": "",
        "address_visibility": "confirmed",
        "online_url": "",
        "visibility": "public",
        "capacity": "4",
    }
    data.update(overrides)
    return data


def local_rows(series):
    return [
        (e.title, e.venue, e.local_starts_at.strftime("%Y-%m-%d %H:%M %Z"), e.local_ends_at.strftime("%H:%M"), e.status)
        for e in series.occurrences.order_by("occurrence_date")
    ]


@pytest.mark.parametrize("who", ["lead", "coordinator"])
def test_series_edit_page_says_which_dates_follow(as_persona, edit_url, who):
    response = as_persona(who).get(edit_url)

    assert response.status_code == 200
    assert "<h1>Edit the series Weekly table</h1>" in response.text
    assert (
        "Future dates that were not edited on their own follow these changes. Dates edited on their own or "
        "cancelled keep their own details and times, and past dates stay as they were."
    ) in response.text
    form = response.context["form"]
    assert (form["start_time"].value(), form["end_time"].value(), form["capacity"].value()) == (
        dt.time(18, 0),
        dt.time(20, 0),
        4,
    )


@pytest.mark.parametrize("who", ["member", "outsider", "other_lead"])
def test_series_edit_is_404_outside_the_users_scope(as_persona, edit_url, series, who):
    client = as_persona(who)

    assert client.get(edit_url).status_code == 404
    assert client.post(edit_url, series_data(title="Taken over")).status_code == 404
    assert EventSeries.objects.get().title == "Weekly table"


def test_series_edit_sends_anonymous_users_to_sign_in(client, edit_url):
    response = client.get(edit_url)

    assert (response.status_code, response["Location"]) == (302, f"{reverse('account_login')}?next={edit_url}")


def test_every_occurrence_links_to_the_series_edit(as_persona, series, edit_url):
    client = as_persona("lead")

    for occurrence in series.occurrences.all():
        page = client.get(reverse("dashboard:event", args=[occurrence.pk]))
        assert f'<a href="{edit_url}">Edit the whole series</a>' in page.text


@pytest.mark.parametrize("who", ["lead", "coordinator"])
def test_series_edit_moves_dates_not_edited_alone_and_keeps_the_others(as_persona, series, edit_url, who):
    first, second, third = series.occurrences.order_by("occurrence_date")
    event_update(event=second, venue="Town hall")
    event_cancel(event=third, note="Holiday")

    response = as_persona(who).post(
        edit_url,
        series_data(title="Evening table", start_time="19:00", end_time="21:30", venue="Hall", capacity="9"),
        follow=True,
    )

    assert response.redirect_chain == [(reverse("dashboard:event", args=[first.pk]), 302)]
    assert messages_of(response) == ["Your changes to the series “Evening table” were saved."]
    series.refresh_from_db()
    assert (series.title, series.start_time, series.duration, series.capacity) == (
        "Evening table",
        dt.time(19, 0),
        dt.timedelta(hours=2, minutes=30),
        9,
    )
    assert local_rows(series) == [
        ("Evening table", "Hall", "2031-03-04 19:00 CST", "21:30", EventStatus.PUBLISHED),
        ("Weekly table", "Town hall", "2031-03-11 18:00 CDT", "20:00", EventStatus.PUBLISHED),
        ("Weekly table", "Library", "2031-03-18 18:00 CDT", "20:00", EventStatus.CANCELLED),
    ]
    assert first.shifts.get().capacity == 4  # places apply to dates added from now on


def test_series_edit_moves_dates_across_the_clock_change_at_the_same_local_time(as_persona, series, edit_url):
    as_persona("lead").post(edit_url, series_data(start_time="17:15", end_time="19:00"))

    assert [row[2:4] for row in local_rows(series)] == [
        ("2031-03-04 17:15 CST", "19:00"),
        ("2031-03-11 17:15 CDT", "19:00"),
        ("2031-03-18 17:15 CDT", "19:00"),
    ]


def test_series_edit_refuses_a_start_time_the_clocks_skip_on_one_date(as_persona, chapter):
    sundays = series_create(
        chapter=chapter,
        created_by=None,
        recurrence="FREQ=WEEKLY;COUNT=3",
        start_date=dt.date(2031, 3, 2),
        start_time=dt.time(1, 0),
        duration=dt.timedelta(hours=2),
        title="Sunday night",
        strategy=Strategy.AWARENESS_EDUCATION,
    )
    url = reverse("dashboard:series_edit", args=[sundays.pk])

    response = as_persona("lead").post(url, series_data(title="Sunday night", start_time="02:30", end_time="04:00"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "start_time": ["2031-03-09 02:30 does not exist in America/Chicago: the clocks skip it when they change."]
    }
    sundays.refresh_from_db()
    assert sundays.start_time == dt.time(1, 0)


def test_series_edit_shows_field_errors_beside_their_fields(as_persona, edit_url):
    response = as_persona("lead").post(edit_url, series_data(title="", end_time="18:00", capacity="0"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "title": ["This field is required."],
        "end_time": ["The end time must differ from the start time."],
        "capacity": ["Ensure this value is greater than or equal to 1."],
    }


def test_series_edit_changes_every_detail_an_event_has(as_persona, series, edit_url, chapter):
    """The series editor and the event form share one list of details: campaign, place and partners too."""
    campaign = CampaignFactory(name="Prevention month")
    partner = PartnerFactory(chapter=chapter, name="Public library")
    data = series_data(
        campaign=str(campaign.pk),
        partners=[str(partner.pk)],
        latitude="41.878100",
        longitude="-87.629800",
        address="400 S State St",
        address_visibility="public",
    )

    response = as_persona("lead").post(edit_url, data)

    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.campaign, series.latitude, series.longitude, list(series.partners.all())) == (
        campaign,
        Decimal("41.878100"),
        Decimal("-87.629800"),
        [partner],
    )
    for event in series.occurrences.all():
        assert (event.campaign, event.latitude, event.longitude, event.address, list(event.partners.all())) == (
            campaign,
            Decimal("41.878100"),
            Decimal("-87.629800"),
            "400 S State St",
            [partner],
        )


# A published date never just disappears (issue 11, item 4): Tuesdays 18:00 UNTIL 18 March 18:00,
# whose last date the rule no longer gives once the start moves to 19:00.


@pytest.fixture
def until_series(chapter, volunteer):
    series = series_create(
        chapter=chapter,
        created_by=None,
        recurrence="FREQ=WEEKLY;UNTIL=20310318T180000",
        start_date=dt.date(2031, 3, 4),
        start_time=dt.time(18, 0),
        duration=dt.timedelta(hours=2),
        capacity=4,
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
        venue="Library",
    )
    series = series_publish(series=series)
    last = series.occurrences.order_by("occurrence_date").last()
    signup_create(user=volunteer, shift=last.shifts.get())
    return series


def until_rows(series):
    return [
        (e.occurrence_date, e.local_starts_at.strftime("%H:%M"), e.status, e.sequence, e.detached)
        for e in series.occurrences.order_by("occurrence_date")
    ]


UNCHANGED = [
    (dt.date(2031, 3, 4), "18:00", EventStatus.PUBLISHED, 1, False),
    (dt.date(2031, 3, 11), "18:00", EventStatus.PUBLISHED, 1, False),
    (dt.date(2031, 3, 18), "18:00", EventStatus.PUBLISHED, 1, False),
]


def test_series_edit_that_drops_a_published_date_lists_it_and_saves_nothing(as_persona, until_series):
    url = reverse("dashboard:series_edit", args=[until_series.pk])
    last = until_series.occurrences.order_by("occurrence_date").last()

    response = as_persona("lead").post(url, series_data(start_time="19:00", end_time="21:00"))

    assert response.status_code == 200
    assert [(e.pk, e.confirmed_total, e.waitlist_total) for e in response.context["dropping"]] == [(last.pk, 1, 0)]
    page = response.text
    assert "Published dates this change takes out of the series" in page
    assert (
        "With these changes the repeat rule no longer gives this published date. It will not just disappear: "
        "choose what happens to it, then save."
    ) in page
    assert "Tue 18 Mar 2031, 18:00</time>\u2013<time" in page
    assert "1 holds a place" in page
    assert f'<input type="hidden" name="dropped_dates" value="{last.pk}">' in page
    assert (
        '<input type="radio" name="dropped" value="cancel" required> Cancel these dates (volunteers are told)' in page
    )
    assert '<input type="radio" name="dropped" value="keep" required> Keep them as one-off events' in page
    assert 'role="alert" id="dropped-error"' not in page
    until_series.refresh_from_db()
    assert until_series.start_time == dt.time(18, 0)
    assert until_rows(until_series) == UNCHANGED


@pytest.mark.parametrize("answer", [{}, {"dropped": ""}, {"dropped": "delete"}])
def test_series_edit_asks_again_without_one_of_the_two_answers(as_persona, until_series, answer):
    url = reverse("dashboard:series_edit", args=[until_series.pk])
    last = until_series.occurrences.order_by("occurrence_date").last()

    response = as_persona("lead").post(
        url, series_data(start_time="19:00", end_time="21:00", dropped_dates=str(last.pk), **answer)
    )

    assert response.status_code == 200
    assert response.context["dropped_error"] == "Choose whether to cancel these dates or keep them as one-off events."
    assert "Choose whether to cancel these dates or keep them as one-off events." in response.text
    assert until_rows(until_series) == UNCHANGED


def test_series_edit_asks_again_when_the_dates_shown_are_not_the_dates_dropped(as_persona, until_series):
    url = reverse("dashboard:series_edit", args=[until_series.pk])
    first = until_series.occurrences.order_by("occurrence_date").first()

    response = as_persona("lead").post(
        url, series_data(start_time="19:00", end_time="21:00", dropped_dates=str(first.pk), dropped="cancel")
    )

    assert response.status_code == 200
    assert response.context["dropped_error"] == (
        "The dates this change takes out have changed since the page was shown; check them."
    )
    assert until_rows(until_series) == UNCHANGED


@pytest.mark.parametrize("who", ["lead", "coordinator"])
def test_series_edit_cancels_the_dropped_date_when_told_and_its_volunteer_is_told(
    as_persona, until_series, who, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("dashboard:series_edit", args=[until_series.pk])
    first, _, last = until_series.occurrences.order_by("occurrence_date")
    data = series_data(start_time="19:00", end_time="21:00", dropped_dates=str(last.pk), dropped="cancel")

    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona(who).post(url, data, follow=True)

    assert response.redirect_chain == [(reverse("dashboard:event", args=[first.pk]), 302)]
    assert messages_of(response) == [
        "Your changes to the series “Weekly table” were saved.",
        "1 date was cancelled; its volunteers are being told.",
    ]
    assert until_rows(until_series) == [
        (dt.date(2031, 3, 4), "19:00", EventStatus.PUBLISHED, 2, False),
        (dt.date(2031, 3, 11), "19:00", EventStatus.PUBLISHED, 2, False),
        (dt.date(2031, 3, 18), "18:00", EventStatus.CANCELLED, 2, True),
    ]
    assert [(m.to, m.subject) for m in mailoutbox] == [(["sam@example.org"], "Cancelled: Weekly table")]


def test_series_edit_keeps_the_dropped_date_as_a_one_off_when_told(
    as_persona, until_series, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("dashboard:series_edit", args=[until_series.pk])
    last = until_series.occurrences.order_by("occurrence_date").last()
    data = series_data(start_time="19:00", end_time="21:00", dropped_dates=str(last.pk), dropped="keep")

    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("lead").post(url, data, follow=True)

    assert messages_of(response) == [
        "Your changes to the series “Weekly table” were saved.",
        "1 date was kept as a one-off event.",
    ]
    assert until_rows(until_series) == [
        (dt.date(2031, 3, 4), "19:00", EventStatus.PUBLISHED, 2, False),
        (dt.date(2031, 3, 11), "19:00", EventStatus.PUBLISHED, 2, False),
        (dt.date(2031, 3, 18), "18:00", EventStatus.PUBLISHED, 1, True),
    ]
    assert last.shifts.get().signups.get().status == SignupStatus.CONFIRMED
    assert mailoutbox == []
