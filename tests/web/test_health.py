"""
/healthz and /readyz (issue 12, item 7): plain answers for load balancers, no cookie, never cached;
/readyz names the part that does not answer, and nothing else, within its timeout.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.db import connection

from config.middleware import UNAVAILABLE
from tests.api.app_servers import app_server, database_url
from tests.api.test_database_trouble import database_down
from web.views.health import READY_TIMEOUT_SECONDS

REDIS_URL = os.environ.get("THROTTLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


def redis_cache(location):
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}


def assert_plain(response, status, body):
    assert (response.status_code, response.content) == (status, body)
    assert (response["Content-Type"], response["Cache-Control"]) == ("text/plain; charset=utf-8", NO_STORE)
    assert not response.has_header("Set-Cookie")
    assert response.cookies == {}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_healthy_app_answers_ok(client, db, path):
    assert_plain(client.get(path), 200, b"ok\n")


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_head_answers_and_other_methods_are_refused(client, db, path):
    head = client.head(path)
    post = client.post(path)

    assert (head.status_code, head["Content-Type"]) == (200, "text/plain; charset=utf-8")
    assert (post.status_code, post["Allow"]) == (405, "GET, HEAD")


def test_readyz_answers_ok_with_redis_as_the_cache(client, db, settings):
    settings.CACHES = redis_cache(REDIS_URL)

    assert_plain(client.get("/readyz"), 200, b"ok\n")


def test_readyz_names_the_cache_when_redis_refuses_connections(client, db, settings):
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")

    assert_plain(client.get("/readyz"), 503, b"unavailable: cache\n")
    assert_plain(client.get("/healthz"), 200, b"ok\n")


def test_readyz_gives_up_on_a_redis_that_never_answers(client, db, settings):
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.CACHES = redis_cache(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")

        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started

    assert_plain(response, 503, b"unavailable: cache\n")
    assert READY_TIMEOUT_SECONDS <= elapsed < READY_TIMEOUT_SECONDS + 3


def test_readyz_names_the_database_while_it_is_down_and_healthz_still_answers(client, transactional_db, tmp_path):
    with database_down(tmp_path):
        ready = client.get("/readyz")
        healthy = client.get("/healthz")
    back = client.get("/readyz")

    assert_plain(ready, 503, b"unavailable: database\n")
    assert ready.content.decode() != UNAVAILABLE  # its own answer, not the middleware's
    assert_plain(healthy, 200, b"ok\n")
    assert_plain(back, 200, b"ok\n")


def test_probes_are_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert_plain(client.get("/healthz"), 200, b"ok\n")
    assert_plain(client.get("/readyz"), 200, b"ok\n")
    assert client.get("/").status_code == 301


def _status(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local http URL
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def task_queue_table():
    """The database task backend's table in this run's test database, which has no such app, for a while."""
    env = {**os.environ, "DEBUG": "1", "TASKS_BACKEND": "database", "DATABASE_URL": database_url()}
    command = [sys.executable, "manage.py", "migrate", "django_tasks_database", "--verbosity", "0"]
    try:
        subprocess.run(command, cwd=django_settings.BASE_DIR, env=env, check=True)  # noqa: S603 - a fixed command
        yield
    finally:  # its migrations do not all reverse: drop what they made
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                if table.startswith("django_tasks_database"):
                    cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["django_tasks_database"])


def test_readyz_with_database_tasks_names_the_queue_until_its_table_answers(transactional_db, tmp_path):
    with app_server(tmp_path, TASKS_BACKEND="database") as server:
        missing = _status(f"{server}/readyz")
        with task_queue_table():
            present = _status(f"{server}/readyz")

    assert missing == (503, b"unavailable: tasks\n")
    assert present == (200, b"ok\n")
