"""The preferences page: optional kinds on and off; confirmations and cancellations always go."""

from outreach.models import User

from ..factories import UserFactory


def test_preferences_need_a_login(client, db):
    response = client.get("/notifications/preferences/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_preferences_page_saves_each_optional_kind(client, db):
    user = UserFactory(email="pref@example.org")
    client.force_login(user)

    page = client.get("/notifications/preferences/")
    saved = client.post("/notifications/preferences/", {"notify_reminder_same_day": "on", "notify_lead_digest": "on"})

    assert page.status_code == 200
    assert "Confirmations, waitlist news and cancellations always go" in page.text
    assert saved.status_code == 302
    assert User.objects.filter(pk=user.pk).values(
        "notify_reminder_day_before", "notify_reminder_same_day", "notify_event_changes", "notify_lead_digest"
    ).get() == {
        "notify_reminder_day_before": False,
        "notify_reminder_same_day": True,
        "notify_event_changes": False,
        "notify_lead_digest": True,
    }
