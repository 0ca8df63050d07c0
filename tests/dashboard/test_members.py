"""Leads manage their chapter's members and roles; a chapter keeps its last lead."""

import pytest
from django.urls import reverse

from outreach.enums import Role
from outreach.models import Membership
from tests.factories import UserFactory

from .conftest import messages_of


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def url(chapter):
    return reverse("dashboard:members", args=[chapter.slug])


def membership_of(user):
    return Membership.objects.get(user=user)


def test_members_page_lists_members_with_role_forms(lead_client, url, lead, member):
    response = lead_client.get(url)

    assert [(str(m.user), m.role) for m in response.context["memberships"]] == [
        (str(lead), "lead"),
        (str(member), "member"),
    ]
    pk = membership_of(member).pk
    assert f'<label for="id_member-{pk}-role" class="visually-hidden">Role of {member}</label>' in response.text
    assert (
        f'<button type="submit" class="button button--danger">Remove<span class="visually-hidden"> {member}</span>'
        in response.text
    )
    assert '<label for="id_add-email">Email address:</label>' in response.text


def test_add_a_member_by_email(lead_client, url, chapter):
    newcomer = UserFactory(email="New.Person@example.org", display_name="Nia")

    response = lead_client.post(url, {"add-email": "new.person@EXAMPLE.org", "add-role": "coordinator"}, follow=True)

    assert messages_of(response) == ["Nia was added as coordinator."]
    assert membership_of(newcomer).role == Role.COORDINATOR


@pytest.mark.parametrize(
    ("email", "errors"),
    [
        ("nobody@example.org", {"email": ["Nobody has an account with this address; ask them to sign up first."]}),
        ("member@example.org", {"email": ["Volunteer 0 is already a member of this chapter."]}),
        ("not-an-email", {"email": ["Enter a valid email address."]}),
    ],
)
def test_add_member_refusals_are_shown_beside_the_field(lead_client, url, email, errors, member):
    member.display_name = "Volunteer 0"
    member.save()

    response = lead_client.post(url, {"add-email": email, "add-role": "member"})

    assert response.status_code == 400
    assert response.context["add_form"].errors == errors
    assert '<ul class="errorlist" id="id_add-email_error">' in response.text
    assert Membership.objects.count() == 2


def test_change_a_role(lead_client, url, member):
    membership = membership_of(member)

    response = lead_client.post(
        reverse("dashboard:member_role", args=[membership.pk]), {f"member-{membership.pk}-role": "lead"}, follow=True
    )

    assert response.redirect_chain == [(url, 302)]
    assert messages_of(response) == [f"{member} is now lead."]
    assert membership_of(member).role == Role.LEAD


def test_the_last_lead_cannot_step_down_and_the_error_is_beside_the_role(lead_client, lead):
    membership = membership_of(lead)

    response = lead_client.post(
        reverse("dashboard:member_role", args=[membership.pk]), {f"member-{membership.pk}-role": "member"}
    )

    assert response.status_code == 400
    [row] = [m for m in response.context["memberships"] if m.pk == membership.pk]
    assert row.role_form.errors == {"role": ["This is the chapter's only lead; make someone else lead first."]}
    assert f'<ul class="errorlist" id="id_member-{membership.pk}-role_error">' in response.text
    assert membership_of(lead).role == Role.LEAD


def test_remove_a_member(lead_client, url, member, chapter):
    membership = membership_of(member)

    response = lead_client.post(reverse("dashboard:member_remove", args=[membership.pk]), follow=True)

    assert messages_of(response) == [f"{member} was removed from Chicago."]
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_lead_is_not_removed(lead_client, url, lead):
    membership = membership_of(lead)

    response = lead_client.post(reverse("dashboard:member_remove", args=[membership.pk]), follow=True)

    assert messages_of(response) == [
        f"{lead} was not removed: This is the chapter's only lead; make someone else lead first."
    ]
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_staff_manage_any_chapters_members(client, staff, other_chapter, other_lead):
    client.force_login(staff)
    membership = membership_of(other_lead)
    second = UserFactory(email="second@example.org")
    client.post(
        reverse("dashboard:members", args=[other_chapter.slug]), {"add-email": "second@example.org", "add-role": "lead"}
    )

    client.post(reverse("dashboard:member_role", args=[membership.pk]), {f"member-{membership.pk}-role": "member"})

    assert (membership_of(second).role, membership_of(other_lead).role) == (Role.LEAD, Role.MEMBER)
