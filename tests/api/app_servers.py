"""Real app server processes (gunicorn) for tests that need more than the test client."""

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(**options) -> str:
    """The URL of this run's test database, for app servers in other processes; `options` go in the query."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    query = "&".join(f"{key}={quote(value)}" for key, value in options.items())
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}" + (
        f"?{query}" if query else ""
    )


@contextmanager
def app_server(tmp_path: Path, **environ):
    """A gunicorn process serving the app on a free port; always stopped, never left behind."""
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "test-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        **environ,
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--timeout", "30", "--graceful-timeout", "2"]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - a fixed command line
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
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
                break  # any answer at all: the worker is up; a 404 costs no throttle bucket
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


def get(url: str) -> tuple[int, str | None]:
    """(status, Retry-After) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local http URL
            return response.status, response.headers["Retry-After"]
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Retry-After"]
