"""
docs/product.md's "Who may do what", checked cell by cell against every route of /api/v1/.

The routes are read from the URL configuration, so a route added without a row here fails
`test_matrix_covers_every_api_route`, and a row left behind by a removed route fails it too.
Each cell sends one request as one persona to an object of `chapter` and asserts the status:
allowed cells succeed with a valid body; anonymous writes answer 401; an object the caller may
not see, or may not change, answers 404; 403 is kept for an object the caller may see but not
change in that way (a chapter, its members list, a campaign).
"""

import dataclasses
import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from events.enums import EventStatus, Visibility
from events.models import Event, Shift, Signup
from outreach.models import Campaign, Chapter, Membership, User
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    EventFactory,
    MembershipFactory,
    ShiftFactory,
    SignupFactory,
    UserFactory,
)

API_PREFIX = "api/v1/"

# Routes under /api/v1/ that are not resources: the generated schema, its browsable docs and the
# router's index. Format-suffix variants (`events.json`) reach the same views and are skipped too.
SKIPPED_ROUTES = {"api-schema", "api-docs", "api-root"}

# Methods every view answers the same way for everyone; they carry no permission.
SKIPPED_METHODS = {"HEAD", "OPTIONS"}

PERSONAS = ("anonymous", "volunteer", "member", "coordinator", "other_lead", "lead", "staff")
PERSONA_FIXTURES = {"volunteer": "outsider"}

# (route name, method): (the World attribute the request is about, statuses in the order of PERSONAS)
# fmt: off
MATRIX = {
    #                                                          anon vol  mem  coord olead lead staff
    ("api-token", "POST"):              ("account",            (200, 200, 200, 200, 200, 200, 200)),
    ("me", "GET"):                      (None,                 (401, 200, 200, 200, 200, 200, 200)),
    ("me", "PATCH"):                    (None,                 (401, 200, 200, 200, 200, 200, 200)),
    ("me-signups", "GET"):              (None,                 (401, 200, 200, 200, 200, 200, 200)),
    ("me-feed-token", "POST"):          (None,                 (401, 200, 200, 200, 200, 200, 200)),
    ("chapter-list", "GET"):            (None,                 (200, 200, 200, 200, 200, 200, 200)),
    ("chapter-list", "POST"):           (None,                 (401, 403, 403, 403, 403, 403, 201)),
    ("chapter-detail", "GET"):          ("chapter",            (200, 200, 200, 200, 200, 200, 200)),
    ("chapter-detail", "PUT"):          ("chapter",            (401, 403, 403, 403, 403, 200, 200)),
    ("chapter-detail", "PATCH"):        ("chapter",            (401, 403, 403, 403, 403, 200, 200)),
    ("chapter-members", "GET"):         ("chapter",            (401, 403, 403, 403, 403, 200, 200)),
    ("chapter-members", "POST"):        ("chapter",            (401, 403, 403, 403, 403, 201, 201)),
    ("chapter-member", "PATCH"):        ("membership",         (401, 403, 403, 403, 403, 200, 200)),
    ("chapter-member", "DELETE"):       ("membership",         (401, 403, 403, 403, 403, 204, 204)),
    ("campaign-list", "GET"):           (None,                 (200, 200, 200, 200, 200, 200, 200)),
    ("campaign-list", "POST"):          (None,                 (401, 403, 403, 403, 403, 403, 201)),
    ("campaign-detail", "GET"):         ("campaign",           (200, 200, 200, 200, 200, 200, 200)),
    ("campaign-detail", "PUT"):         ("campaign",           (401, 403, 403, 403, 403, 403, 200)),
    ("campaign-detail", "PATCH"):       ("campaign",           (401, 403, 403, 403, 403, 403, 200)),
    ("event-list", "GET"):              (None,                 (200, 200, 200, 200, 200, 200, 200)),
    ("event-list", "POST"):             (None,                 (401, 403, 403, 201, 403, 201, 201)),
    ("event-detail", "GET"):            ("members_event",      (404, 404, 200, 200, 404, 200, 200)),
    ("event-detail", "PUT"):            ("draft_event",        (401, 404, 404, 200, 404, 200, 200)),
    ("event-detail", "PATCH"):          ("draft_event",        (401, 404, 404, 200, 404, 200, 200)),
    ("event-detail", "DELETE"):         ("draft_event",        (401, 404, 404, 204, 404, 204, 204)),
    ("event-publish", "POST"):          ("draft_event",        (401, 404, 404, 200, 404, 200, 200)),
    ("event-cancel", "POST"):           ("public_event",       (401, 404, 404, 200, 404, 200, 200)),
    ("event-roster", "GET"):            ("public_event",       (404, 404, 404, 200, 404, 200, 200)),
    ("event-report", "GET"):            ("past_event",         (404, 404, 404, 200, 404, 200, 200)),
    ("event-report", "PUT"):            ("past_event",         (401, 404, 404, 200, 404, 200, 200)),
    ("event-report", "PATCH"):          ("past_event",         (401, 404, 404, 200, 404, 200, 200)),
    ("event-shifts", "GET"):            ("members_event",      (404, 404, 200, 200, 404, 200, 200)),
    ("event-shifts", "POST"):           ("public_event",       (401, 404, 404, 201, 404, 201, 201)),
    ("shift-detail", "GET"):            ("members_shift",      (404, 404, 200, 200, 404, 200, 200)),
    ("shift-detail", "PUT"):            ("spare_shift",        (401, 404, 404, 200, 404, 200, 200)),
    ("shift-detail", "PATCH"):          ("spare_shift",        (401, 404, 404, 200, 404, 200, 200)),
    ("shift-detail", "DELETE"):         ("spare_shift",        (401, 404, 404, 204, 404, 204, 204)),
    ("shift-signups", "POST"):          ("public_shift",       (401, 201, 201, 201, 201, 201, 201)),
    ("signup-detail", "GET"):           ("signup",             (401, 404, 404, 200, 404, 200, 200)),
    ("signup-detail", "DELETE"):        ("signup",             (401, 404, 404, 200, 404, 200, 200)),
    ("signup-check-in", "POST"):        ("held_signup",        (401, 404, 404, 200, 404, 200, 200)),
}
# fmt: on


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _methods(callback) -> set[str]:
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a DRF viewset bound to {method: action}
        methods = set(actions)
    else:  # an APIView or a plain Django view
        view_class = callback.view_class
        methods = {name for name in view_class.http_method_names if hasattr(view_class, name)}
    return {method.upper() for method in methods} - SKIPPED_METHODS


def api_routes() -> dict[tuple[str, str], tuple[str, ...]]:
    """{(route name, method): the route's URL kwargs} for every route under /api/v1/."""
    found = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(API_PREFIX) or pattern.name in SKIPPED_ROUTES:
            continue
        kwargs = tuple(pattern.pattern.regex.groupindex)
        if "format" in kwargs:
            continue
        for method in _methods(pattern.callback):
            found[(pattern.name, method)] = kwargs
    return found


def test_matrix_covers_every_api_route():
    routes = set(api_routes())

    assert sorted(routes - set(MATRIX)) == [], "routes without a row in MATRIX"
    assert sorted(set(MATRIX) - routes) == [], "rows in MATRIX for routes that no longer exist"


def test_matrix_rows_have_a_status_for_every_persona():
    assert [key for key, (_target, statuses) in MATRIX.items() if len(statuses) != len(PERSONAS)] == []


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Each cell makes several users; the production hasher would spend most of the run hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Objects of `chapter` that the cells act on: fresh for each cell.


@dataclasses.dataclass
class World:
    chapter: Chapter
    campaign: Campaign
    public_event: Event
    public_shift: Shift
    spare_shift: Shift
    draft_event: Event
    members_event: Event
    members_shift: Shift
    past_event: Event
    signup: Signup
    held_signup: Signup  # on past_event: check-in opens shortly before a shift (events.services.signup_check_in)
    membership: Membership
    newcomer: User
    account: User


@pytest.fixture
def world(chapter):
    public_event = EventFactory(chapter=chapter, title="Open evening")
    public_shift = ShiftFactory(event=public_event, name="Table host")
    spare_shift = ShiftFactory(event=public_event, name="Spare")
    draft_event = EventFactory(chapter=chapter, title="Draft evening", status=EventStatus.DRAFT)
    ShiftFactory(event=draft_event)
    members_event = EventFactory(chapter=chapter, title="Members evening", visibility=Visibility.MEMBERS)
    account = UserFactory(email="account@example.org")
    EmailAddress.objects.create(user=account, email=account.email, verified=True, primary=True)
    past_shift = ShiftFactory(
        event__chapter=chapter,
        event__title="Last week's evening",
        event__starts_at=timezone.now().replace(microsecond=0) - dt.timedelta(days=7),
    )
    return World(
        chapter=chapter,
        campaign=CampaignFactory(slug="prevention-month"),
        public_event=public_event,
        public_shift=public_shift,
        spare_shift=spare_shift,
        draft_event=draft_event,
        members_event=members_event,
        members_shift=ShiftFactory(event=members_event),
        past_event=past_shift.event,
        signup=SignupFactory(shift=public_shift, user__email="someone-else@example.org"),
        held_signup=SignupFactory(shift=past_shift, user__email="came-last-week@example.org"),
        membership=MembershipFactory(chapter=chapter, user__email="plain-member@example.org"),
        newcomer=UserFactory(email="newcomer@example.org"),
        account=account,
    )


def url_kwargs(names: tuple[str, ...], target) -> dict:
    """Fill a route's URL kwargs from the object the cell is about."""
    values = {}
    for name in names:
        if name == "chapter_slug":
            values[name] = target.slug if isinstance(target, Chapter) else target.chapter.slug
        elif name == "slug":
            values[name] = target.slug
        else:  # pk, event_pk
            values[name] = target.pk
    return values


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


BODIES = {
    ("api-token", "POST"): lambda w: {"email": w.account.email, "password": PASSWORD},
    ("me", "PATCH"): lambda w: {"display_name": "Robin"},
    ("chapter-list", "POST"): lambda w: {"slug": "lagos", "name": "Lagos", "timezone": "Africa/Lagos"},
    ("chapter-detail", "PUT"): lambda w: {
        "name": "Chicago",
        "timezone": "America/Chicago",
        "help_line": "Call 1-888-373-7888",
    },
    ("chapter-detail", "PATCH"): lambda w: {"help_line": "Call 1-888-373-7888"},
    ("chapter-members", "POST"): lambda w: {"email": w.newcomer.email, "role": "member"},
    ("chapter-member", "PATCH"): lambda w: {"role": "coordinator"},
    ("campaign-list", "POST"): lambda w: {
        "slug": "april",
        "name": "April",
        "starts_on": "2027-04-01",
        "ends_on": "2027-04-30",
    },
    ("campaign-detail", "PUT"): lambda w: {
        "slug": w.campaign.slug,
        "name": "Prevention month",
        "starts_on": "2027-01-01",
        "ends_on": "2027-01-31",
    },
    ("campaign-detail", "PATCH"): lambda w: {"name": "Prevention month"},
    ("event-list", "POST"): lambda w: {
        "chapter": w.chapter.slug,
        "title": "Internet safety for parents",
        "strategy": "internet_safety",
        "starts_at": "2027-01-10T18:00:00-06:00",
        "ends_at": "2027-01-10T20:00:00-06:00",
    },
    ("event-detail", "PUT"): lambda w: {
        "title": "Draft evening, revised",
        "strategy": "internet_safety",
        "starts_at": _iso(w.draft_event.starts_at),
        "ends_at": _iso(w.draft_event.ends_at),
    },
    ("event-detail", "PATCH"): lambda w: {"title": "Draft evening, revised"},
    ("event-cancel", "POST"): lambda w: {"note": "Venue flooded"},
    ("event-shifts", "POST"): lambda w: {
        "name": "Greeter",
        "starts_at": _iso(w.public_event.starts_at),
        "ends_at": _iso(w.public_event.starts_at + dt.timedelta(hours=1)),
        "capacity": 2,
    },
    ("shift-detail", "PUT"): lambda w: {
        "name": "Spare, renamed",
        "description": "",
        "starts_at": _iso(w.spare_shift.starts_at),
        "ends_at": _iso(w.spare_shift.ends_at),
        "capacity": 5,
    },
    ("shift-detail", "PATCH"): lambda w: {"capacity": 5},
    ("signup-check-in", "POST"): lambda w: {"attended": True},
    ("event-report", "PUT"): lambda w: {
        "people_reached": 40,
        "materials_distributed": 120,
        "partners_engaged": 2,
        "notes": "Good turnout",
    },
    ("event-report", "PATCH"): lambda w: {"people_reached": 40},
}


def test_bodies_belong_to_rows():
    assert sorted(set(BODIES) - set(MATRIX)) == []


CELLS = [
    pytest.param(route, method, persona, target, status, id=f"{route}-{method}-{persona}")
    for (route, method), (target, statuses) in MATRIX.items()
    for persona, status in zip(PERSONAS, statuses, strict=True)
]


@pytest.mark.parametrize(("route", "method", "persona_name", "target", "expected"), CELLS)
def test_permission_cell(as_user, persona, world, route, method, persona_name, target, expected):
    user = None if persona_name == "anonymous" else persona(PERSONA_FIXTURES.get(persona_name, persona_name))
    kwargs = api_routes()[(route, method)]
    path = reverse(route, kwargs=url_kwargs(kwargs, getattr(world, target) if target else None))
    body = BODIES.get((route, method), lambda w: None)(world)

    response = getattr(as_user(user), method.lower())(path, body, format="json")

    assert response.status_code == expected, (method, path, response.content[:500])
