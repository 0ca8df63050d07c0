"""Who may open each dashboard page: the matrix of docs/product.md, page by page, persona by persona."""

import pytest
from django.urls import reverse

from events.enums import EventStatus, SignupStatus
from events.models import Event, EventReport, Shift
from outreach.enums import Role
from outreach.models import Membership
from tests.factories import EventFactory, ShiftFactory

MANAGERS = ["lead", "coordinator", "staff"]
OUTSIDERS = ["member", "outsider", "other_lead"]


@pytest.fixture
def pages(chapter, event, event_shift, signup):
    """Every GET page of the dashboard that belongs to the Chicago chapter."""
    return {
        "event_new": reverse("dashboard:event_new", args=[chapter.slug]),
        "event": reverse("dashboard:event", args=[event.pk]),
        "event_edit": reverse("dashboard:event_edit", args=[event.pk]),
        "event_cancel": reverse("dashboard:event_cancel", args=[event.pk]),
        "event_delete": reverse("dashboard:event_delete", args=[event.pk]),
        "shift_new": reverse("dashboard:shift_new", args=[event.pk]),
        "shift_edit": reverse("dashboard:shift_edit", args=[event_shift.pk]),
        "roster": reverse("dashboard:roster", args=[event.pk]),
        "roster_csv": reverse("dashboard:roster_csv", args=[event.pk]),
        "email_event": reverse("dashboard:email_event", args=[event.pk]),
        "email_shift": reverse("dashboard:email_shift", args=[event_shift.pk]),
        "shift_cancel": reverse("dashboard:shift_cancel", args=[event_shift.pk]),
        "shift_delete": reverse("dashboard:shift_delete", args=[event_shift.pk]),
        "report": reverse("dashboard:report", args=[event.pk]),
    }


PAGE_NAMES = [
    "event_new",
    "event",
    "event_edit",
    "event_cancel",
    "event_delete",
    "shift_new",
    "shift_edit",
    "roster",
    "roster_csv",
    "email_event",
    "email_shift",
    "shift_cancel",
    "shift_delete",
    "report",
]


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("who", MANAGERS)
def test_event_pages_open_for_the_chapters_managers(as_persona, pages, page, who):
    response = as_persona(who).get(pages[page])

    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_event_pages_are_404_outside_the_users_scope(as_persona, pages, page, who):
    response = as_persona(who).get(pages[page])

    assert response.status_code == 404


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_event_pages_send_anonymous_users_to_sign_in(client, pages, page):
    response = client.get(pages[page])

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={pages[page]}"


@pytest.mark.parametrize(("who", "status"), [("lead", 200), ("coordinator", 200), ("staff", 200), ("other_lead", 200)])
def test_home_opens_for_anyone_who_manages_a_chapter(as_persona, chapter, other_chapter, event, who, status):
    response = as_persona(who).get(reverse("dashboard:home"))

    assert response.status_code == status


def test_home_shows_only_the_users_chapters(as_persona, chapter, other_chapter, event):
    lead_view = as_persona("other_lead").get(reverse("dashboard:home"))

    assert [c.slug for c in lead_view.context["chapters"]] == ["berlin"]
    assert "Parents night" not in lead_view.text


def test_home_shows_staff_every_chapter(as_persona, chapter, other_chapter, event):
    response = as_persona("staff").get(reverse("dashboard:home"))

    assert [c.slug for c in response.context["chapters"]] == ["berlin", "chicago"]


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_home_is_404_for_users_who_manage_nothing(as_persona, chapter, who):
    assert as_persona(who).get(reverse("dashboard:home")).status_code == 404


def test_home_sends_anonymous_users_to_sign_in(client):
    response = client.get(reverse("dashboard:home"))

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/dashboard/")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lead", 200),
        ("staff", 200),
        ("coordinator", 404),
        ("member", 404),
        ("outsider", 404),
        ("other_lead", 404),
    ],
)
def test_members_page_is_for_leads_and_staff_only(as_persona, chapter, who, status):
    response = as_persona(who).get(reverse("dashboard:members", args=[chapter.slug]))

    assert response.status_code == status


def test_members_page_sends_anonymous_users_to_sign_in(client, chapter):
    url = reverse("dashboard:members", args=[chapter.slug])

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


@pytest.fixture
def membership(member, chapter):
    return Membership.objects.get(user=member, chapter=chapter)


@pytest.fixture
def draft(chapter):
    event = EventFactory(chapter=chapter, title="Draft", status=EventStatus.DRAFT)
    ShiftFactory(event=event)
    return event


@pytest.mark.parametrize("who", [*OUTSIDERS, "anonymous"])
def test_post_actions_change_nothing_outside_the_users_scope(as_persona, who, draft, event_shift, signup, membership):
    extra = Shift.objects.create(
        event=event_shift.event, name="Extra", starts_at=event_shift.starts_at, ends_at=event_shift.ends_at, capacity=1
    )
    client = as_persona(who)
    posts = [
        (reverse("dashboard:event_publish", args=[draft.pk]), {}),
        (reverse("dashboard:event_cancel", args=[event_shift.event.pk]), {"note": "x"}),
        (reverse("dashboard:event_delete", args=[draft.pk]), {}),
        (reverse("dashboard:shift_delete", args=[extra.pk]), {}),
        (reverse("dashboard:check_in", args=[signup.pk]), {f"signup-{signup.pk}-attended": "yes"}),
        (reverse("dashboard:report", args=[event_shift.event.pk]), {"people_reached": "5"}),
        (reverse("dashboard:member_role", args=[membership.pk]), {f"member-{membership.pk}-role": "lead"}),
        (reverse("dashboard:member_remove", args=[membership.pk]), {}),
        (reverse("dashboard:members", args=["chicago"]), {"add-email": "outsider@example.org", "add-role": "lead"}),
    ]

    statuses = {client.post(url, data).status_code for url, data in posts}

    assert statuses == ({302} if who == "anonymous" else {404})
    draft.refresh_from_db()
    signup.refresh_from_db()
    membership.refresh_from_db()
    assert draft.status == EventStatus.DRAFT
    assert Event.objects.get(pk=event_shift.event.pk).status == EventStatus.PUBLISHED
    assert Shift.objects.filter(pk=extra.pk).exists()
    assert (signup.status, signup.attended) == (SignupStatus.CONFIRMED, None)
    assert membership.role == Role.MEMBER
    assert Membership.objects.filter(chapter__slug="chicago").count() == 1
    assert not EventReport.objects.exists()


def test_coordinators_cannot_change_roles(as_persona, membership):
    response = as_persona("coordinator").post(
        reverse("dashboard:member_role", args=[membership.pk]), {f"member-{membership.pk}-role": "lead"}
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER
