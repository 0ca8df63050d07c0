"""Reminders at fixed offsets and the leads' daily digest, recorded once whoever runs the scheduler."""

import datetime as dt
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from events.messages import send_due
from events.models import Signup
from events.services import signup_cancel, signup_create
from notifications.enums import MessageKind
from notifications.models import OutboxMessage
from outreach.enums import Role

from ..factories import ChapterFactory, EventFactory, MembershipFactory, ShiftFactory, UserFactory
from .conftest import STARTS

WHEN = {
    "America/Chicago": "Friday 14 March 2031, 10:00\N{EN DASH}12:00 CDT (America/Chicago)",
    "Europe/Berlin": "Friday 14 March 2031, 16:00\N{EN DASH}18:00 CET (Europe/Berlin)",
}


def test_reminders_go_the_day_before_and_on_the_day_once_each(place, volunteers, committed):
    signups = [committed(signup_create, user=user, shift=place["shift"]) for user in volunteers[:3]]
    mail.outbox.clear()

    early = send_due(now=STARTS - dt.timedelta(hours=25))
    day_before = [send_due(now=STARTS - dt.timedelta(hours=23, minutes=m)) for m in (30, 0)]
    same_day = [send_due(now=STARTS - dt.timedelta(hours=1, minutes=m)) for m in (59, 30)]

    assert early["reminders"] == 0
    assert [r["reminders"] for r in day_before + same_day] == [2, 0, 2, 0]  # the waitlisted one gets none
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("v1@example.org", "Tomorrow: Awareness evening"),
        ("v2@example.org", "Tomorrow: Awareness evening"),
        ("v1@example.org", "Today: Awareness evening"),
        ("v2@example.org", "Today: Awareness evening"),
    ]
    assert sorted(OutboxMessage.objects.filter(kind__startswith="reminder").values_list("dedupe_key", flat=True)) == [
        f"reminder:{signups[0].pk}:7200",
        f"reminder:{signups[0].pk}:86400",
        f"reminder:{signups[1].pk}:7200",
        f"reminder:{signups[1].pk}:86400",
    ]
    body = mail.outbox[0].body
    assert "A reminder: you're volunteering tomorrow." in body
    assert f"When: {WHEN[place['zone']]}" in body
    assert f"https://outreach.test/notifications/signups/{signups[0].pk}/confirm/" in body
    assert f"https://outreach.test/notifications/signups/{signups[0].pk}/cancel/" in body
    assert "A reminder: your shift starts in about 2 hours." in mail.outbox[2].body
    assert ">Cancel my place</a>" in mail.outbox[0].alternatives[0][0]


def test_a_late_scheduler_sends_only_the_nearest_reminder(place, volunteers, committed):
    committed(signup_create, user=volunteers[0], shift=place["shift"])
    mail.outbox.clear()

    send_due(now=STARTS - dt.timedelta(hours=1))

    assert [m.subject for m in mail.outbox] == ["Today: Awareness evening"]


def test_preferences_turn_reminders_and_changes_off_but_not_confirmations(place, volunteers, committed):
    user = volunteers[0]
    user.notify_reminder_day_before = False
    user.notify_event_changes = False
    user.save()
    signup = committed(signup_create, user=user, shift=place["shift"])
    send_due(now=STARTS - dt.timedelta(hours=23))
    send_due(now=STARTS - dt.timedelta(hours=1))
    from events.services import event_cancel, event_update

    committed(event_update, event=place["event"], venue="Town hall")
    committed(event_cancel, event=place["event"], note="Storm warning.")

    assert [m.subject for m in mail.outbox] == [
        "You're signed up: Awareness evening",
        "Today: Awareness evening",
        "Cancelled: Awareness evening",
    ]
    assert signup.pk


def test_cancelled_signups_and_events_get_no_reminder(place, volunteers, committed):
    signup = committed(signup_create, user=volunteers[0], shift=place["shift"])
    committed(signup_cancel, signup=signup)
    mail.outbox.clear()

    assert send_due(now=STARTS - dt.timedelta(hours=23))["reminders"] == 0
    assert mail.outbox == []


def test_send_due_dry_run_records_nothing(place, volunteers, committed, settings):
    signup = committed(signup_create, user=volunteers[0], shift=place["shift"])
    settings.REMINDER_OFFSETS = [10 * 365 * 86400]  # due now, whatever today's date
    Signup.objects.filter(pk=signup.pk).update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    out = io.StringIO()

    call_command("send_due", "--dry-run", stdout=out)

    signup_id = OutboxMessage.objects.get().signup_id
    assert out.getvalue() == (
        f"would record reminder:{signup_id}:{10 * 365 * 86400}: Tomorrow: Awareness evening\n"
        "1 reminder(s) and 0 digest(s) due; nothing recorded.\n"
    )
    assert OutboxMessage.objects.count() == 1


def test_lead_digest_lists_yesterdays_signups_and_cancellations_once(place, volunteers, committed, settings):
    settings.LEAD_DIGEST_HOUR = 7
    signups = [committed(signup_create, user=user, shift=place["shift"]) for user in volunteers[:2]]
    committed(signup_cancel, signup=signups[1])
    mail.outbox.clear()
    zone = place["event"].zone
    created = signups[0].created_at.astimezone(zone)
    next_morning = dt.datetime.combine(created.date() + dt.timedelta(days=1), dt.time(7, 5), tzinfo=zone)

    before_hour = send_due(now=next_morning - dt.timedelta(hours=1))
    runs = [send_due(now=next_morning + dt.timedelta(minutes=m)) for m in (0, 1)]

    assert before_hour["digests"] == 0
    assert [r["digests"] for r in runs] == [1, 0]
    [digest] = mail.outbox
    assert digest.to == [place["lead"].email]
    assert digest.subject == f"Signups and cancellations, {created:%A} {created.day} {created:%B}"
    assert (
        f"Awareness evening, {WHEN[place['zone']]}\n"
        "  + Vol 1 (Table host, confirmed)\n"
        "  + Vol 2 (Table host, cancelled)\n"
        "  - Vol 2 (Table host, cancelled)\n"
    ) in digest.body
    assert "@example.org" not in digest.body.split("--")[0]  # names, never addresses
    assert OutboxMessage.objects.get(kind=MessageKind.LEAD_DIGEST).dedupe_key == (
        f"lead_digest:{place['lead'].pk}:{next_morning.date().isoformat()}"
    )


def test_lead_digest_can_be_turned_off(place, volunteers, committed):
    lead = place["lead"]
    lead.notify_lead_digest = False
    lead.save()
    signup = committed(signup_create, user=volunteers[0], shift=place["shift"])
    morning = signup.created_at + dt.timedelta(days=1, hours=12)

    assert send_due(now=morning)["digests"] == 0


@pytest.mark.django_db(transaction=True)
def test_schedulers_running_at_once_send_each_reminder_once():
    chapter = ChapterFactory(timezone="Europe/Berlin")
    MembershipFactory(chapter=chapter, role=Role.LEAD)
    shift = ShiftFactory(
        event=EventFactory(chapter=chapter, starts_at=STARTS, ends_at=STARTS + dt.timedelta(hours=2)), capacity=20
    )
    for n in range(8):
        signup_create(user=UserFactory(email=f"r{n}@example.org"), shift=shift)
    mail.outbox.clear()
    now = STARTS - dt.timedelta(hours=23)
    runs = 4
    barrier = threading.Barrier(runs, timeout=20)

    def run():
        try:
            connection.ensure_connection()
            barrier.wait()
            return send_due(now=now)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=runs) as pool:
        results = [future.result() for future in [pool.submit(run) for _ in range(runs)]]

    assert sorted(m.to[0] for m in mail.outbox) == [f"r{n}@example.org" for n in range(8)]
    assert sum(r["sent"] for r in results) == 8
    assert OutboxMessage.objects.filter(kind=MessageKind.REMINDER_DAY_BEFORE).count() == 8
