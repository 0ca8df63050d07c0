import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from events.enums import EventStatus, SignupStatus, Strategy, Visibility
from events.models import Event, EventSeries, Shift, Signup
from events.services import series_create
from outreach.models import Campaign, Chapter, Membership, Partner, User

DEMO_ACCOUNTS = [
    "staff@example.org",
    "lead@example.org",
    "coordinator@example.org",
    "volunteer@example.org",
    "volunteer2@example.org",
]
MODELS = [User, Chapter, Membership, Campaign, Partner, Event, EventSeries, Shift, Signup]


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


# demo


@pytest.mark.django_db
def test_demo_creates_chapters_events_and_signups():
    run("demo")

    assert sorted(Chapter.objects.values_list("slug", "timezone")) == [
        ("berlin", "Europe/Berlin"),
        ("chicago", "America/Chicago"),
        ("manila", "Asia/Manila"),
    ]
    assert not Chapter.objects.filter(latitude=None).exists()
    assert not Chapter.objects.filter(help_line="").exists()
    assert Campaign.objects.filter(events__isnull=False).distinct().count() == 1
    assert Partner.objects.count() >= 3
    assert Event.objects.count() >= 30
    assert set(Event.objects.values_list("strategy", flat=True)) == set(Strategy.values)
    assert Event.objects.published().past().exists()
    assert Event.objects.published().upcoming().exists()
    assert EventSeries.objects.filter(status=EventStatus.PUBLISHED, occurrences__isnull=False).exists()
    assert Event.objects.filter(status=EventStatus.CANCELLED).count() == 1
    assert Event.objects.filter(visibility=Visibility.MEMBERS).count() == 1
    assert Signup.objects.filter(status=SignupStatus.WAITLISTED).exists()
    assert Signup.objects.filter(attended=True, hours__gt=0).exists()
    assert Event.objects.annotate(n=Count("shifts")).filter(n__gt=1).exists()


@pytest.mark.django_db
def test_demo_waitlisted_event_is_nearly_full():
    run("demo")

    waitlisted = Signup.objects.filter(status=SignupStatus.WAITLISTED).select_related("shift__event").first()
    event = Event.objects.with_places().get(pk=waitlisted.shift.event_id)

    assert Shift.objects.with_counts().get(pk=waitlisted.shift_id).places_left == 0
    assert 0 < event.places_left <= 2
    assert not event.has_ended()


@pytest.mark.django_db
def test_demo_accounts_can_log_in(client):
    output = run("demo")

    for email in DEMO_ACCOUNTS:
        assert email in output
        response = client.post("/accounts/login/", {"login": email, "password": "outreach-demo"})
        assert response.status_code == 302, email
        assert response.wsgi_request.user.email == email
        client.logout()
    assert User.objects.get(email="staff@example.org").is_superuser
    assert client.login(email="lead@example.org", password="outreach-demo")


@pytest.mark.django_db
def test_demo_second_run_creates_nothing():
    run("demo")
    before = counts()

    output = run("demo")

    assert counts() == before
    assert "nothing to create" in output
    assert all(email in output for email in DEMO_ACCOUNTS)


@pytest.mark.django_db
def test_demo_dry_run_writes_nothing():
    output = run("demo", "--dry-run")

    assert counts() == dict.fromkeys(counts(), 0)
    assert "Would create: 3 chapters" in output


@pytest.mark.django_db
def test_demo_dry_run_after_a_run_reports_nothing_to_create():
    run("demo")
    before = counts()

    output = run("demo", "--dry-run")

    assert counts() == before
    assert "nothing to create" in output


# extend_series

NOW = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def daily_series(chapter, lead, settings):
    """A daily series created 30 days ago, when its horizon (14 days) ended 16 days ago."""
    settings.SERIES_HORIZON_DAYS = 14
    created_at = NOW - dt.timedelta(days=30)
    return series_create(
        chapter=chapter,
        created_by=lead,
        recurrence="FREQ=DAILY;COUNT=100",
        start_date=created_at.date(),
        start_time=dt.time(10, 0),
        duration=dt.timedelta(hours=2),
        now=created_at,
        title="Daily outreach",
        strategy=Strategy.COMMUNITY_ENGAGEMENT,
    )


def occurrence_dates(series) -> list[dt.date]:
    return list(series.occurrences.order_by("occurrence_date").values_list("occurrence_date", flat=True))


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def test_extend_series_adds_occurrences_up_to_the_moved_horizon(daily_series, frozen_now):
    start = daily_series.start_date
    assert occurrence_dates(daily_series) == days(start, start + dt.timedelta(days=14))

    output = run("extend_series")

    assert occurrence_dates(daily_series) == days(start, dt.date(2030, 3, 15))
    assert "added 30 occurrence(s)" in output
    assert daily_series.occurrences.filter(shifts__capacity=daily_series.capacity).count() == 45


def test_extend_series_twice_adds_nothing(daily_series, frozen_now):
    run("extend_series")
    before = occurrence_dates(daily_series)

    output = run("extend_series")

    assert occurrence_dates(daily_series) == before
    assert "Added 0 occurrence(s)" in output


def test_extend_series_dry_run_writes_nothing(daily_series, frozen_now):
    before = occurrence_dates(daily_series)

    output = run("extend_series", "--dry-run")

    assert occurrence_dates(daily_series) == before
    assert "would add 30 occurrence(s)" in output


def test_extend_series_skips_cancelled_series(daily_series, frozen_now):
    EventSeries.objects.filter(pk=daily_series.pk).update(status=EventStatus.CANCELLED)
    before = occurrence_dates(daily_series)

    run("extend_series")

    assert occurrence_dates(daily_series) == before


def test_extend_series_reports_a_series_it_cannot_extend_and_extends_the_others(
    daily_series, frozen_now, chapter, caplog
):
    """A series stored before its whole rule was checked: 02:30 on 10 March 2030 does not exist in Chicago."""
    created_at = NOW - dt.timedelta(days=30)
    sundays = series_create(
        chapter=chapter,
        created_by=None,
        recurrence="FREQ=WEEKLY;COUNT=10",
        start_date=dt.date(2030, 2, 3),
        start_time=dt.time(1, 30),
        duration=dt.timedelta(hours=1),
        now=created_at,
        title="Sunday night",
        strategy=Strategy.COMMUNITY_ENGAGEMENT,
    )
    EventSeries.objects.filter(pk=sundays.pk).update(start_time=dt.time(2, 30))
    before = occurrence_dates(sundays)
    out, err = StringIO(), StringIO()

    call_command("extend_series", stdout=out, stderr=err)

    start = daily_series.start_date
    assert occurrence_dates(daily_series) == days(start, dt.date(2030, 3, 15))
    assert occurrence_dates(sundays) == before
    reason = "2030-03-10 02:30 does not exist in America/Chicago: the clocks skip it when they change."
    assert err.getvalue() == f"Series {sundays.pk} “Sunday night” was not extended: {reason}\n"
    assert out.getvalue().splitlines()[-2:] == [
        "Added 30 occurrence(s) up to 2030-03-15.",
        "1 series could not be extended until their rule is fixed; see above.",
    ]
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("events")] == [
        ("ERROR", f"Series {sundays.pk} “Sunday night” cannot be extended: {reason}")
    ]
