import re

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


@pytest.mark.parametrize(
    ("path", "current"),
    [("/", "Find events"), ("/me/signups/", "My signups"), ("/me/profile/", "Profile"), ("/dashboard/", "Dashboard")],
)
def test_the_header_marks_exactly_the_current_page(client, lead, path, current):
    client.force_login(lead)

    nav = client.get(path).content.decode().split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]

    marked = re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', nav)
    assert marked == [current]
