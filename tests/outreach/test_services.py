"""Membership services: adding people to a chapter, changing their roles, removing them."""

import pytest
from django.core.exceptions import ValidationError

from outreach.enums import Role
from outreach.models import Membership
from outreach.permissions import chapter_roles, is_chapter_lead, is_chapter_member
from outreach.services import membership_add, membership_change_role, membership_remove

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ONLY_LEAD = "This is the chapter's only lead; make someone else lead first."


def _roles(chapter):
    return sorted(chapter.memberships.values_list("user__email", "role"))


def _membership(user, chapter):
    return Membership.objects.get(user=user, chapter=chapter)


# membership_add


@pytest.mark.parametrize("role", [Role.MEMBER, Role.COORDINATOR, Role.LEAD])
def test_membership_add_adds_the_user_with_the_role(chapter, role):
    user = UserFactory(email="new@example.org")

    membership = membership_add(chapter=chapter, user=user, role=role)

    assert (membership.user, membership.chapter, membership.role) == (user, chapter, role)
    assert _roles(chapter) == [("new@example.org", role)]


def test_membership_add_makes_a_member_by_default(chapter):
    user = UserFactory(email="new@example.org")

    membership_add(chapter=chapter, user=user)

    assert _roles(chapter) == [("new@example.org", Role.MEMBER)]


def test_membership_add_refuses_someone_who_already_belongs(chapter):
    user = UserFactory(email="ana@example.org", display_name="Ana")
    MembershipFactory(user=user, chapter=chapter, role=Role.COORDINATOR)

    with pytest.raises(ValidationError) as exc_info:
        membership_add(chapter=chapter, user=user, role=Role.LEAD)

    assert exc_info.value.message_dict == {"email": ["Ana is already a member of this chapter."]}
    assert _roles(chapter) == [("ana@example.org", Role.COORDINATOR)]


def test_membership_add_refuses_an_unknown_role(chapter):
    with pytest.raises(ValidationError) as exc_info:
        membership_add(chapter=chapter, user=UserFactory(), role="owner")

    assert exc_info.value.message_dict == {"role": ["Choose a role from member, coordinator, lead."]}
    assert _roles(chapter) == []


def test_membership_add_refreshes_the_users_roles(chapter):
    user = UserFactory()
    assert chapter_roles(user) == {}

    membership_add(chapter=chapter, user=user)

    assert is_chapter_member(user, chapter) is True


def test_membership_add_to_a_second_chapter(chapter, other_chapter, lead):
    membership_add(chapter=other_chapter, user=lead, role=Role.MEMBER)

    assert sorted(Membership.objects.filter(user=lead).values_list("chapter__slug", "role")) == [
        ("berlin", Role.MEMBER),
        ("chicago", Role.LEAD),
    ]


# membership_change_role


def test_membership_change_role_promotes_a_member(chapter, lead, member):
    membership = membership_change_role(membership=_membership(member, chapter), role=Role.COORDINATOR)

    assert membership.role == Role.COORDINATOR
    assert _roles(chapter) == [
        ("lead@example.org", Role.LEAD),
        ("member@example.org", Role.COORDINATOR),
    ]


def test_membership_change_role_refuses_an_unknown_role(chapter, member):
    with pytest.raises(ValidationError) as exc_info:
        membership_change_role(membership=_membership(member, chapter), role="boss")

    assert exc_info.value.message_dict == {"role": ["Choose a role from member, coordinator, lead."]}
    assert _membership(member, chapter).role == Role.MEMBER


@pytest.mark.parametrize("role", [Role.MEMBER, Role.COORDINATOR])
def test_membership_change_role_refuses_to_demote_the_last_lead(chapter, lead, member, role):
    with pytest.raises(ValidationError) as exc_info:
        membership_change_role(membership=_membership(lead, chapter), role=role)

    assert exc_info.value.message_dict == {"role": [ONLY_LEAD]}
    assert _membership(lead, chapter).role == Role.LEAD


def test_membership_change_role_demotes_a_lead_when_another_remains(chapter, lead, member):
    membership_change_role(membership=_membership(member, chapter), role=Role.LEAD)

    membership_change_role(membership=_membership(lead, chapter), role=Role.MEMBER)

    assert _roles(chapter) == [
        ("lead@example.org", Role.MEMBER),
        ("member@example.org", Role.LEAD),
    ]


def test_membership_change_role_keeps_the_last_lead_a_lead(chapter, lead):
    membership = membership_change_role(membership=_membership(lead, chapter), role=Role.LEAD)

    assert membership.role == Role.LEAD


def test_membership_change_role_does_not_count_a_lead_of_another_chapter(chapter, lead, other_lead):
    with pytest.raises(ValidationError) as exc_info:
        membership_change_role(membership=_membership(lead, chapter), role=Role.MEMBER)

    assert exc_info.value.message_dict == {"role": [ONLY_LEAD]}


def test_membership_change_role_refreshes_the_roles_of_the_membership_user(chapter, member):
    membership = _membership(member, chapter)
    assert is_chapter_lead(membership.user, chapter) is False

    membership_change_role(membership=membership, role=Role.LEAD)

    assert is_chapter_lead(membership.user, chapter) is True


# membership_remove


def test_membership_remove_removes_a_member(chapter, lead, member):
    membership_remove(membership=_membership(member, chapter))

    assert _roles(chapter) == [("lead@example.org", Role.LEAD)]


def test_membership_remove_refuses_the_last_lead(chapter, lead, coordinator):
    with pytest.raises(ValidationError) as exc_info:
        membership_remove(membership=_membership(lead, chapter))

    assert exc_info.value.message_dict == {"role": [ONLY_LEAD]}
    assert _roles(chapter) == [
        ("coordinator@example.org", Role.COORDINATOR),
        ("lead@example.org", Role.LEAD),
    ]


def test_membership_remove_removes_a_lead_when_another_remains(chapter, lead):
    MembershipFactory(chapter=chapter, role=Role.LEAD, user__email="second-lead@example.org")

    membership_remove(membership=_membership(lead, chapter))

    assert _roles(chapter) == [("second-lead@example.org", Role.LEAD)]
