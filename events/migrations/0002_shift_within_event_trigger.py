"""
A shift lies inside its event, enforced by the database.

A CheckConstraint cannot compare two tables, so both SQLite and PostgreSQL get triggers named
events_shift_within_event: one refuses a shift written outside its event, the other refuses an
event moved so that one of its shifts falls outside it. A violation raises an integrity error.

On SQLite, a migration that makes Django rebuild events_shift or events_event must drop these
triggers before and create them again after (see 0004_shift_updated_at); the constraint tests
fail if one goes missing.
"""

from django.db import NotSupportedError, migrations

OUTSIDE = "NEW.starts_at < e.starts_at OR NEW.ends_at > e.ends_at"
SHIFT_OUTSIDE_EVENT = "s.starts_at < NEW.starts_at OR s.ends_at > NEW.ends_at"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER events_shift_within_event_insert BEFORE INSERT ON events_shift
    FOR EACH ROW WHEN EXISTS (SELECT 1 FROM events_event e WHERE e.id = NEW.event_id AND ({OUTSIDE}))
    BEGIN SELECT RAISE(ABORT, 'events_shift_within_event: a shift must lie inside its event'); END
    """,
    f"""
    CREATE TRIGGER events_shift_within_event_update BEFORE UPDATE OF starts_at, ends_at, event_id ON events_shift
    FOR EACH ROW WHEN EXISTS (SELECT 1 FROM events_event e WHERE e.id = NEW.event_id AND ({OUTSIDE}))
    BEGIN SELECT RAISE(ABORT, 'events_shift_within_event: a shift must lie inside its event'); END
    """,
    f"""
    CREATE TRIGGER events_event_contains_shifts BEFORE UPDATE OF starts_at, ends_at ON events_event
    FOR EACH ROW WHEN EXISTS (SELECT 1 FROM events_shift s WHERE s.event_id = NEW.id AND ({SHIFT_OUTSIDE_EVENT}))
    BEGIN SELECT RAISE(ABORT, 'events_shift_within_event: a shift must lie inside its event'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS events_shift_within_event_insert",
    "DROP TRIGGER IF EXISTS events_shift_within_event_update",
    "DROP TRIGGER IF EXISTS events_event_contains_shifts",
]

POSTGRESQL_FORWARD = [
    f"""
    CREATE FUNCTION events_shift_within_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM events_event e WHERE e.id = NEW.event_id AND ({OUTSIDE})) THEN
            RAISE EXCEPTION 'a shift must lie inside its event'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'events_shift_within_event';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER events_shift_within_event BEFORE INSERT OR UPDATE OF starts_at, ends_at, event_id
    ON events_shift FOR EACH ROW EXECUTE FUNCTION events_shift_within_event()
    """,
    f"""
    CREATE FUNCTION events_event_contains_shifts() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM events_shift s WHERE s.event_id = NEW.id AND ({SHIFT_OUTSIDE_EVENT})) THEN
            RAISE EXCEPTION 'a shift must lie inside its event'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'events_shift_within_event';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER events_event_contains_shifts BEFORE UPDATE OF starts_at, ends_at
    ON events_event FOR EACH ROW EXECUTE FUNCTION events_event_contains_shifts()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS events_event_contains_shifts ON events_event",
    "DROP FUNCTION IF EXISTS events_event_contains_shifts()",
    "DROP TRIGGER IF EXISTS events_shift_within_event ON events_shift",
    "DROP FUNCTION IF EXISTS events_shift_within_event()",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise NotSupportedError(f"events_shift_within_event has no trigger for {vendor}")
        for statement in statements_by_vendor[vendor]:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
