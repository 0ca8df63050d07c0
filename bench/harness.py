"""
What every benchmark here does around its measurement: Django set up, on a database of its own.

Without DATABASE_URL a run migrates a throwaway SQLite file in a temporary directory. With it (e.g.
PostgreSQL), Django's test-database machinery makes a `test_<name>_<suffix>` twin and drops it
afterwards, so neither the named database nor the test database of a concurrent pytest run is touched.
"""

import os
import shutil
import tempfile
import warnings
from contextlib import contextmanager

_own_directory = None  # set when this run made its own SQLite file


def setup_django() -> None:
    """Configure and start Django for a benchmark run; call before importing any model."""
    global _own_directory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("SITE_URL", "http://localhost:8000")  # links in the rendered bodies; required without DEBUG
    os.environ["DEBUG"] = "0"
    if "DATABASE_URL" not in os.environ:
        _own_directory = tempfile.mkdtemp(prefix="outreach-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{_own_directory}/bench.sqlite3"

    import django

    django.setup()


@contextmanager
def own_database(suffix: str):
    """A migrated database for the run, removed afterwards."""
    from django.core.management import call_command
    from django.db import connection

    # WhiteNoise warns that collectstatic has not run; no static file is served here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    test_database = None
    if _own_directory:
        call_command("migrate", verbosity=0)
    else:
        # Its own twin, so that autoclobber never drops the test database of a pytest run.
        connection.settings_dict["TEST"]["NAME"] = f"test_{connection.settings_dict['NAME']}_{suffix}"
        test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        if test_database:
            connection.creation.destroy_test_db(test_database, verbosity=0)
        if _own_directory:
            connection.close()
            shutil.rmtree(_own_directory, ignore_errors=True)
