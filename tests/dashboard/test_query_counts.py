"""Every list page of the dashboard costs the same number of queries for 1 item as for 3."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.enums import EventStatus, SignupStatus
from outreach.enums import Role
from tests.factories import EventFactory, MembershipFactory, ShiftFactory, SignupFactory


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_signups(shift):
    SignupFactory(shift=shift, status=SignupStatus.CONFIRMED)
    SignupFactory(shift=shift, status=SignupStatus.WAITLISTED)


LIST_EVENTS = {
    "upcoming": {},
    "past": {
        "starts_at": dt.datetime(2020, 1, 1, 18, tzinfo=dt.UTC),
        "ends_at": dt.datetime(2020, 1, 1, 20, tzinfo=dt.UTC),
    },
    "drafts": {"status": EventStatus.DRAFT},
    "cancelled": {"status": EventStatus.CANCELLED},
}


@pytest.mark.parametrize("search", ["", "Awareness"])
@pytest.mark.parametrize("show", LIST_EVENTS)
@pytest.mark.parametrize("who", ["lead", "staff"])
def test_dashboard_home(client, persona, chapter, django_assert_num_queries, who, show, search):
    client.force_login(persona(who))
    url = reverse("dashboard:home") + f"?show={show}&q={search}"

    def add():
        event = EventFactory(chapter=chapter, title="Awareness evening", **LIST_EVENTS[show])
        add_signups(ShiftFactory(event=event))

    add()
    one = count_queries(client, url)
    add()
    add()

    with django_assert_num_queries(one):
        response = client.get(url)
    assert len(response.context["events"]) == 3


def test_report(client, lead, chapter, django_assert_num_queries):
    client.force_login(lead)
    event = EventFactory(
        chapter=chapter,
        starts_at=dt.datetime(2020, 1, 1, 18, tzinfo=dt.UTC),
        ends_at=dt.datetime(2020, 1, 1, 20, tzinfo=dt.UTC),
    )
    add_signups(ShiftFactory(event=event))
    url = reverse("dashboard:report", args=[event.pk])
    one = count_queries(client, url)
    for _ in range(2):
        add_signups(ShiftFactory(event=event))

    with django_assert_num_queries(one):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["event"] == event


def test_roster(client, lead, event):
    client.force_login(lead)
    shift = ShiftFactory(event=event, capacity=1)
    add_signups(shift)
    url = reverse("dashboard:roster", args=[event.pk])
    one = count_queries(client, url)
    for _ in range(2):
        add_signups(ShiftFactory(event=event, capacity=1))

    three = count_queries(client, url)

    assert one == three


def test_event_overview(client, lead, event):
    client.force_login(lead)
    add_signups(ShiftFactory(event=event, capacity=1))
    url = reverse("dashboard:event", args=[event.pk])
    one = count_queries(client, url)
    for _ in range(2):
        add_signups(ShiftFactory(event=event, capacity=1))

    assert count_queries(client, url) == one


def test_roster_csv(client, lead, event):
    client.force_login(lead)
    shift = ShiftFactory(event=event, capacity=5)
    SignupFactory(shift=shift)
    url = reverse("dashboard:roster_csv", args=[event.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    SignupFactory.create_batch(2, shift=shift)

    with CaptureQueriesContext(connection) as three:
        client.get(url)

    assert len(one) == len(three)


def test_members(client, lead, chapter):
    client.force_login(lead)
    url = reverse("dashboard:members", args=[chapter.slug])
    one = count_queries(client, url)
    MembershipFactory.create_batch(2, chapter=chapter, role=Role.MEMBER)

    three = count_queries(client, url)

    assert one == three
