import pytest

from tests.factories import EventFactory


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("lead", True), ("coordinator", True), ("staff", True), ("member", False), ("outsider", False)],
)
def test_dashboard_link_only_for_those_who_run_events(client, persona, shown, request, chapter):
    client.force_login(request.getfixturevalue(persona))
    event = EventFactory(chapter=chapter)

    home = client.get("/").content.decode()
    page = client.get(f"/events/{event.pk}/").content.decode()

    assert ('href="/dashboard/"' in home) is shown
    assert (f'href="/dashboard/events/{event.pk}/"' in page) is shown


def test_anonymous_sees_no_dashboard_link(client, chapter):
    assert 'href="/dashboard/"' not in client.get("/").content.decode()
