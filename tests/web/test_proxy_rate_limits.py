"""
Behind a proxy, sign-in rate limits key on the client the proxy names, not on the proxy (issue 12, item
9): NUM_PROXIES sets allauth's ALLAUTH_TRUSTED_PROXY_COUNT as well as DRF's throttles. A real app server
reads the setting from its environment, as in production; every request reaches it from 127.0.0.1, the
proxy, with X-Forwarded-For naming the client.
"""

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.api.app_servers import app_server

# allauth's defaults: the sign-in view takes 30 POSTs a minute per client address, and 10 failures.
LOGIN_PER_MINUTE = 30
MISMATCH = "The email address and/or password you specified are not correct."


def test_num_proxies_sets_allauths_trusted_proxy_count():
    code = "from config import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'])"
    env = {**os.environ, "NUM_PROXIES": "2"}

    result = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout == "2 2\n"


class SignIn:
    """POSTs to the sign-in form of `base` with one CSRF token, as a browser behind the proxy would."""

    def __init__(self, base: str):
        self.url = f"{base}/accounts/login/"
        with urllib.request.urlopen(self.url, timeout=10) as response:  # noqa: S310 - a local http URL
            cookie = response.headers["Set-Cookie"]
            page = response.read().decode()
        self.cookie = re.search(r"csrftoken=([^;]+)", cookie)[1]
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def __call__(self, *, forwarded_for: str, email: str) -> tuple[int, str]:
        body = urlencode({"csrfmiddlewaretoken": self.token, "login": email, "password": "wrong-password"})
        request = urllib.request.Request(  # noqa: S310 - a local http URL
            self.url,
            data=body.encode(),
            headers={"Cookie": f"csrftoken={self.cookie}", "X-Forwarded-For": forwarded_for},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.fixture(scope="module")
def collected_static():
    """
    With DEBUG off the sign-in page names its static files through WhiteNoise's manifest, which a
    fresh clone has not built yet: without it every page answers 500 (STATIC_ROOT is git-ignored).
    """
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "test-only-not-secret", "ALLOWED_HOSTS": "127.0.0.1"}
    subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True
    )


@pytest.mark.parametrize(
    ("num_proxies", "other_client"),
    [("1", 200), ("0", 429)],
    ids=["behind one proxy", "negative control: no proxy trusted"],
)
def test_sign_in_limits_key_on_the_forwarded_client(
    collected_static, transactional_db, tmp_path, num_proxies, other_client
):
    with app_server(tmp_path, NUM_PROXIES=num_proxies) as server:
        sign_in = SignIn(server)
        # One client, each time with a different forged prefix: the proxy's entry is the one trusted.
        first = [
            sign_in(forwarded_for=f"198.51.100.{n}, 192.0.2.10", email=f"someone{n}@example.org")[0]
            for n in range(LOGIN_PER_MINUTE)
        ]
        locked, _page = sign_in(forwarded_for="198.51.100.99, 192.0.2.10", email="late@example.org")
        status, page = sign_in(forwarded_for="192.0.2.20", email="neighbour@example.org")

    assert first == [200] * LOGIN_PER_MINUTE
    assert locked == 429
    assert status == other_client
    if other_client == 200:
        assert MISMATCH in page


def test_a_request_through_fewer_proxies_than_configured_signs_in_without_a_500(client, settings, db):
    """X-Forwarded-For with fewer hops than NUM_PROXIES: allauth would raise ImproperlyConfigured."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    response = client.post(
        "/accounts/login/",
        {"login": "nobody@example.org", "password": "wrong-password"},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
