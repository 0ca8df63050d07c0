"""Project-wide test settings: static files are served from the source folders, not a collected manifest."""

import pytest


@pytest.fixture(autouse=True)
def _static_files_from_source(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.4 s a hash by design; tests check behaviour, not the hasher's strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    """
    Tests marked `postgresql` exercise what only PostgreSQL has (a server-side connection to drop).
    On SQLite they are deselected, never skipped; on PostgreSQL every test runs, and .ci/run fails
    that run if anything was deselected or skipped.
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgresql")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


def _browser_tests_ignored() -> list[str]:
    """
    The browser tests (tests/browser, marked `browser`) need Chromium and run only with
    OUTREACH_BROWSER_TESTS=1, as `make test-browser` sets it. Otherwise they are not collected at all,
    so `make test` and the PostgreSQL run neither skip nor deselect them.
    """
    import os

    return [] if os.environ.get("OUTREACH_BROWSER_TESTS") == "1" else ["tests/browser/*"]


collect_ignore_glob = _browser_tests_ignored()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """
    Every test starts with an empty cache. With REDIS_URL set the cache outlives the process, and
    state left by an earlier test or run (allauth's per-address email rate limits, throttle
    buckets, cached feeds) would change what the next one sees.
    """
    from django.core.cache import cache

    cache.clear()
