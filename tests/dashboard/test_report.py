"""
An event's report in the dashboard: what it reached, recorded through events.services.report_save,
with volunteer attendance and hours shown from check-ins; and an ended event's page, which offers
check-in and the report instead of cancelling and adding shifts.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus, SignupStatus
from events.models import EventReport
from tests.factories import EventFactory, ShiftFactory, SignupFactory

from .conftest import messages_of

UTC = dt.UTC
REPORT = {
    "people_reached": "120",
    "materials_distributed": "300",
    "partners_engaged": "2",
    "notes": "Rain; still busy.",
}


@pytest.fixture
def held(chapter):
    """Last Tuesday's evening, with two volunteers checked in and one on the waitlist."""
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(days=7)
    event = EventFactory(
        chapter=chapter, title="Library talk", starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    shift = ShiftFactory(event=event, name="Greeter", capacity=2)
    SignupFactory(shift=shift, attended=True, hours=Decimal("2.00"))
    SignupFactory(shift=shift, attended=False, hours=Decimal(0))
    SignupFactory(shift=shift, status=SignupStatus.WAITLISTED)
    return event


@pytest.fixture
def url(held):
    return reverse("dashboard:report", args=[held.pk])


@pytest.mark.parametrize("who", ["lead", "coordinator", "staff"])
def test_report_page_shows_the_volunteer_figures_from_check_ins(as_persona, url, who):
    response = as_persona(who).get(url)

    assert response.status_code == 200
    report = response.context["figures"]
    assert (report["volunteers_confirmed"], report["volunteers_attended"], report["volunteer_hours"]) == (
        2,
        1,
        Decimal("2.00"),
    )
    assert re.search(r"<dt>Volunteer hours</dt>\s*<dd>2\.00</dd>", response.text)
    form = response.context["form"]
    assert set(form.fields) == {"people_reached", "materials_distributed", "partners_engaged", "notes"}
    assert 'name="hours"' not in response.text


@pytest.mark.parametrize("who", ["member", "outsider", "other_lead"])
def test_report_page_is_404_for_everyone_else(as_persona, url, who):
    assert as_persona(who).get(url).status_code == 404
    assert as_persona(who).post(url, REPORT).status_code == 404
    assert not EventReport.objects.exists()


def test_report_page_sends_anonymous_users_to_sign_in(client, url):
    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


def test_saving_the_report_records_it_through_the_service(as_persona, held, url, lead):
    response = as_persona("lead").post(url, REPORT, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert messages_of(response) == ["The report of “Library talk” was saved."]
    report = EventReport.objects.get(event=held)
    assert (report.people_reached, report.materials_distributed, report.partners_engaged, report.notes) == (
        120,
        300,
        2,
        "Rain; still busy.",
    )
    assert report.updated_by == lead
    assert response.context["form"]["people_reached"].value() == 120
    assert "Last saved" in response.text


def test_saving_again_updates_the_same_report(as_persona, held, url):
    client = as_persona("coordinator")
    client.post(url, REPORT)

    client.post(url, {**REPORT, "people_reached": "150", "notes": ""})

    report = EventReport.objects.get(event=held)
    assert (report.people_reached, report.notes) == (150, "")


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"people_reached": "-1"}, {"people_reached": ["Ensure this value is greater than or equal to 0."]}),
        (
            {"materials_distributed": "10000001"},
            {"materials_distributed": ["Ensure this value is less than or equal to 10000000."]},
        ),
        ({"partners_engaged": "two"}, {"partners_engaged": ["Enter a whole number."]}),
    ],
)
def test_a_refused_save_shows_errors_beside_the_fields_and_keeps_what_was_typed(as_persona, url, changes, errors):
    response = as_persona("lead").post(url, {**REPORT, **changes})

    assert response.status_code == 400
    assert response.context["form"].errors == errors
    [field] = errors
    assert f'<ul class="errorlist" id="id_{field}_error">' in response.text
    assert "Rain; still busy." in response.text
    for name, value in {**REPORT, **changes}.items():
        if name != "notes":
            assert f'name="{name}" value="{value}"' in response.text
    assert not EventReport.objects.exists()


def test_a_refusal_by_the_service_is_shown_and_keeps_what_was_typed(as_persona, held, url):
    # The page was opened while the event was published; it was cancelled before the save.
    held.status = EventStatus.CANCELLED
    held.save()

    response = as_persona("lead").post(url, REPORT)

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Only a published event that took place has a report."]
    assert response.context["form"]["people_reached"].value() == "120"
    assert not EventReport.objects.exists()


def test_an_event_not_yet_started_has_no_report_form(as_persona, event):
    response = as_persona("lead").get(reverse("dashboard:report", args=[event.pk]))

    assert response.status_code == 200
    assert "A report can be written once the event has started." in response.text
    assert "Save the report" not in response.text


def test_a_draft_has_no_report_form(as_persona, chapter):
    draft = EventFactory(
        chapter=chapter,
        status=EventStatus.DRAFT,
        starts_at=dt.datetime(2020, 1, 1, 18, tzinfo=UTC),
        ends_at=dt.datetime(2020, 1, 1, 20, tzinfo=UTC),
    )

    response = as_persona("lead").get(reverse("dashboard:report", args=[draft.pk]))

    assert "Only a published event that took place has a report." in response.text


# An ended event's page


def test_an_ended_events_page_offers_check_in_and_the_report_not_cancelling_or_shifts(as_persona, held):
    shift = held.shifts.get()
    ShiftFactory(event=held, name="Spare")

    response = as_persona("lead").get(reverse("dashboard:event", args=[held.pk]))

    text = response.text
    assert f'<a class="button" href="{reverse("dashboard:roster", args=[held.pk])}">Check volunteers in</a>' in text
    assert f'<a class="button" href="{reverse("dashboard:report", args=[held.pk])}">Write the report</a>' in text
    assert "This event has taken place" in text
    for gone in ("Cancel this event", "Add a shift", reverse("dashboard:shift_edit", args=[shift.pk])):
        assert gone not in text
    assert reverse("dashboard:shift_cancel", args=[shift.pk]) not in text
    assert "Delete shift" not in text
    assert f'href="{reverse("dashboard:report", args=[held.pk])}">Report</a>' in text  # in the event's menu


def test_an_upcoming_events_page_offers_cancelling_and_shifts_not_the_report(as_persona, event, event_shift):
    response = as_persona("lead").get(reverse("dashboard:event", args=[event.pk]))

    text = response.text
    assert "Cancel this event" in text
    assert "Add a shift" in text
    assert "Check volunteers in" not in text
    assert reverse("dashboard:report", args=[event.pk]) not in text


def test_an_event_under_way_offers_both(as_persona, chapter):
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    event = EventFactory(chapter=chapter, starts_at=starts, ends_at=starts + dt.timedelta(hours=3))
    ShiftFactory(event=event)

    text = as_persona("lead").get(reverse("dashboard:event", args=[event.pk])).text

    assert "Cancel this event" in text
    assert "Check volunteers in" in text
    assert "Write the report" in text


def test_an_ended_event_cannot_be_cancelled_or_given_shifts_by_address(as_persona, held):
    client = as_persona("lead")

    cancel = client.post(reverse("dashboard:event_cancel", args=[held.pk]), {"note": "x"}, follow=True)
    shift = client.post(
        reverse("dashboard:shift_new", args=[held.pk]),
        {
            "name": "Late",
            "description": "",
            "start_date": held.local_starts_at.date().isoformat(),
            "start_time": held.local_starts_at.strftime("%H:%M"),
            "end_date": held.local_ends_at.date().isoformat(),
            "end_time": held.local_ends_at.strftime("%H:%M"),
            "capacity": "2",
        },
    )

    assert messages_of(cancel) == ["Not cancelled: This event has already taken place; it cannot be cancelled."]
    assert shift.context["form"].non_field_errors() == ["Shifts cannot be added to an event that has taken place."]
    held.refresh_from_db()
    assert (held.status, held.shifts.count()) == (EventStatus.PUBLISHED, 1)
