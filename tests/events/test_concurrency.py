"""
The signup engine under concurrent requests, on real connections.

Every call runs in a thread with a connection of its own, opened before a barrier that releases a
whole batch at once and closed after the call, as a request on one of several app servers would.
Sizes come from the database: PostgreSQL takes hundreds of requests (the pool stays well under its
100 connections), SQLite a few dozen on its single write lock.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection

from events import services
from events.enums import SignupStatus
from events.models import Shift, Signup
from events.services import SignupConflict, signup_cancel, signup_create
from outreach.models import User

from ..factories import ShiftFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CAPACITY = 10
ALREADY_SIGNED_UP = "You already have a place or a waitlist spot on this shift."
BARRIER_TIMEOUT = 20  # seconds; a broken barrier fails the test instead of hanging it


def _load():
    """(signups, threads): 200 requests in batches of 40 on PostgreSQL, 50 at once on SQLite."""
    return (200, 40) if connection.vendor == "postgresql" else (50, 50)


def _users(count):
    # An unusable password skips hashing, which would dwarf the test itself.
    return User.objects.bulk_create(UserFactory.build_batch(count, password=None))


def _run_together(calls, *, threads):
    """
    Run the calls on `threads` threads, each batch of `threads` calls released at once by a barrier,
    each call in a fresh connection of its own. Returns, in order, what each call returned or raised.
    """
    batches = range(0, len(calls), threads)
    barriers = [threading.Barrier(len(calls[start : start + threads]), timeout=BARRIER_TIMEOUT) for start in batches]

    def run(index, call):
        try:
            connection.ensure_connection()
            barriers[index // threads].wait()
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(run, index, call) for index, call in enumerate(calls)]
    return [future.exception() or future.result() for future in futures]


def _sign_up_all(users, shift, *, threads):
    return _run_together([lambda user=user: signup_create(user=user, shift=shift) for user in users], threads=threads)


def _errors(outcomes):
    return [outcome for outcome in outcomes if isinstance(outcome, BaseException)]


def _positions(shift):
    return list(
        Signup.objects.waitlisted()
        .filter(shift=shift)
        .with_waitlist_position()
        .order_by("pk")
        .values_list("waitlist_position", flat=True)
    )


def test_signup_create_concurrent_never_overbooks():
    total, threads = _load()
    shift = ShiftFactory(capacity=CAPACITY)
    users = _users(total)

    outcomes = _sign_up_all(users, shift, threads=threads)

    assert _errors(outcomes) == []
    assert Signup.objects.filter(shift=shift).confirmed().count() == CAPACITY
    assert Signup.objects.filter(shift=shift).waitlisted().count() == total - CAPACITY
    assert _positions(shift) == list(range(1, total - CAPACITY + 1))
    assert sorted(signup.status for signup in outcomes) == sorted(
        [SignupStatus.CONFIRMED] * CAPACITY + [SignupStatus.WAITLISTED] * (total - CAPACITY)
    )
    # Nobody left the queue, so the position each caller was told is still the true one.
    assert sorted(signup.waitlist_position or 0 for signup in outcomes) == [0] * CAPACITY + list(
        range(1, total - CAPACITY + 1)
    )


def _lock_shift_without_lock(shift):
    return Shift.objects.select_related("event").get(pk=shift.pk)


def test_signup_create_without_the_lock_overbooks(monkeypatch):
    """The negative control: the same harness, with the shift lock taken away, sees the race."""
    total, threads = _load()
    shift = ShiftFactory(capacity=CAPACITY)
    users = _users(total)
    monkeypatch.setattr(services, "_lock_shift", _lock_shift_without_lock)
    if connection.vendor == "sqlite":
        # A deferred transaction takes the write lock only at its first write, after the count.
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "transaction_mode", "DEFERRED")
    # Every thread of a batch counts before any inserts: no scheduling can hide the race.
    counted = threading.Barrier(threads, timeout=BARRIER_TIMEOUT)
    save = services._save

    def save_once_all_counted(instance):
        if isinstance(instance, Signup):
            counted.wait()
        return save(instance)

    monkeypatch.setattr(services, "_save", save_once_all_counted)

    outcomes = _sign_up_all(users, shift, threads=threads)

    confirmed = Signup.objects.filter(shift=shift).confirmed().count()
    errors = _errors(outcomes)
    locked = [error for error in errors if isinstance(error, OperationalError) and "locked" in str(error)]
    if connection.vendor == "postgresql":
        # The first batch all counted 0 and all confirmed; later batches counted after it committed.
        assert errors == []
        assert confirmed == threads > CAPACITY
    else:
        # All counted 0 before any wrote: each either confirmed or failed to upgrade to a writer.
        assert errors == locked
        assert confirmed + len(locked) == total
        assert confirmed > CAPACITY or len(locked) >= total - CAPACITY, f"{confirmed} confirmed, {len(locked)} locked"


def test_signup_create_same_user_concurrent_keeps_one():
    shift = ShiftFactory(capacity=CAPACITY)
    (user,) = _users(1)

    outcomes = _sign_up_all([user] * 20, shift, threads=20)

    signups = [outcome for outcome in outcomes if isinstance(outcome, Signup)]
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, SignupConflict)]
    assert len(signups) == 1
    assert len(conflicts) == 19
    assert all(conflict.message_dict == {"shift": [ALREADY_SIGNED_UP]} for conflict in conflicts)
    assert list(Signup.objects.active().filter(shift=shift).values_list("pk", flat=True)) == [signups[0].pk]


def test_signup_cancel_concurrent_with_signups_promotes_in_order():
    """
    Every confirmed volunteer cancels while new ones sign up. A watcher polls the confirmed count
    meanwhile; at the end the active signups by arrival are all confirmed first, then all waitlisted.
    """
    newcomers, threads = (70, 40) if connection.vendor == "postgresql" else (40, 50)
    shift = ShiftFactory(capacity=CAPACITY)
    early_users = _users(CAPACITY + 5)
    early = [signup_create(user=user, shift=shift) for user in early_users]
    holders, waiting = early[:CAPACITY], early[CAPACITY:]
    cancels = [lambda signup=signup: signup_cancel(signup=signup) for signup in holders]
    signups = [lambda user=user: signup_create(user=user, shift=shift) for user in _users(newcomers)]
    calls = signups[: threads - CAPACITY] + cancels + signups[threads - CAPACITY :]
    watching, peaks = threading.Event(), []
    watching.set()

    def watch():
        try:
            while watching.is_set():
                peaks.append(Signup.objects.filter(shift=shift).confirmed().count())
                time.sleep(0.005)
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        outcomes = _run_together(calls, threads=threads)
    finally:
        watching.clear()
        watcher.join()

    assert _errors(outcomes) == []
    assert peaks
    assert max(peaks) <= CAPACITY
    cancelled = [outcome for outcome in outcomes if outcome.status == SignupStatus.CANCELLED]
    assert len(cancelled) == CAPACITY
    promoted = sorted(signup.pk for cancel in cancelled for signup in cancel.promoted)
    ever_waitlisted = sorted(
        [signup.pk for signup in waiting]
        + [outcome.pk for outcome in outcomes if outcome.status == SignupStatus.WAITLISTED]
    )
    assert len(promoted) >= len(waiting)
    assert promoted == ever_waitlisted[: len(promoted)]
    active = list(Signup.objects.active().filter(shift=shift).order_by("pk").values_list("pk", "status"))
    confirmed = [pk for pk, status in active if status == SignupStatus.CONFIRMED]
    assert len(confirmed) == CAPACITY
    assert [status for _, status in active] == [SignupStatus.CONFIRMED] * CAPACITY + [SignupStatus.WAITLISTED] * (
        len(active) - CAPACITY
    )
    assert set(promoted) <= set(confirmed)
    assert _positions(shift) == list(range(1, len(active) - CAPACITY + 1))
