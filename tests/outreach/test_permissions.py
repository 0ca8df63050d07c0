"""
Roles in chapters and what they allow: the chapter rows of docs/product.md "Who may do what".

Personas: anonymous, a signed-in outsider, a member, a coordinator and the lead of the Chicago
chapter, the lead of the Berlin chapter, and staff.
"""

import pytest

from outreach.enums import Role
from outreach.permissions import (
    can_create_chapter,
    can_edit_chapter,
    can_manage_campaigns,
    can_manage_chapter_events,
    can_manage_memberships,
    chapter_roles,
    forget_chapter_roles,
    is_chapter_coordinator,
    is_chapter_lead,
    is_chapter_member,
    is_staff,
    managed_chapter_ids,
)

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PREDICATES = (
    is_chapter_member,
    is_chapter_coordinator,
    is_chapter_lead,
    can_manage_chapter_events,
    can_manage_memberships,
    can_edit_chapter,
)

# Of the Chicago chapter:    member  coordinator  lead   manage events  manage members  edit chapter
MATRIX = [
    ("anonymous", (False, False, False, False, False, False)),
    ("outsider", (False, False, False, False, False, False)),
    ("member", (True, False, False, False, False, False)),
    ("coordinator", (True, True, False, True, False, False)),
    ("lead", (True, True, True, True, True, True)),
    ("other_lead", (False, False, False, False, False, False)),
    ("staff", (False, False, False, True, True, True)),
]


@pytest.mark.parametrize(("who", "answers"), MATRIX)
def test_chapter_predicates(chapter, persona, who, answers):
    user = persona(who)

    assert tuple(predicate(user, chapter) for predicate in PREDICATES) == answers


@pytest.mark.parametrize(("who", "answers"), MATRIX)
def test_chapter_predicates_accept_a_chapter_id(chapter, persona, who, answers):
    user = persona(who)

    assert tuple(predicate(user, chapter.pk) for predicate in PREDICATES) == answers


def test_lead_of_another_chapter_runs_their_own(other_chapter, other_lead):
    assert tuple(predicate(other_lead, other_chapter) for predicate in PREDICATES) == (True,) * 6


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", False),
        ("coordinator", False),
        ("lead", False),
        ("other_lead", False),
        ("staff", True),
    ],
)
def test_only_staff_create_chapters_and_run_campaigns(db, persona, who, allowed):
    user = persona(who)

    assert (is_staff(user), can_create_chapter(user), can_manage_campaigns(user)) == (allowed, allowed, allowed)


def test_an_inactive_staff_user_is_not_staff(db):
    user = UserFactory(is_staff=True, is_active=False)

    assert (is_staff(user), can_create_chapter(user)) == (False, False)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", []),
        ("outsider", []),
        ("member", []),
        ("coordinator", ["chicago"]),
        ("lead", ["chicago"]),
        ("other_lead", ["berlin"]),
        ("staff", None),
    ],
)
def test_managed_chapter_ids(chapter, other_chapter, persona, who, expected):
    user = persona(who)
    slugs = {chapter.pk: "chicago", other_chapter.pk: "berlin"}

    managed = managed_chapter_ids(user)

    assert (managed if managed is None else [slugs[pk] for pk in managed]) == expected


def test_chapter_roles_lists_every_chapter_of_a_user(chapter, other_chapter):
    user = UserFactory()
    MembershipFactory(user=user, chapter=chapter, role=Role.COORDINATOR)
    MembershipFactory(user=user, chapter=other_chapter, role=Role.MEMBER)

    assert chapter_roles(user) == {chapter.pk: Role.COORDINATOR, other_chapter.pk: Role.MEMBER}


def test_chapter_roles_are_read_once_per_user_object(chapter, lead, django_assert_num_queries):
    with django_assert_num_queries(1):
        answers = [predicate(lead, chapter) for predicate in PREDICATES] + [managed_chapter_ids(lead) == [chapter.pk]]

    assert answers == [True] * 7


def test_forget_chapter_roles_reads_them_again(chapter, django_assert_num_queries):
    user = UserFactory()
    assert is_chapter_member(user, chapter) is False
    MembershipFactory(user=user, chapter=chapter)

    forget_chapter_roles(user)

    with django_assert_num_queries(1):
        assert is_chapter_member(user, chapter) is True
