"""The typed helpers that read settings from the environment, and the start-up they guard."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool, env_choice, env_int, env_list, env_rate, env_str, env_url

NAME = "OUTREACH_TEST_SETTING"


# env_bool


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("True", True),
        (" yes ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("NO", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_parses_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)

    assert env_bool(NAME, not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_falls_back_to_the_default_when_unset(monkeypatch, default):
    monkeypatch.delenv(NAME, raising=False)

    assert env_bool(NAME, default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_bool(NAME, False)

    assert str(exc_info.value) == (f"{NAME} must be a boolean (1/0, true/false, yes/no, on/off), got {raw.lower()!r}.")


# env_int


@pytest.mark.parametrize(("raw", "expected"), [("10", 10), (" 42 ", 42), ("0", 0), ("-3", -3)])
def test_env_int_parses_whole_numbers(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)

    assert env_int(NAME, 7) == expected


def test_env_int_falls_back_to_the_default_when_unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)

    assert env_int(NAME, 7, minimum=1) == 7


@pytest.mark.parametrize("raw", ["ten", "1.5", "", "10s"])
def test_env_int_refuses_what_is_not_a_whole_number(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_int(NAME, 7)

    assert str(exc_info.value) == f"{NAME} must be a whole number, got {raw!r}."


@pytest.mark.parametrize(("raw", "minimum"), [("-1", 0), ("0", 1), ("6", 7)])
def test_env_int_refuses_a_number_below_the_minimum(monkeypatch, raw, minimum):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_int(NAME, 30, minimum=minimum)

    assert str(exc_info.value) == f"{NAME} must be at least {minimum}, got {raw}."


def test_env_int_accepts_the_minimum_itself(monkeypatch):
    monkeypatch.setenv(NAME, "7")

    assert env_int(NAME, 30, minimum=7) == 7


# env_list and env_str


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a.example.org", ["a.example.org"]),
        ("a.example.org, b.example.org", ["a.example.org", "b.example.org"]),
        (" a , ,b,", ["a", "b"]),
        ("", []),
    ],
)
def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)

    assert env_list(NAME, ["default"]) == expected


def test_env_list_falls_back_to_the_default_when_unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)

    assert env_list(NAME, ["localhost"]) == ["localhost"]


def test_env_str_reads_the_value_or_the_default(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    default = env_str(NAME, "fallback")
    monkeypatch.setenv(NAME, "given")

    assert (default, env_str(NAME, "fallback")) == ("fallback", "given")


# env_url


@pytest.mark.parametrize(
    "raw",
    ["https://outreach.example.org", "http://localhost:8000", " https://outreach.example.org/ "],
)
def test_env_url_accepts_an_allowed_scheme(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    assert env_url(NAME, "", schemes={"http", "https"}) == raw.strip()


@pytest.mark.parametrize("raw", ["ftp://files.example.org", "outreach.example.org", "localhost:8000", "mysql://db"])
def test_env_url_refuses_another_scheme(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_url(NAME, "", schemes={"http", "https"})

    assert str(exc_info.value) == f"{NAME} must be a URL with scheme http or https, got {raw!r}."


def test_env_url_uses_the_default_when_unset_and_allows_empty(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    default = env_url(NAME, "redis://cache:6379/0", schemes={"redis"})
    monkeypatch.setenv(NAME, "")

    assert (default, env_url(NAME, "redis://cache:6379/0", schemes={"redis"})) == ("redis://cache:6379/0", "")


# env_choice


@pytest.mark.parametrize(("raw", "expected"), [("warning", "WARNING"), (" Info ", "INFO"), ("DEBUG", "DEBUG")])
def test_env_choice_accepts_any_case_and_returns_the_choice_as_spelled(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)

    assert env_choice(NAME, "INFO", {"DEBUG", "INFO", "WARNING"}) == expected


def test_env_choice_falls_back_to_the_default_when_unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)

    assert env_choice(NAME, "immediate", {"immediate", "database"}) == "immediate"


@pytest.mark.parametrize("raw", ["verbose", "", "INFO,DEBUG"])
def test_env_choice_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_choice(NAME, "INFO", {"DEBUG", "INFO", "WARNING"})

    assert str(exc_info.value) == f"{NAME} must be one of DEBUG, INFO, WARNING, got {raw!r}."


# env_rate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("10/minute", "10/minute"), (" 5/Second ", "5/second"), ("1/hour", "1/hour"), ("0600/day", "600/day")],
)
def test_env_rate_parses_a_count_per_period(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)

    assert env_rate(NAME, "1/day") == expected


def test_env_rate_falls_back_to_the_default_when_unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)

    assert env_rate(NAME, "600/minute") == "600/minute"


@pytest.mark.parametrize("raw", ["10/min", "10/m", "10/minutes", "10", "0/minute", "-1/hour", "ten/minute", "", "/day"])
def test_env_rate_refuses_what_is_not_a_rate(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_rate(NAME, "600/minute")

    assert str(exc_info.value) == f"{NAME} must be a rate <n>/<second|minute|hour|day>, got {raw!r}."


# Start-up

PRODUCTION = {"SECRET_KEY": "a-real-secret-for-this-test", "SITE_URL": "https://outreach.example.org"}


def _start(*shown: str, **environ):
    """
    Start a fresh interpreter that loads the settings with only `environ` (and PATH) set, and print
    the `shown` expressions over `settings` (by default settings.DEBUG), separated by spaces.
    """
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings", **environ}
    shown = ", ".join(shown or ["settings.DEBUG"])
    script = f"import django; django.setup(); from django.conf import settings; print({shown})"
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_start_without_secret_key_and_debug_off_fails():
    result = _start()

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is required when DEBUG is off."
    )


def test_start_with_a_secret_key_and_site_url_succeeds():
    result = _start(**PRODUCTION)

    assert (result.returncode, result.stdout, result.stderr) == (0, "False\n", "")


def test_start_in_debug_without_secret_key_uses_the_development_key():
    result = _start(DEBUG="1")

    assert (result.returncode, result.stdout) == (0, "True\n")


@pytest.mark.parametrize("site_url", [None, ""])
def test_start_without_site_url_and_debug_off_fails(site_url):
    environ = {"SECRET_KEY": "a-real-secret-for-this-test"}
    if site_url is not None:
        environ["SITE_URL"] = site_url

    result = _start(**environ)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SITE_URL is required when DEBUG is off, "
        "e.g. SITE_URL=https://outreach.example.org."
    )


def test_start_in_debug_without_site_url_links_to_localhost():
    result = _start("settings.SITE_URL", DEBUG="1")

    assert (result.returncode, result.stdout) == (0, "http://localhost:8000\n")


@pytest.mark.parametrize(
    ("variable", "raw", "message"),
    [
        ("CONN_MAX_AGE", "ten", "CONN_MAX_AGE must be a whole number, got 'ten'."),
        (
            "THROTTLE_ANON_READ",
            "600/min",
            "THROTTLE_ANON_READ must be a rate <n>/<second|minute|hour|day>, got '600/min'.",
        ),
        ("THROTTLE_TOKEN", "10", "THROTTLE_TOKEN must be a rate <n>/<second|minute|hour|day>, got '10'."),
        ("THROTTLE_SIGNUP", "0/hour", "THROTTLE_SIGNUP must be a rate <n>/<second|minute|hour|day>, got '0/hour'."),
        ("LOG_LEVEL", "verbose", "LOG_LEVEL must be one of CRITICAL, DEBUG, ERROR, INFO, WARNING, got 'verbose'."),
        (
            "SECURE_SSL_REDIRECT",
            "maybe",
            "SECURE_SSL_REDIRECT must be a boolean (1/0, true/false, yes/no, on/off), got 'maybe'.",
        ),
    ],
)
def test_start_with_a_malformed_value_fails(variable, raw, message):
    result = _start(**PRODUCTION, **{variable: raw})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"django.core.exceptions.ImproperlyConfigured: {message}"


def test_start_reads_throttle_rates_and_log_level():
    environ = {"THROTTLE_ANON_READ": "100/Hour", "THROTTLE_TOKEN": "5/second", "THROTTLE_SIGNUP": "9/day"}

    rates = _start("settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']", **PRODUCTION, **environ)
    level = _start("settings.LOGGING['root']['level']", **PRODUCTION, LOG_LEVEL="warning")

    assert (rates.returncode, rates.stdout) == (
        0,
        "{'anon_read': '100/hour', 'token': '5/second', 'signup': '9/day'}\n",
    )
    assert (level.returncode, level.stdout) == (0, "WARNING\n")


def test_start_with_an_https_site_url_sends_hsts_for_a_year_with_subdomains():
    result = _start(
        "settings.SECURE_HSTS_SECONDS",
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "settings.SECURE_SSL_REDIRECT",
        **PRODUCTION,
    )

    assert (result.returncode, result.stdout) == (0, "31536000 True False\n")


def test_start_with_an_http_site_url_sends_no_hsts():
    result = _start(
        "settings.SECURE_HSTS_SECONDS",
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS",
        **PRODUCTION | {"SITE_URL": "http://intranet:8000"},
    )

    assert (result.returncode, result.stdout) == (0, "0 False\n")


def test_start_with_ssl_redirect_and_an_http_site_url_fails():
    result = _start(**PRODUCTION | {"SITE_URL": "http://intranet:8000", "SECURE_SSL_REDIRECT": "1"})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SECURE_SSL_REDIRECT needs an https:// SITE_URL, "
        "got 'http://intranet:8000'."
    )
