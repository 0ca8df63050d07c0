"""
Insecure direct object references: guessing another chapter's ids reaches nothing.

Chapter A is `other_chapter` with its lead `other_lead`; chapter B is `chapter`. B's drafts,
members-only events, their shifts, rosters, signups and memberships answer A's lead 404, exactly
like ids that do not exist, and B's rows are unchanged afterwards. Only B itself, a public
chapter, answers 403 for what A's lead may not do to it.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus, Visibility
from events.models import Event, EventReport, Shift, Signup
from outreach.enums import Role
from outreach.models import Campaign, Chapter, Membership
from tests.api.test_permission_matrix import api_routes
from tests.factories import CampaignFactory, EventFactory, MembershipFactory, ShiftFactory, SignupFactory


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclasses.dataclass
class ChapterB:
    chapter: Chapter
    campaign: Campaign
    public: Event
    public_shift: Shift
    spare_shift: Shift
    draft: Event
    draft_shift: Shift
    members: Event
    members_shift: Shift
    past: Event
    signup: Signup
    member_signup: Signup
    membership: Membership
    a_draft: Event


PLACE = {"latitude": Decimal("41.880000"), "longitude": Decimal("-87.630000")}


@pytest.fixture
def b(chapter, other_chapter, lead, other_lead):
    """Chapter B's objects, all in one campaign, at one place and with "Harbor" in their titles."""
    campaign = CampaignFactory(slug="harbor-month")
    common = {"campaign": campaign, "audiences": ["parents"], **PLACE}
    public = EventFactory(chapter=chapter, title="Harbor talk", **common)
    draft = EventFactory(chapter=chapter, title="Harbor draft", status=EventStatus.DRAFT, **common)
    members = EventFactory(chapter=chapter, title="Harbor members", visibility=Visibility.MEMBERS, **common)
    public_shift = ShiftFactory(event=public)
    members_shift = ShiftFactory(event=members)
    member = MembershipFactory(chapter=chapter, role=Role.MEMBER, user__email="b-member@example.org")
    return ChapterB(
        chapter=chapter,
        campaign=campaign,
        public=public,
        public_shift=public_shift,
        spare_shift=ShiftFactory(event=public, name="Spare"),
        draft=draft,
        draft_shift=ShiftFactory(event=draft),
        members=members,
        members_shift=members_shift,
        past=ShiftFactory(
            event__chapter=chapter,
            event__title="Last week's evening",
            event__starts_at=timezone.now().replace(microsecond=0) - dt.timedelta(days=7),
        ).event,
        signup=SignupFactory(shift=public_shift, user__email="b-volunteer@example.org"),
        member_signup=SignupFactory(shift=members_shift, user=member.user),
        membership=member,
        # A's own draft in the same campaign and place: A's lead sees it, which shows the filters match.
        a_draft=EventFactory(chapter=other_chapter, title="Harbor plans", status=EventStatus.DRAFT, **common),
    )


def snapshot(chapter: Chapter) -> dict:
    """Every row of chapter B that an attack could change, as plain values."""
    return {
        "chapter": list(Chapter.objects.filter(pk=chapter.pk).values()),
        "events": list(Event.objects.filter(chapter=chapter).order_by("pk").values()),
        "partners": list(Event.partners.through.objects.filter(event__chapter=chapter).order_by("pk").values()),
        "shifts": list(Shift.objects.filter(event__chapter=chapter).order_by("pk").values()),
        "signups": list(Signup.objects.filter(shift__event__chapter=chapter).order_by("pk").values()),
        "memberships": list(Membership.objects.filter(chapter=chapter).order_by("pk").values()),
        "reports": list(EventReport.objects.filter(event__chapter=chapter).order_by("pk").values()),
    }


def _shift_body(event_attr):
    def body(b):
        event = getattr(b, event_attr)
        return {
            "name": "Intruder",
            "starts_at": event.starts_at.isoformat(),
            "ends_at": (event.starts_at + dt.timedelta(hours=1)).isoformat(),
            "capacity": 1,
        }

    return body


def _event_put(event_attr):
    def body(b):
        event = getattr(b, event_attr)
        return {
            "title": "Hijacked",
            "strategy": "advocacy",
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
        }

    return body


# (method, path with {attribute of ChapterB}, body, expected status)
NOT_FOUND = [
    ("GET", "/api/v1/events/{draft.pk}/", None),
    ("GET", "/api/v1/events/{members.pk}/", None),
    ("GET", "/api/v1/events/{draft.pk}/shifts/", None),
    ("GET", "/api/v1/events/{members.pk}/shifts/", None),
    ("GET", "/api/v1/events/{public.pk}/roster/", None),
    ("GET", "/api/v1/events/{draft.pk}/roster/", None),
    ("GET", "/api/v1/events/{members.pk}/roster/", None),
    ("GET", "/api/v1/shifts/{draft_shift.pk}/", None),
    ("GET", "/api/v1/shifts/{members_shift.pk}/", None),
    ("GET", "/api/v1/events/{past.pk}/report/", None),
    ("GET", "/api/v1/signups/{signup.pk}/", None),
    ("GET", "/api/v1/signups/{member_signup.pk}/", None),
    ("PATCH", "/api/v1/events/{public.pk}/", {"title": "Hijacked"}),
    ("PATCH", "/api/v1/events/{draft.pk}/", {"title": "Hijacked"}),
    ("PATCH", "/api/v1/events/{members.pk}/", {"visibility": "public"}),
    ("PUT", "/api/v1/events/{public.pk}/", _event_put("public")),
    ("PUT", "/api/v1/events/{draft.pk}/", _event_put("draft")),
    ("DELETE", "/api/v1/events/{draft.pk}/", None),
    ("POST", "/api/v1/events/{draft.pk}/publish/", None),
    ("POST", "/api/v1/events/{public.pk}/cancel/", {"note": "Hijacked"}),
    ("POST", "/api/v1/events/{members.pk}/cancel/", {"note": "Hijacked"}),
    ("PUT", "/api/v1/events/{past.pk}/report/", {"people_reached": 1, "notes": "Hijacked"}),
    ("PATCH", "/api/v1/events/{past.pk}/report/", {"notes": "Hijacked"}),
    ("POST", "/api/v1/events/{public.pk}/shifts/", _shift_body("public")),
    ("POST", "/api/v1/events/{draft.pk}/shifts/", _shift_body("draft")),
    ("POST", "/api/v1/events/{members.pk}/shifts/", _shift_body("members")),
    ("PATCH", "/api/v1/shifts/{public_shift.pk}/", {"capacity": 1}),
    ("PATCH", "/api/v1/shifts/{draft_shift.pk}/", {"capacity": 1}),
    ("PATCH", "/api/v1/shifts/{members_shift.pk}/", {"capacity": 1}),
    ("DELETE", "/api/v1/shifts/{spare_shift.pk}/", None),
    ("POST", "/api/v1/shifts/{draft_shift.pk}/signups/", None),
    ("POST", "/api/v1/shifts/{members_shift.pk}/signups/", None),
    ("DELETE", "/api/v1/signups/{signup.pk}/", None),
    ("DELETE", "/api/v1/signups/{member_signup.pk}/", None),
    ("POST", "/api/v1/signups/{signup.pk}/check-in/", {"attended": False}),
    ("POST", "/api/v1/signups/{member_signup.pk}/check-in/", {"attended": False}),
    # B's membership reached through A's own chapter, which A's lead does manage.
    ("PATCH", "/api/v1/chapters/berlin/members/{membership.pk}/", {"role": "lead"}),
    ("DELETE", "/api/v1/chapters/berlin/members/{membership.pk}/", None),
]

# B itself is public: what A's lead may not do to it is a 403, as for any signed-in outsider.
FORBIDDEN = [
    ("GET", "/api/v1/chapters/chicago/members/", None),
    ("POST", "/api/v1/chapters/chicago/members/", lambda b: {"email": "other-lead@example.org", "role": "lead"}),
    ("POST", "/api/v1/chapters/chicago/members/", {"email": "not an email"}),
    ("PATCH", "/api/v1/chapters/chicago/members/{membership.pk}/", {"role": "lead"}),
    ("DELETE", "/api/v1/chapters/chicago/members/{membership.pk}/", None),
    ("PATCH", "/api/v1/chapters/chicago/", {"help_line": "Call the intruder"}),
    (
        "POST",
        "/api/v1/events/",
        {
            "chapter": "chicago",
            "title": "Planted",
            "strategy": "advocacy",
            "starts_at": "2027-01-10T18:00:00-06:00",
            "ends_at": "2027-01-10T20:00:00-06:00",
        },
    ),
]

ATTACKS = [pytest.param(*case, 404, id=f"{case[0]} {case[1]}") for case in NOT_FOUND] + [
    pytest.param(*case, 403, id=f"{case[0]} {case[1]} {index}") for index, case in enumerate(FORBIDDEN)
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), ATTACKS)
def test_other_chapters_lead_reaches_nothing_of_chapter_b(as_user, other_lead, b, method, path, body, expected):
    before = snapshot(b.chapter)
    data = body(b) if callable(body) else body

    response = getattr(as_user(other_lead), method.lower())(path.format(**vars(b)), data, format="json")

    assert response.status_code == expected, response.content[:500]
    assert snapshot(b.chapter) == before


def test_other_chapters_lead_sees_only_public_parts_of_chapter_b(as_user, other_lead, b):
    client = as_user(other_lead)

    detail = client.get(f"/api/v1/events/{b.public.pk}/")
    shifts = client.get(f"/api/v1/events/{b.public.pk}/shifts/")
    mine = client.get("/api/v1/me/signups/")

    assert detail.status_code == 200
    assert [shift["id"] for shift in detail.json()["shifts"]] == [b.public_shift.pk, b.spare_shift.pk]
    assert [shift["id"] for shift in shifts.json()] == [b.public_shift.pk, b.spare_shift.pk]
    assert mine.json()["results"] == []


# Filters of the event list


FILTERS = [
    "",
    "chapter=chicago",
    "campaign=harbor-month",
    "q=Harbor",
    "q=draft",
    "q=members",
    "near=41.88,-87.63",
    "near=41.88,-87.63&radius_km=1",
    "audience=parents",
    "strategy=awareness_education",
    "format=in_person",
    "starts_after=2000-01-01T00:00:00Z",
    "chapter=chicago&campaign=harbor-month&q=Harbor&near=41.88,-87.63",
    "status=draft",
    "visibility=members",
    "chapter=chicago&status=draft&visibility=members",
    "page_size=1000",
]


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return sorted(event["id"] for event in response.json()["results"])


def _matches(event: Event, query: str) -> bool:
    """Whether the event list's filters let `event` through; the other parameters match every event here."""
    for key, _sep, value in (part.partition("=") for part in query.split("&")):
        if key == "chapter" and event.chapter.slug != value:
            return False
        if key == "campaign" and (event.campaign is None or event.campaign.slug != value):
            return False
        if key == "q" and value.lower() not in event.title.lower():
            return False
        if key == "near" and event.latitude is None:
            return False
        if key == "audience" and value not in event.audiences:
            return False
    return True


def _expected(visible: list[Event], query: str) -> list[int]:
    return sorted(event.pk for event in visible if _matches(event, query))


@pytest.mark.parametrize("query", FILTERS)
@pytest.mark.parametrize("persona_name", ["anonymous", "outsider", "other_lead"])
def test_event_filters_never_show_chapter_bs_hidden_events(as_user, persona, b, persona_name, query):
    user = None if persona_name == "anonymous" else persona(persona_name)
    visible = [b.public, b.past, *([b.a_draft] if persona_name == "other_lead" else [])]

    response = as_user(user).get(f"/api/v1/events/?{query}")

    assert _ids(response) == _expected(visible, query)


@pytest.mark.parametrize(
    ("persona_name", "visible"),
    [("member", ["public", "past", "members"]), ("lead", ["public", "past", "draft", "members"])],
)
def test_event_filters_show_chapter_b_to_its_own_people(as_user, b, persona_name, visible, request):
    """The control: the filters do match B's hidden events, for those who may see them."""
    client = as_user(b.membership.user if persona_name == "member" else request.getfixturevalue("lead"))
    events = [getattr(b, name) for name in visible]

    for query in ("chapter=chicago", "campaign=harbor-month", "q=Harbor", "near=41.88,-87.63"):
        assert _ids(client.get(f"/api/v1/events/?{query}")) == _expected(events, query), query


# Ids that name nothing


BAD_IDS = [str(2**70), "-1", "abc", "0", "1.5", "%20"]


def _detail_cases():
    for (route, method), kwargs in sorted(api_routes().items()):
        if not kwargs:
            continue
        for bad in BAD_IDS:
            yield pytest.param(route, method, kwargs, bad, id=f"{route}-{method}-{bad}")


@pytest.mark.parametrize(("route", "method", "kwargs", "bad"), list(_detail_cases()))
@pytest.mark.parametrize("persona_name", ["lead", "staff"])
def test_detail_routes_answer_404_for_ids_that_name_nothing(
    as_user, persona, b, route, method, kwargs, bad, persona_name
):
    # The last URL kwarg is the id under test; a chapter slug before it is a real one.
    placeholder = "999999999"
    path = reverse(route, kwargs=dict.fromkeys(kwargs[:-1], b.chapter.slug) | {kwargs[-1]: placeholder})
    path = path.replace(placeholder, bad)
    body = {"email": "b-member@example.org"} if route == "chapter-members" else {}
    before = snapshot(b.chapter)

    response = getattr(as_user(persona(persona_name)), method.lower())(path, body, format="json")

    assert response.status_code == 404, (path, response.content[:300])
    assert snapshot(b.chapter) == before
