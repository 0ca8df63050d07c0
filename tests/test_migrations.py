"""
Moving OutboxMessage from `events` to `notifications` (events 0008, notifications 0001) changes no
data and no schema (docs/architecture.md, "Moving a model").

A database migrated at the old main (31917d5: events 0007, outreach 0004, no notifications app)
and filled through that state's historical models migrates forward with every row of every table
as it was, and every table keeping its constraint and index names. Two rows change on purpose: the
content type of OutboxMessage moves to `notifications` under the same id, and (with the database
task backend) queued deliveries name the task by its new path. Then back to the old main and
forward again, to show the reverse works. The test database is left at the latest migrations.
"""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils.html import escape

# The project apps' last migrations at the old main, 31917d5. A project app with migrations that is
# not named here (notifications) did not exist then and goes to zero; third-party apps stay as they are.
OLD_MAIN = {
    "events": "0007_outboxmessage_shift_cancelled_kind",
    "outreach": "0004_user_notification_preferences",
}
# The move itself, which must leave the schema exactly as it was.
MOVE = [("notifications", "0001_initial"), ("events", "0008_move_outboxmessage_to_notifications")]

# What migrations after the move add, as `constraint_keys()` reports it on each database, by table.
# Nothing else may change: the move and later migrations never rename or drop a constraint or index.
# A later migration that adds a constraint, an index, a unique or foreign-key column to a table of
# the old main lists it here, e.g.
#   "events_outboxmessage": {"postgresql": {"events_outboxmessage_foo_id_0f3c_fk_..."},
#                            "sqlite": {"foreign_key(foo_id -> events_foo.id)"}},
LATER_ADDITIONS: dict[str, dict[str, set[str]]] = {
    # events 0011 and outreach 0006: the revisions of shifts, signups and chapters (positive integers).
    "events_shift": {"postgresql": {"events_shift_sequence_check"}, "sqlite": {"check(sequence)"}},
    "events_signup": {"postgresql": {"events_signup_sequence_check"}, "sqlite": {"check(sequence)"}},
    "outreach_chapter": {"postgresql": {"outreach_chapter_sequence_check"}, "sqlite": {"check(sequence)"}},
}
# Tables created after the old main (by a later migration); the move creates none.
LATER_TABLES: set[str] = {"outreach_feedversion"}  # outreach 0006

OUTBOX_TABLE = "events_outboxmessage"
OLD_TASK = "events.tasks.deliver_message"
NEW_TASK = "notifications.tasks.deliver_message"


# --- Migrating ------------------------------------------------------------------------------------


def _executor() -> MigrationExecutor:
    """A fresh executor, its graph and applied migrations read from the database now."""
    return MigrationExecutor(connection)


def _project_apps(executor: MigrationExecutor) -> set[str]:
    """Apps with migrations whose code lives in this repository (not in a virtualenv)."""
    base = Path(settings.BASE_DIR).resolve()
    labels = set()
    for label in executor.loader.migrated_apps:
        path = Path(global_apps.get_app_config(label).path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            labels.add(label)
    return labels


def old_main_targets(executor: MigrationExecutor) -> list[tuple[str, str | None]]:
    """Targets that take the database to the old main: third-party leaves, the project apps' old leaves."""
    project = _project_apps(executor)
    assert set(OLD_MAIN) <= project, f"project apps with migrations: {sorted(project)}"
    third_party = sorted(node for node in executor.loader.graph.leaf_nodes() if node[0] not in project)
    old = [(label, OLD_MAIN.get(label)) for label in sorted(project)]
    # Backwards targets first: a project app's rollback must not be undone by a forward target.
    return old + third_party


def latest_targets(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


def migrate(targets) -> list[tuple[str, str]]:
    """Migrate to `targets`; returns the (app, name) of the migrations applied or unapplied."""
    executor = _executor()
    plan = executor.migration_plan(targets)
    executor.migrate(targets)
    return [(migration.app_label, migration.name) for migration, _backwards in plan]


def applied() -> set[tuple[str, str]]:
    return set(_executor().loader.applied_migrations)


# --- What the database holds ----------------------------------------------------------------------

# Names SQLite's introspection invents for what SQLite does not name: `__primary__`, `fk_<n>` and
# `__unnamed_constraint_<n>__` (a column's CHECK, e.g. of a PositiveIntegerField, or UNIQUE). The
# numbers follow the order of the table's columns, so they are replaced by what the constraint is.
# PostgreSQL names every constraint, and its names are compared as they are.
_SQLITE_INVENTED = re.compile(r"^(__primary__|fk_\d+|__unnamed_constraint_\d+__)$")


def _kind(info: dict) -> str:
    for kind in ("primary_key", "foreign_key", "unique", "check", "index"):
        if info.get(kind):
            return kind
    return "other"


def _describe(info: dict) -> str:
    columns = ", ".join(str(column) for column in info["columns"])
    if info.get("foreign_key"):
        table, column = info["foreign_key"]
        columns = f"{columns} -> {table}.{column}"
    return f"{_kind(info)}({columns})"


def constraint_keys(cursor, table: str) -> dict[str, str]:
    """Each constraint and index of `table` by its name (SQLite: by what it is, if unnamed), with what it is."""
    keys = {}
    for name, info in connection.introspection.get_constraints(cursor, table).items():
        key = _describe(info) if connection.vendor == "sqlite" and _SQLITE_INVENTED.match(name) else name
        keys[key] = _describe(info)
    return keys


def trigger_names(cursor, table: str) -> set[str]:
    """The triggers on `table` (events 0002 keeps shifts inside their events with triggers)."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
    return {name for (name,) in cursor.fetchall()}


def snapshot() -> dict[str, dict]:
    """Every table: its columns, its rows (in a stable order), its constraints, indexes and triggers."""
    tables = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)}")  # noqa: S608
            rows = sorted(cursor.fetchall(), key=repr)
            tables[table] = {
                "columns": columns,
                "rows": rows,
                "constraints": constraint_keys(cursor, table),
                "triggers": trigger_names(cursor, table),
            }
    return tables


def rows_of(after: dict, columns: list[str]) -> list[tuple]:
    """`after`'s rows cut down to `columns` (a later migration may have added columns)."""
    index = [after["columns"].index(column) for column in columns]
    return sorted((tuple(row[i] for i in index) for row in after["rows"]), key=repr)


def rows_after_the_move(table_name: str, table: dict) -> list[tuple]:
    """The rows `table` must hold after the move: the same, but for the two renames it makes."""
    columns, rows = table["columns"], [list(row) for row in table["rows"]]
    if table_name == "django_content_type":
        app_label, model = columns.index("app_label"), columns.index("model")
        for row in rows:
            if (row[app_label], row[model]) == ("events", "outboxmessage"):
                row[app_label] = "notifications"
    if table_name == "django_tasks_database_dbtaskresult":
        task_path = columns.index("task_path")
        for row in rows:
            if row[task_path] == OLD_TASK:
                row[task_path] = NEW_TASK
    return sorted((tuple(row) for row in rows), key=repr)


def assert_migrated_unchanged(before: dict, after: dict, *, migrations: list, additions: dict, new_tables: set) -> None:
    """
    `after` (migrated forward from `before`) holds what `before` did: every table of `before` with
    the same rows in its old columns (but for the move's two renames), the same constraint, index
    and trigger names, each still on the same columns, plus exactly `additions` (by table); no
    table dropped, none added but `new_tables`. `django_migrations` gains the rows of `migrations`.
    """
    assert set(after) == set(before) | new_tables, (
        f"tables dropped {sorted(set(before) - set(after))}, added {sorted(set(after) - set(before))}"
    )
    for name, old in before.items():
        new = after[name]
        assert set(old["columns"]) <= set(new["columns"]), f"{name}: columns dropped"
        if name == "django_migrations":
            app, migration = old["columns"].index("app"), old["columns"].index("name")
            recorded = {(row[app], row[migration]) for row in rows_of(new, old["columns"])}
            assert recorded == {(row[app], row[migration]) for row in old["rows"]} | set(migrations)
            assert set(old["rows"]) <= set(rows_of(new, old["columns"])), "django_migrations: old rows changed"
        else:
            assert len(new["rows"]) == len(old["rows"]), f"{name}: {len(old['rows'])} rows, now {len(new['rows'])}"
            assert rows_of(new, old["columns"]) == rows_after_the_move(name, old), f"{name}: rows changed"

        added = additions.get(name, set())
        assert set(new["constraints"]) == set(old["constraints"]) | added, (
            f"{name}: constraints and indexes dropped {sorted(set(old['constraints']) - set(new['constraints']))}, "
            f"added {sorted(set(new['constraints']) - set(old['constraints']) - added)} "
            f"(list what a later migration adds in LATER_ADDITIONS), "
            f"listed but missing {sorted(added - set(new['constraints']))}"
        )
        for key, described in old["constraints"].items():
            assert new["constraints"][key] == described, f"{name}: {key} was {described}, now {new['constraints'][key]}"
        assert new["triggers"] == old["triggers"], f"{name}: triggers were {old['triggers']}, now {new['triggers']}"


def assert_old_main_again(before: dict, after: dict) -> None:
    """After the round trip back, every table is as it was at the old main, `django_migrations` too."""
    assert set(after) == set(before)
    for name, old in before.items():
        new = after[name]
        assert new["columns"] == old["columns"], f"{name}: columns differ"
        assert new["rows"] == old["rows"], f"{name}: rows differ"
        assert new["constraints"] == old["constraints"], f"{name}: constraints differ"
        assert new["triggers"] == old["triggers"], f"{name}: triggers differ"


def later_additions() -> dict[str, set[str]]:
    """LATER_ADDITIONS for this database."""
    return {table: by_vendor.get(connection.vendor, set()) for table, by_vendor in LATER_ADDITIONS.items()}


# --- Data at the old main ---------------------------------------------------------------------------


def fill_old_main(old_apps) -> dict:
    """A few rows in every table of the old main, written through its historical models."""
    get = old_apps.get_model
    ContentType = get("contenttypes", "ContentType")
    Permission = get("auth", "Permission")
    now = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)

    outbox_type = ContentType.objects.get(app_label="events", model="outboxmessage")
    view_outbox = Permission.objects.get(content_type=outbox_type, codename="view_outboxmessage")
    change_outbox = Permission.objects.get(content_type=outbox_type, codename="change_outboxmessage")

    group = get("auth", "Group").objects.create(name="Outbox readers")
    group.permissions.add(view_outbox)

    User = get("outreach", "User")
    lead = User.objects.create(
        email="lead@example.org",
        password="!",
        display_name="Lead",
        is_staff=True,
        is_superuser=True,
        feed_token_hash="a" * 64,
        notify_lead_digest=False,
    )
    volunteer = User.objects.create(email="volunteer@example.org", password="!", display_name="Volunteer")
    lead.groups.add(group)
    volunteer.user_permissions.add(change_outbox)

    email = get("account", "EmailAddress").objects.create(
        user=volunteer, email=volunteer.email, verified=True, primary=True
    )
    get("account", "EmailConfirmation").objects.create(email_address=email, created=now, sent=now, key="k" * 64)
    get("authtoken", "Token").objects.create(key="t" * 40, user=lead, created=now)
    get("sessions", "Session").objects.create(session_key="s" * 32, session_data="e30:", expire_date=now)

    chapter = get("outreach", "Chapter").objects.create(
        name="Chicago",
        slug="chicago",
        timezone="America/Chicago",
        latitude=Decimal("41.878100"),
        longitude=Decimal("-87.629800"),
    )
    get("outreach", "Membership").objects.create(user=lead, chapter=chapter, role="lead")
    get("outreach", "Membership").objects.create(user=volunteer, chapter=chapter, role="member")
    campaign = get("outreach", "Campaign").objects.create(
        name="January", slug="january", starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 1, 31)
    )
    partner = get("outreach", "Partner").objects.create(chapter=chapter, name="Lincoln High", kind="school")

    place = {"strategy": "awareness_education", "timezone": "America/Chicago", "chapter": chapter}
    series = get("events", "EventSeries").objects.create(
        title="Weekly table",
        recurrence="FREQ=WEEKLY;COUNT=4",
        start_date=dt.date(2026, 12, 1),
        start_time=dt.time(18, 0),
        duration=dt.timedelta(hours=2),
        status="published",
        campaign=campaign,
        created_by=lead,
        **place,
    )
    series.partners.add(partner)
    Event = get("events", "Event")
    event = Event.objects.create(
        title="Workshop",
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=3),
        status="published",
        audiences=["parents", "educators"],
        campaign=campaign,
        created_by=lead,
        sequence=2,
        **place,
    )
    event.partners.add(partner)
    occurrence = Event.objects.create(
        title="Weekly table",
        starts_at=dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC),
        status="published",
        series=series,
        occurrence_date=dt.date(2026, 12, 1),
        **place,
    )
    Shift = get("events", "Shift")
    shift = Shift.objects.create(
        event=event, name="Table host", starts_at=event.starts_at, ends_at=event.ends_at, capacity=1
    )
    Shift.objects.create(
        event=occurrence,
        name="Greeter",
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        capacity=2,
        cancelled_at=now,
        cancellation_note="Not needed.",
    )
    Signup = get("events", "Signup")
    confirmed = Signup.objects.create(shift=shift, user=volunteer, status="confirmed", hours=Decimal("2.50"))
    Signup.objects.create(shift=shift, user=lead, status="cancelled", cancelled_at=now)
    get("events", "EventReport").objects.create(event=event, people_reached=40, notes="Good turnout.", updated_by=lead)

    OutboxMessage = get("events", "OutboxMessage")
    common = {"body_text": "Hello.", "body_html": "<p>Hello.</p>", "next_attempt_at": now}
    sent = OutboxMessage.objects.create(
        user=volunteer,
        email=volunteer.email,
        kind="signup_confirmed",
        subject="You're in",
        calendar="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        signup=confirmed,
        event=event,
        dedupe_key="signup_confirmed:1",
        state="sent",
        attempts=1,
        sent_at=now,
        **common,
    )
    OutboxMessage.objects.create(
        user=volunteer,
        email=volunteer.email,
        kind="reminder_day_before",
        subject="Tomorrow",
        event=event,
        dedupe_key="reminder:1",
        state="queued",
        **common,
    )
    OutboxMessage.objects.create(
        user=lead,
        email=lead.email,
        kind="lead_digest",
        subject="Your digest",
        dedupe_key="digest:1",
        state="sending",
        claimed_at=now,
        attempts=1,
        **common,
    )
    OutboxMessage.objects.create(
        email="gone@example.org",
        kind="shift_cancelled",
        subject="Shift cancelled",
        dedupe_key="shift_cancelled:2",
        state="failed",
        attempts=8,
        last_error="SMTPRecipientsRefused",
        **common,
    )
    get("admin", "LogEntry").objects.create(
        action_time=now,
        user=lead,
        content_type=outbox_type,
        object_id=str(sent.pk),
        object_repr="Signup confirmed to volunteer@example.org (Sent)",
        action_flag=2,
        change_message="[]",
    )
    try:
        # django_tasks_db (TASKS_BACKEND=database) has the app label django_tasks_database.
        DBTaskResult = get("django_tasks_database", "DBTaskResult")
    except LookupError:  # the database task backend is not installed
        pass
    else:
        # A queued delivery, and a path that only begins like it, which the move leaves alone.
        for task_path in (OLD_TASK, f"{OLD_TASK}_later"):
            DBTaskResult.objects.create(
                status="READY",
                args_kwargs={"args": [2], "kwargs": {}},
                task_path=task_path,
                queue_name="default",
                backend_name="default",
                run_after=now,
                exception_class_path="",
                traceback="",
            )
    return {"outbox_type": outbox_type.pk, "lead": lead.pk, "outbox_fields": OutboxMessage._meta.concrete_fields}


# --- The test ---------------------------------------------------------------------------------------


@pytest.fixture
def back_at_latest(transactional_db):
    """Whatever happens in the test, the database ends at the latest migrations (before pytest-django's flush)."""
    from django.contrib.contenttypes.models import ContentType

    try:
        yield
    finally:
        executor = _executor()
        executor.migrate(latest_targets(executor))
        ContentType.objects.clear_cache()


@pytest.mark.django_db(transaction=True)
def test_database_of_old_main_migrates_forward_and_back_unchanged(back_at_latest, client):
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import OutboxMessage

    executor = _executor()
    old_targets = old_main_targets(executor)
    latest = set(latest_targets(executor))
    old_nodes = [target for target in old_targets if target[1] is not None]

    # Back to the old main: exactly its migrations are applied.
    migrate(old_targets)
    executor = _executor()
    expected_old = set().union(*(executor.loader.graph.forwards_plan(node) for node in old_nodes))
    assert applied() == expected_old
    assert not any(label == "notifications" for label, _name in applied())
    assert ContentType.objects.filter(app_label="events", model="outboxmessage").exists(), (
        "unapplying notifications 0001 gives the content type of OutboxMessage back to events"
    )

    old_apps = executor.loader.project_state(old_nodes).apps
    made = fill_old_main(old_apps)
    at_old_main = snapshot()
    empty = sorted(name for name, table in at_old_main.items() if not table["rows"])
    assert not empty, f"tables of the old main left empty: {empty}"
    old_outbox = sorted(old_apps.get_model("events", "OutboxMessage").objects.values_list("state", flat=True))
    assert old_outbox == ["failed", "queued", "sending", "sent"]
    fields = [field.attname for field in made["outbox_fields"]]
    outbox_before = list(old_apps.get_model("events", "OutboxMessage").objects.order_by("pk").values(*fields))

    # The move alone: nothing in the schema changes, only the two documented renames in the data.
    moved = migrate(MOVE)
    assert set(moved) == set(MOVE)
    assert_migrated_unchanged(at_old_main, snapshot(), migrations=moved, additions={}, new_tables=set())

    # On to the latest migrations, whatever was added after the move.
    later = migrate(latest_targets(_executor()))
    assert applied() >= latest
    at_latest = snapshot()
    assert_migrated_unchanged(
        at_old_main, at_latest, migrations=moved + later, additions=later_additions(), new_tables=LATER_TABLES
    )

    # The outbox reads back through the current model, field for field.
    assert list(OutboxMessage.objects.order_by("pk").values(*fields)) == outbox_before
    assert OutboxMessage._meta.db_table == OUTBOX_TABLE
    ContentType.objects.clear_cache()
    content_type = ContentType.objects.get_for_model(OutboxMessage)
    assert (content_type.pk, content_type.app_label) == (made["outbox_type"], "notifications")
    assert not ContentType.objects.filter(app_label="events", model="outboxmessage").exists()
    assert isinstance(LogEntry.objects.get().get_edited_object(), OutboxMessage)

    # Back to the old main: the database is as it was filled.
    reverted = migrate(old_main_targets(_executor()))
    assert set(reverted) == set(moved + later)
    assert applied() == expected_old
    assert_old_main_again(at_old_main, snapshot())
    assert ContentType.objects.filter(pk=made["outbox_type"], app_label="events", model="outboxmessage").exists()

    # And forward again, to the same database as the first time.
    again = migrate(latest_targets(_executor()))
    assert set(again) == set(moved + later)
    assert_migrated_unchanged(
        at_old_main, snapshot(), migrations=moved + later, additions=later_additions(), new_tables=LATER_TABLES
    )
    assert list(OutboxMessage.objects.order_by("pk").values(*fields)) == outbox_before

    # The admin lists the moved messages (logging in writes a session, so this comes last).
    ContentType.objects.clear_cache()
    client.force_login(get_user_model().objects.get(pk=made["lead"]))
    response = client.get(reverse("admin:notifications_outboxmessage_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == len(outbox_before)
    for message in outbox_before:
        assert escape(message["subject"]) in response.content.decode()
    response = client.get(reverse("admin:notifications_outboxmessage_change", args=[outbox_before[0]["id"]]))
    assert response.status_code == 200
