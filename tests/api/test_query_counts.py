"""Every list endpoint costs the same number of queries for 1 item as for 3 (docs/architecture.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.enums import Role
from tests.factories import (
    CampaignFactory,
    ChapterFactory,
    EventFactory,
    MembershipFactory,
    PartnerFactory,
    ShiftFactory,
    SignupFactory,
)


def make_chapters(size, world):
    ChapterFactory.create_batch(size - 1)


def make_campaigns(size, world):
    CampaignFactory.create_batch(size)


def make_events(size, world):
    for _ in range(size):
        event = EventFactory(chapter=world["chapter"])
        event.partners.add(PartnerFactory(chapter=world["chapter"]))
        SignupFactory(shift=ShiftFactory(event=event), user=world["lead"])


def make_shifts(size, world):
    for _ in range(size):
        SignupFactory(shift=ShiftFactory(event=world["event"]))


def make_members(size, world):
    MembershipFactory.create_batch(size, chapter=world["chapter"], role=Role.MEMBER)


def make_my_signups(size, world):
    for _ in range(size):
        SignupFactory(user=world["lead"], shift=ShiftFactory(event__chapter=world["chapter"]))


LISTS = [
    # (path, builder, how many rows the answer holds beyond what the world already has, queries)
    ("/api/v1/chapters/", make_chapters, 0, 2),
    ("/api/v1/campaigns/", make_campaigns, 0, 2),
    ("/api/v1/events/", make_events, 1, 6),
    ("/api/v1/events/{event}/shifts/", make_shifts, 0, 3),
    ("/api/v1/events/{event}/roster/", make_shifts, 0, 3),
    ("/api/v1/chapters/chicago/members/", make_members, 1, 4),
    ("/api/v1/me/signups/", make_my_signups, 0, 2),
]


@pytest.mark.parametrize(("path", "build", "already", "queries"), LISTS, ids=[row[0] for row in LISTS])
@pytest.mark.parametrize("size", [1, 3])
def test_list_endpoint_query_count_does_not_grow(as_user, chapter, lead, path, build, already, queries, size):
    event = EventFactory(chapter=chapter)
    build(size, {"chapter": chapter, "lead": lead, "event": event})
    client = as_user(lead)
    url = path.format(event=event.pk)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)

    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) == size + already
    assert len(captured) == queries, [q["sql"][:120] for q in captured]
