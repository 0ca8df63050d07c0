"""
/healthz and /readyz, for load balancers and orchestrators (README, "Running on PostgreSQL and Redis").

/healthz says that the process answers and touches nothing else, so it answers while the database is
down. /readyz asks the database, the cache and the task queue, each for at most READY_TIMEOUT_SECONDS,
and names the parts that failed, never why: an error's text can name a host, a version or a path.
Both are plain text, set no cookie, and are never cached.
"""

import functools
import logging
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 2


def _plain(text: str, *, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request):
    return _plain("ok\n")


@contextmanager
def _bounded():
    """A transaction whose statements PostgreSQL cancels after READY_TIMEOUT_SECONDS."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {READY_TIMEOUT_SECONDS * 1000}")
        yield


def _database() -> bool:
    with _bounded(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


@functools.lru_cache(maxsize=4)
def _redis_probe(location: str) -> RedisCache:
    """A client of the cache's Redis that gives up connecting or reading after READY_TIMEOUT_SECONDS."""
    timeouts = {"socket_connect_timeout": READY_TIMEOUT_SECONDS, "socket_timeout": READY_TIMEOUT_SECONDS}
    return RedisCache(location, {"OPTIONS": timeouts})


def _cache() -> bool:
    config = settings.CACHES["default"]
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        cache = _redis_probe(config["LOCATION"])
    else:
        cache = caches["default"]
    key, token = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, timeout=60)
    answered = cache.get(key) == token
    cache.delete(key)
    return answered


def _tasks() -> bool:
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return True  # the immediate backend runs tasks in this process: nothing to ask
    queued = apps.get_model("django_tasks_database", "DBTaskResult")
    with _bounded():
        queued.objects.exists()
    return True


CHECKS = (("database", _database), ("cache", _cache), ("tasks", _tasks))


def _passes(name: str, check) -> bool:
    try:
        return check()
    except Exception as exc:  # whatever fails, the part is not ready
        logger.warning("Readiness check %s failed: %s", name, exc.__class__.__name__)
        return False


@never_cache
@require_safe
def readyz(request):
    failed = [name for name, check in CHECKS if not _passes(name, check)]
    if failed:
        return _plain(f"unavailable: {', '.join(failed)}\n", status=503)
    return _plain("ok\n")
