"""
Benchmark of GET /api/v1/events/?page_size=50 against two baselines measured in the same run.

- bare: a JsonResponse of a constant small payload, the floor of a request through the middleware.
- values: the same 50 events, their shifts and partners read with `.values()` (places left from the
  same `with_places()` and `with_counts()` annotations) and dumped as JSON, without DRF.

All three go through django.test.Client and the full middleware stack, interleaved round-robin so
drift hits them alike. Speed is reported as ratios to the baselines, never as a time to meet;
query counts are captured in a separate pass so the debug cursor does not skew the timings.

    .venv/bin/python bench/api_event_list.py [--iterations N] [--json]

Without DATABASE_URL the run uses a throwaway SQLite file in a temporary directory. With it (e.g.
PostgreSQL), Django's test-database machinery creates and later drops a `test_` twin, so the
named database is never written.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.harness import setup_django

    setup_django()

import datetime as dt

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone
from rest_framework.authtoken.models import Token

from events.enums import SignupStatus
from events.models import Event, Shift
from outreach.enums import Role
from tests.factories import (
    ChapterFactory,
    EventFactory,
    MembershipFactory,
    PartnerFactory,
    ShiftFactory,
    SignupFactory,
    UserFactory,
)

EVENTS = 50
EVENT_LIST_URL = f"/api/v1/events/?page_size={EVENTS}"
BARE_URL = "/bench/bare/"
VALUES_URL = "/bench/values/"

EVENT_FIELDS = (
    "id",
    "uid",
    "chapter__slug",
    "campaign__slug",
    "series",
    "title",
    "summary",
    "description",
    "strategy",
    "audiences",
    "language",
    "format",
    "venue",
    "address",
    "latitude",
    "longitude",
    "address_visibility",
    "timezone",
    "starts_at",
    "ends_at",
    "all_day",
    "status",
    "visibility",
    "cancellation_note",
    "sequence",
    "updated_at",
    "places_left",
)
SHIFT_FIELDS = (
    "id",
    "event",
    "name",
    "description",
    "starts_at",
    "ends_at",
    "capacity",
    "confirmed_count",
    "waitlist_count",
    "places_left",
)


# Baseline views, routed by `urlpatterns` below.


def bare_view(request):
    return JsonResponse({"ok": True})


def values_view(request):
    events = list(Event.objects.published().with_places().order_by("starts_at", "pk").values(*EVENT_FIELDS)[:EVENTS])
    ids = [event["id"] for event in events]
    shifts = {event_id: [] for event_id in ids}
    for shift in Shift.objects.with_counts().filter(event__in=ids).order_by("starts_at", "pk").values(*SHIFT_FIELDS):
        shifts[shift["event"]].append(shift)
    partners = {event_id: [] for event_id in ids}
    for row in Event.partners.through.objects.filter(event__in=ids).values(
        "event", "partner__id", "partner__name", "partner__kind", "partner__website"
    ):
        partners[row.pop("event")].append({key.removeprefix("partner__"): value for key, value in row.items()})
    results = [
        {**event, "shifts": shifts[event["id"]], "partners": partners[event["id"]], "online_url": ""}
        for event in events
    ]
    body = json.dumps({"count": len(results), "results": results}, cls=DjangoJSONEncoder)
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("bench/bare/", bare_view),
    path("bench/values/", values_view),
    path("", include("config.urls")),
]


def build_data(events: int = EVENTS) -> str:
    """
    One chapter with `events` published public events, two shifts each, a partner each, confirmed
    and waitlisted signups from a small pool of volunteers, and a member who holds a confirmed place
    on every tenth event. Returns that member's API token: the event list is read as them.
    """
    chapter = ChapterFactory(slug="bench", name="Bench")
    member = MembershipFactory(chapter=chapter, role=Role.MEMBER, user__password=None).user
    volunteers = [UserFactory(password=None) for _ in range(5)]
    first = (timezone.now() + dt.timedelta(days=7)).replace(microsecond=0)
    for index in range(events):
        event = EventFactory(chapter=chapter, starts_at=first + dt.timedelta(days=index), summary="One line for lists.")
        event.partners.add(PartnerFactory(chapter=chapter))
        hosts = ShiftFactory(event=event, name="Table host", capacity=4)
        setup = ShiftFactory(event=event, name="Set-up", capacity=1)
        for volunteer in volunteers[: index % 5]:
            SignupFactory(shift=hosts, user=volunteer)
        SignupFactory(shift=setup, user=volunteers[4])
        if index % 3 == 0:
            SignupFactory(shift=setup, user=volunteers[3], status=SignupStatus.WAITLISTED)
        if index % 10 == 0:
            SignupFactory(shift=hosts, user=member)
    return Token.objects.create(user=member).key


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(token: str, *, iterations: int = 200, warmup: int = 20) -> dict:
    """
    Time the event list and both baselines, interleaved, and count each one's queries.

    Returns {"rows": [{name, url, median_ms, p90_ms, queries, events, bytes}, ...], "ratios": {...}}.
    """
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    views = {"event_list": EVENT_LIST_URL, "bare": BARE_URL, "values": VALUES_URL}
    timings = {name: [] for name in views}
    rows = []
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
        for name, url in views.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:500])
            payload = response.json()
            rows.append(
                {
                    "name": name,
                    "url": url,
                    "queries": len(queries),
                    "events": len(payload.get("results", [])),
                    "bytes": len(response.content),
                }
            )
        for round_ in range(warmup + iterations):
            for name, url in views.items():
                started = time.perf_counter()
                client.get(url)
                elapsed = time.perf_counter() - started
                if round_ >= warmup:
                    timings[name].append(elapsed * 1000)
    for row in rows:
        samples = timings[row["name"]]
        row["median_ms"] = statistics.median(samples)
        row["p90_ms"] = _percentile(samples, 0.9)
    by_name = {row["name"]: row for row in rows}
    ours = by_name["event_list"]["median_ms"]
    return {
        "database": connection.vendor,
        "iterations": iterations,
        "rows": rows,
        "ratios": {
            "event_list/bare": ours / by_name["bare"]["median_ms"],
            "event_list/values": ours / by_name["values"]["median_ms"],
        },
    }


def format_table(result: dict) -> str:
    header = f"{'view':<12} {'median ms':>10} {'p90 ms':>10} {'queries':>8} {'events':>7} {'bytes':>8}"
    lines = [f"GET {EVENT_LIST_URL} on {result['database']}, {result['iterations']} iterations", header]
    for row in result["rows"]:
        lines.append(
            f"{row['name']:<12} {row['median_ms']:>10.2f} {row['p90_ms']:>10.2f} "
            f"{row['queries']:>8} {row['events']:>7} {row['bytes']:>8}"
        )
    lines.extend(f"{name:<18} {ratio:>6.1f}x  (median)" for name, ratio in result["ratios"].items())
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200, help="timed requests per view (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per view first (default 20)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")

    from bench.harness import own_database

    with own_database("bench_api"):
        result = measure(build_data(), iterations=args.iterations, warmup=args.warmup)
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
