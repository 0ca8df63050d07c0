"""
When the database is down the app answers 503 with Retry-After and no traceback, on the API and
on HTML pages; when a kept connection is dropped under it, the next request reconnects.
"""

import os
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.middleware import RETRY_AFTER_SECONDS, UNAVAILABLE
from tests.api.app_servers import app_server, database_url, free_port, get
from tests.factories import EventFactory, UserFactory


@contextmanager
def database_down(tmp_path: Path):
    """Point the connection somewhere no database answers: a closed port, or a file in no directory."""
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        # A port that was free a moment ago: nothing listens on it once the probe's socket closed.
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    else:
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "db.sqlite3")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


@pytest.fixture
def volunteer(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return UserFactory(email="volunteer@example.org")


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == RETRY_AFTER_SECONDS
    assert b"Traceback" not in response.content
    assert b'File "' not in response.content


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "token"])
def test_api_answers_503_while_the_database_is_down(volunteer, chapter, tmp_path, signed_in):
    EventFactory(chapter=chapter)
    api = APIClient()
    if signed_in:
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=volunteer).key}")

    with database_down(tmp_path):
        down = api.get("/api/v1/events/")
    back = api.get("/api/v1/events/")

    assert_unavailable(down)
    assert down.json() == {"detail": UNAVAILABLE}
    assert back.status_code == 200
    assert back.json()["count"] == 1


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "session"])
def test_html_page_answers_503_while_the_database_is_down(client, volunteer, chapter, tmp_path, signed_in):
    event = EventFactory(chapter=chapter, title="Open dialogue night")
    if signed_in:
        client.force_login(volunteer)

    with database_down(tmp_path):
        down = [client.get("/"), client.get(f"/events/{event.pk}/")]
    back = client.get(f"/events/{event.pk}/")

    for response in down:
        assert_unavailable(response)
        assert response.content.decode() == UNAVAILABLE
    assert back.status_code == 200
    assert "Open dialogue night" in back.content.decode()


# A dropped connection, on a real app server that keeps its connection between requests.


def server_backends(application_name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
            [application_name],
        )
        return [pid for (pid,) in cursor.fetchall()]


@pytest.mark.postgresql
def test_app_server_survives_its_database_connection_being_dropped(transactional_db, chapter, tmp_path):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL; SQLite runs deselect it with -m 'not postgresql'.")
    EventFactory(chapter=chapter)
    name = f"outreach-dropped-{os.getpid()}"
    # CONN_MAX_AGE keeps the worker's connection between requests; CONN_HEALTH_CHECKS (always on) replaces a dead one.
    environ = {"DATABASE_URL": database_url(application_name=name), "CONN_MAX_AGE": "600"}

    with app_server(tmp_path, **environ) as server:
        first, _retry = get(f"{server}/api/v1/events/")
        kept = server_backends(name)
        again, _retry = get(f"{server}/api/v1/events/")
        still_kept = server_backends(name)
        with connection.cursor() as cursor:  # a second connection drops the server's from under it
            cursor.execute("SELECT pg_terminate_backend(%s)", kept)
        deadline = time.monotonic() + 10
        while server_backends(name) == kept and time.monotonic() < deadline:
            time.sleep(0.05)
        after_drop, _retry = get(f"{server}/api/v1/events/")
        replaced = server_backends(name)

    assert (first, again, after_drop) == (200, 200, 200)
    assert len(kept) == 1
    assert still_kept == kept, "the server kept one connection between requests, so the drop hits a live one"
    assert len(replaced) == 1
    assert replaced != kept
