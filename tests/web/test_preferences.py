"""Notification preferences: linked from the volunteer's own pages, offering each person the kinds that reach them."""

import pytest
from django.urls import reverse

from notifications.enums import MessageKind

PREFERENCES = reverse("notification_preferences")
DIGEST_FIELD = MessageKind.optional()[MessageKind.LEAD_DIGEST]


def offered(response) -> list[str]:
    return list(response.context["form"].fields)


@pytest.mark.parametrize("page", ["profile", "my_signups"])
def test_preferences_are_linked_from_the_volunteers_own_pages(client, outsider, page):
    client.force_login(outsider)

    html = client.get(reverse(page)).text

    assert f'<a href="{PREFERENCES}">Email notifications</a>' in html


@pytest.mark.parametrize("persona_name", ["outsider", "member", "coordinator"])
def test_the_lead_digest_is_not_offered_to_those_who_lead_no_chapter(client, persona, persona_name):
    client.force_login(persona(persona_name))

    response = client.get(PREFERENCES)

    assert offered(response) == [
        "notify_reminder_day_before",
        "notify_reminder_same_day",
        "notify_event_changes",
    ]
    assert "Daily digest" not in response.text
    assert "digest" not in response.text


def test_a_chapter_lead_is_offered_every_optional_kind(client, lead):
    client.force_login(lead)

    response = client.get(PREFERENCES)

    assert offered(response) == list(MessageKind.optional().values())
    assert "For chapter leads: each morning" in response.text


def test_a_volunteers_save_leaves_the_digest_setting_alone(client, outsider):
    client.force_login(outsider)

    response = client.post(PREFERENCES, {"notify_reminder_same_day": "on", DIGEST_FIELD: ""}, follow=True)

    outsider.refresh_from_db()
    assert response.redirect_chain == [(PREFERENCES, 302)]
    assert (
        outsider.notify_reminder_day_before,
        outsider.notify_reminder_same_day,
        outsider.notify_event_changes,
        outsider.notify_lead_digest,
    ) == (False, True, False, True)


def test_a_lead_can_turn_the_digest_off(client, lead):
    client.force_login(lead)

    client.post(PREFERENCES, {"notify_reminder_day_before": "on"})

    lead.refresh_from_db()
    assert (lead.notify_reminder_day_before, lead.notify_lead_digest) == (True, False)


def test_preferences_page_has_one_label_per_checkbox(client, outsider):
    client.force_login(outsider)

    html = client.get(PREFERENCES).text

    for name in ("notify_reminder_day_before", "notify_reminder_same_day", "notify_event_changes"):
        assert html.count(f'for="id_{name}"') == 1
        assert f'aria-describedby="id_{name}_helptext"' in html
