"""The settings of shifts and check-in: SHIFT_MARGIN is one duration, at most what the trigger allows."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings import SHIFT_MARGIN_MAX, env_duration

NAME = "OUTREACH_TEST_SETTING"


@pytest.mark.parametrize(("raw", "seconds"), [("12h", 43200), ("90m", 5400), ("1d", 86400), (" 2H ", 7200), ("0", 0)])
def test_env_duration_reads_one_duration_as_seconds(monkeypatch, raw, seconds):
    monkeypatch.setenv(NAME, raw)

    assert env_duration(NAME, "12h", maximum=SHIFT_MARGIN_MAX) == seconds


def test_env_duration_falls_back_to_the_default(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)

    assert env_duration(NAME, "12h", maximum=SHIFT_MARGIN_MAX) == 43200


@pytest.mark.parametrize("raw", ["", "12", "twelve hours", "2h,3h", "-1h", "0h"])
def test_env_duration_refuses_anything_but_one_duration(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_duration(NAME, "12h", maximum=SHIFT_MARGIN_MAX)

    assert (
        str(exc_info.value) == f"{NAME} must be one duration such as 12h, 90m or 1d, or 0; got {raw.strip().lower()!r}."
    )


@pytest.mark.parametrize("raw", ["25h", "2d", "1441m"])
def test_env_duration_refuses_more_than_the_maximum(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as exc_info:
        env_duration(NAME, "12h", maximum=SHIFT_MARGIN_MAX)

    assert str(exc_info.value) == f"{NAME} may be at most 24h, got {raw!r}."


def test_defaults():
    assert (settings.SHIFT_MARGIN, settings.SHIFT_MARGIN_MAX, settings.CHECK_IN_OPENS_MINUTES) == (43200, 86400, 60)


def _start(**environ):
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **environ}
    script = "import django; django.setup(); from django.conf import settings; print(settings.SHIFT_MARGIN)"
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_start_with_a_shift_margin_beyond_the_databases_bound_fails():
    result = _start(SHIFT_MARGIN="36h")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SHIFT_MARGIN may be at most 24h, got '36h'."
    )


def test_start_with_a_negative_check_in_opening_fails():
    result = _start(CHECK_IN_OPENS_MINUTES="-5")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: CHECK_IN_OPENS_MINUTES must be at least 0, got -5."
    )
