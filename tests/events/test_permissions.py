"""
Who may see and do what with events and signups: the matrix of docs/product.md "Who may do what".

Personas: anonymous, a signed-in outsider, a member, a coordinator and the lead of the Chicago
chapter, the lead of the Berlin chapter, and staff.
"""

import pytest

from events.enums import EventStatus, SignupStatus, Visibility
from events.models import Event
from events.permissions import (
    can_cancel_signup,
    can_check_in,
    can_manage_event,
    can_see_private_location,
    can_sign_up,
    can_view_event,
    can_view_signup,
)

from ..factories import EventFactory, ShiftFactory, SignupFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "member", "coordinator", "lead", "other_lead", "staff"]

CHICAGO_LISTED = {"public", "cancelled"}
CHICAGO_MEMBERS = {"members", "members-cancelled"}
CHICAGO_ALL = {*CHICAGO_LISTED, *CHICAGO_MEMBERS, "draft", "members-draft"}
BERLIN_ALL = {"berlin-public", "berlin-members", "berlin-draft"}

VISIBLE = {
    "anonymous": {*CHICAGO_LISTED, "berlin-public"},
    "outsider": {*CHICAGO_LISTED, "berlin-public"},
    "member": {*CHICAGO_LISTED, *CHICAGO_MEMBERS, "berlin-public"},
    "coordinator": {*CHICAGO_ALL, "berlin-public"},
    "lead": {*CHICAGO_ALL, "berlin-public"},
    "other_lead": {*CHICAGO_LISTED, *BERLIN_ALL},
    "staff": {*CHICAGO_ALL, *BERLIN_ALL},
}


@pytest.fixture
def events(chapter, other_chapter):
    """Events of every status and visibility in Chicago, and a few in Berlin, keyed by title."""
    rows = [
        (chapter, "public", EventStatus.PUBLISHED, Visibility.PUBLIC),
        (chapter, "cancelled", EventStatus.CANCELLED, Visibility.PUBLIC),
        (chapter, "members", EventStatus.PUBLISHED, Visibility.MEMBERS),
        (chapter, "members-cancelled", EventStatus.CANCELLED, Visibility.MEMBERS),
        (chapter, "draft", EventStatus.DRAFT, Visibility.PUBLIC),
        (chapter, "members-draft", EventStatus.DRAFT, Visibility.MEMBERS),
        (other_chapter, "berlin-public", EventStatus.PUBLISHED, Visibility.PUBLIC),
        (other_chapter, "berlin-members", EventStatus.PUBLISHED, Visibility.MEMBERS),
        (other_chapter, "berlin-draft", EventStatus.DRAFT, Visibility.PUBLIC),
    ]
    return {
        title: EventFactory(chapter=where, title=title, status=status, visibility=visibility)
        for where, title, status, visibility in rows
    }


@pytest.mark.parametrize("who", PERSONAS)
def test_visible_to_lists_what_the_matrix_allows(events, persona, who):
    user = persona(who)

    visible = {event.title for event in Event.objects.visible_to(user)}

    assert visible == VISIBLE[who]


@pytest.mark.parametrize("who", PERSONAS)
def test_can_view_event_agrees_with_visible_to(events, persona, who):
    user = persona(who)

    viewable = {title for title, event in events.items() if can_view_event(user, event)}

    assert viewable == VISIBLE[who]


def test_visible_to_an_inactive_staff_user_is_the_public_list(events):
    user = UserFactory(is_staff=True, is_active=False)

    visible = {event.title for event in Event.objects.visible_to(user)}

    assert visible == {*CHICAGO_LISTED, "berlin-public"}


@pytest.mark.parametrize(
    ("who", "chicago", "berlin"),
    [
        ("anonymous", False, False),
        ("outsider", False, False),
        ("member", False, False),
        ("coordinator", True, False),
        ("lead", True, False),
        ("other_lead", False, True),
        ("staff", True, True),
    ],
)
def test_can_manage_event(events, persona, who, chicago, berlin):
    user = persona(who)

    assert (can_manage_event(user, events["draft"]), can_manage_event(user, events["berlin-draft"])) == (
        chicago,
        berlin,
    )


@pytest.mark.parametrize(
    ("who", "public", "members_only"),
    [
        ("anonymous", False, False),
        ("outsider", True, False),
        ("member", True, True),
        ("coordinator", True, True),
        ("lead", True, True),
        ("other_lead", True, False),
        ("staff", True, False),
    ],
)
def test_can_sign_up(events, persona, who, public, members_only):
    user = persona(who)

    assert (can_sign_up(user, events["public"]), can_sign_up(user, events["members"])) == (public, members_only)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", False),
        ("coordinator", True),
        ("lead", True),
        ("other_lead", False),
        ("staff", True),
    ],
)
def test_can_see_private_location_without_a_signup(events, persona, who, allowed):
    user = persona(who)

    assert can_see_private_location(user, events["public"]) is allowed


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(SignupStatus.CONFIRMED, True), (SignupStatus.WAITLISTED, False), (SignupStatus.CANCELLED, False)],
)
def test_can_see_private_location_with_a_signup(events, outsider, status, allowed):
    shift = ShiftFactory(event=events["public"])
    SignupFactory(
        user=outsider, shift=shift, status=status, cancelled_at=shift.starts_at if status == "cancelled" else None
    )

    assert can_see_private_location(outsider, events["public"]) is allowed


def test_can_see_private_location_with_a_confirmed_signup_for_another_event(events, outsider):
    SignupFactory(user=outsider, shift=ShiftFactory(event=events["berlin-public"]))

    assert can_see_private_location(outsider, events["public"]) is False


def test_can_see_private_location_from_known_confirmed_event_ids_costs_no_query_per_event(
    events, outsider, django_assert_num_queries
):
    confirmed = {events["public"].pk}

    with django_assert_num_queries(1):  # the user's chapter roles, read once
        answers = [
            can_see_private_location(outsider, event, confirmed_event_ids=confirmed)
            for event in (events["public"], events["cancelled"], events["berlin-public"])
        ]

    assert answers == [True, False, False]


@pytest.mark.parametrize(
    ("who", "view", "cancel", "check_in"),
    [
        ("anonymous", False, False, False),
        ("outsider", True, True, False),
        ("member", False, False, False),
        ("coordinator", True, True, True),
        ("lead", True, True, True),
        ("other_lead", False, False, False),
        ("staff", True, True, True),
    ],
)
def test_signup_permissions(events, persona, who, view, cancel, check_in):
    signup = SignupFactory(user=persona("outsider"), shift=ShiftFactory(event=events["public"]))
    user = persona(who)

    assert (can_view_signup(user, signup), can_cancel_signup(user, signup), can_check_in(user, signup)) == (
        view,
        cancel,
        check_in,
    )
