import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.enums import Role
from outreach.models import Campaign, Chapter, Membership
from tests.factories import CampaignFactory, ChapterFactory, MembershipFactory, UserFactory


def test_chapter_list_and_detail_are_public(api, chapter):
    ChapterFactory(slug="closed", is_active=False)

    listed = api.get("/api/v1/chapters/")
    detail = api.get("/api/v1/chapters/chicago/")

    assert [c["slug"] for c in listed.json()["results"]] == ["chicago"]
    assert detail.json() == {
        "slug": "chicago",
        "name": "Chicago",
        "description": "",
        "timezone": "America/Chicago",
        "city": "Chicago",
        "region": "",
        "country": "US",
        "latitude": None,
        "longitude": None,
        "contact_email": "",
        "help_line": "",
        "is_active": True,
        "url": "https://outreach.test/chapters/chicago/",
        "feed_url": "https://outreach.test/feeds/chapters/chicago.ics",
    }


@pytest.mark.parametrize("size", [1, 3])
def test_chapter_list_query_count_does_not_grow(api, db, size):
    ChapterFactory.create_batch(size)

    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/chapters/")

    assert len(response.json()["results"]) == size
    assert len(queries) == 2


def test_only_staff_create_chapters(as_user, staff, lead):
    payload = {"slug": "lagos", "name": "Lagos", "timezone": "Africa/Lagos"}

    refused = as_user(lead).post("/api/v1/chapters/", payload, format="json")
    created = as_user(staff).post("/api/v1/chapters/", payload, format="json")

    assert refused.status_code == 403
    assert created.status_code == 201
    assert Chapter.objects.get(slug="lagos").timezone == "Africa/Lagos"


def test_chapter_create_refuses_bad_timezone(as_user, staff):
    response = as_user(staff).post("/api/v1/chapters/", {"slug": "x", "name": "X", "timezone": "CEST"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"timezone": ["“CEST” is not an IANA time zone; use a name such as Europe/Berlin."]}


def test_lead_edits_own_chapter_but_not_another(as_user, lead, chapter, other_chapter):
    own = as_user(lead).patch("/api/v1/chapters/chicago/", {"help_line": "Call 1-888-373-7888"}, format="json")
    other = as_user(lead).patch("/api/v1/chapters/berlin/", {"help_line": "x"}, format="json")

    assert own.status_code == 200
    assert other.status_code == 403
    chapter.refresh_from_db()
    other_chapter.refresh_from_db()
    assert (chapter.help_line, other_chapter.help_line) == ("Call 1-888-373-7888", "")


def test_lead_manages_members(as_user, lead, chapter):
    newcomer = UserFactory(email="new@example.org", display_name="Newcomer")
    client = as_user(lead)

    added = client.post("/api/v1/chapters/chicago/members/", {"email": "NEW@example.org"}, format="json")
    membership_id = added.json()["id"]
    promoted = client.patch(
        f"/api/v1/chapters/chicago/members/{membership_id}/", {"role": "coordinator"}, format="json"
    )
    listed = client.get("/api/v1/chapters/chicago/members/")
    removed = client.delete(f"/api/v1/chapters/chicago/members/{membership_id}/")

    assert added.status_code == 201
    assert {k: added.json()[k] for k in ("email", "display_name", "role")} == {
        "email": "new@example.org",
        "display_name": "Newcomer",
        "role": "member",
    }
    assert promoted.json()["role"] == "coordinator"
    assert [(m["email"], m["role"]) for m in listed.json()["results"]] == [
        ("lead@example.org", "lead"),
        ("new@example.org", "coordinator"),
    ]
    assert removed.status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()


def test_member_add_errors_name_the_field(as_user, lead, member):
    client = as_user(lead)

    unknown = client.post("/api/v1/chapters/chicago/members/", {"email": "ghost@example.org"}, format="json")
    duplicate = client.post("/api/v1/chapters/chicago/members/", {"email": member.email}, format="json")
    bad_role = client.post(
        "/api/v1/chapters/chicago/members/", {"email": "x@example.org", "role": "queen"}, format="json"
    )

    assert (unknown.status_code, list(unknown.json())) == (400, ["email"])
    assert (duplicate.status_code, list(duplicate.json())) == (400, ["email"])
    assert (bad_role.status_code, list(bad_role.json())) == (400, ["role"])


def test_member_cannot_escalate_own_role(as_user, member, chapter):
    membership = Membership.objects.get(user=member)

    response = as_user(member).patch(
        f"/api/v1/chapters/chicago/members/{membership.pk}/", {"role": "lead"}, format="json"
    )

    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_coordinator_and_other_lead_cannot_manage_members(as_user, coordinator, other_lead, chapter):
    for user in (coordinator, other_lead):
        assert as_user(user).get("/api/v1/chapters/chicago/members/").status_code == 403
        assert (
            as_user(user).post("/api/v1/chapters/chicago/members/", {"email": user.email}, format="json").status_code
            == 403
        )


def test_last_lead_cannot_be_demoted(as_user, lead, chapter):
    membership = Membership.objects.get(user=lead)

    response = as_user(lead).patch(
        f"/api/v1/chapters/chicago/members/{membership.pk}/", {"role": "member"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"role": ["This is the chapter's only lead; make someone else lead first."]}


def test_members_of_another_chapter_are_not_reachable_through_this_one(as_user, lead, other_chapter):
    stranger = MembershipFactory(chapter=other_chapter)

    response = as_user(lead).delete(f"/api/v1/chapters/chicago/members/{stranger.pk}/")

    assert response.status_code == 404
    assert Membership.objects.filter(pk=stranger.pk).exists()


def test_campaigns_public_read_staff_write(as_user, api, staff, lead):
    CampaignFactory(slug="january", name="January")
    payload = {"slug": "april", "name": "April", "starts_on": "2027-04-01", "ends_on": "2027-04-30"}

    listed = api.get("/api/v1/campaigns/")
    refused = as_user(lead).post("/api/v1/campaigns/", payload, format="json")
    created = as_user(staff).post("/api/v1/campaigns/", payload, format="json")
    backwards = as_user(staff).post(
        "/api/v1/campaigns/", {**payload, "slug": "b", "ends_on": "2027-03-01"}, format="json"
    )

    assert [c["slug"] for c in listed.json()["results"]] == ["january"]
    assert refused.status_code == 403
    assert created.json() == {
        **payload,
        "description": "",
        "feed_url": "https://outreach.test/feeds/campaigns/april.ics",
    }
    assert (backwards.status_code, backwards.json()) == (
        400,
        {"ends_on": ["The campaign must end on or after the day it starts."]},
    )
    assert list(Campaign.objects.order_by("slug").values_list("slug", flat=True)) == ["april", "january"]
