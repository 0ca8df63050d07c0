"""
When the database is down the app answers 503 with Retry-After and no traceback, on the API and
on HTML pages; when a kept connection is dropped under it, the next request reconnects.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from outreach.middleware import RETRY_AFTER_SECONDS, UNAVAILABLE
from tests.factories import EventFactory, UserFactory


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@contextmanager
def database_down(tmp_path: Path):
    """Point the connection somewhere no database answers: a closed port, or a file in no directory."""
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
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


def database_url(**options) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    query = "&".join(f"{key}={quote(value)}" for key, value in options.items())
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}?{query}"


@contextmanager
def app_server(tmp_path: Path, **environ):
    """A gunicorn process serving the app on a free port; always stopped, never left behind."""
    port = closed_port()
    log = tmp_path / f"gunicorn-{port}.log"
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "test-only-not-secret", "ALLOWED_HOSTS": "127.0.0.1", **environ}
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [
                sys.executable,
                "-m",
                "gunicorn",
                "outreach.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "30",
                "--graceful-timeout",
                "2",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"the app server exited with {process.returncode}:\n{log.read_text()}")
            try:
                urllib.request.urlopen(f"{base}/not-a-page/", timeout=5)  # noqa: S310 - a local http URL
            except urllib.error.HTTPError:
                break  # the worker answers
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the app server did not answer within 30 s:\n{log.read_text()}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local http URL
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


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
        first = get(f"{server}/api/v1/events/")
        kept = server_backends(name)
        again = get(f"{server}/api/v1/events/")
        still_kept = server_backends(name)
        with connection.cursor() as cursor:  # a second connection drops the server's from under it
            cursor.execute("SELECT pg_terminate_backend(%s)", kept)
        deadline = time.monotonic() + 10
        while server_backends(name) == kept and time.monotonic() < deadline:
            time.sleep(0.05)
        after_drop = get(f"{server}/api/v1/events/")
        replaced = server_backends(name)

    assert (first, again, after_drop) == (200, 200, 200)
    assert len(kept) == 1
    assert still_kept == kept, "the server kept one connection between requests, so the drop hits a live one"
    assert len(replaced) == 1
    assert replaced != kept
