"""
Set-up and clear-up shifts: a shift may start before and end after its event's public times.

The rule "a shift lies inside its event" (0002) becomes "a shift lies within MARGIN of its event":
the same triggers, with the same names, now allow a shift to start up to MARGIN before its event
starts and to end up to MARGIN after it ends. The event keeps the times the public sees (pages,
feeds, reminders of the event); only shifts reach outside them.

Why a fixed bound in the database, and not the setting itself. People are held to SHIFT_MARGIN
(default 12 hours), through the readable twin events.validators.validate_shift_within_event. The
database holds the outer bound, MARGIN, which is also SHIFT_MARGIN_MAX, the most SHIFT_MARGIN may
be: config/settings.py stops start-up with a larger value. A margin stored in a table for the
triggers to read would be a second copy of the setting, one that a deploy must keep in step with the
environment and that a forgotten step leaves wrong; a fixed bound cannot drift, costs no read per
write, and still refuses what no setting allows (a shift a week away from its event). Lowering
SHIFT_MARGIN needs nothing here; raising it past MARGIN is a schema change, made deliberately with a
new migration like this one (and SHIFT_MARGIN_MAX raised with it).

SQLite stores a datetime as text, "YYYY-MM-DD HH:MM:SS" with ".ffffff" when it has microseconds.
datetime(x, '-24 hours') drops the fraction, so it is appended again (substr(x, 20)): a whole number
of hours never changes it, and the text still compares in time order.

A later migration that makes Django rebuild events_shift or events_event on SQLite drops these
triggers before (SQLITE_DROP) and creates them again after (SQLITE_CREATE), as 0004 did with 0002's.
"""

import importlib

from django.db import NotSupportedError, migrations

within_event = importlib.import_module("events.migrations.0002_shift_within_event_trigger")

MARGIN_HOURS = 24
"""The bound the triggers enforce, in hours: equal to settings.SHIFT_MARGIN_MAX."""


def _sqlite_shifted(column: str, sign: str) -> str:
    return f"(datetime({column}, '{sign}{MARGIN_HOURS} hours') || substr({column}, 20))"


SQLITE_OUTSIDE = (
    f"NEW.starts_at < {_sqlite_shifted('e.starts_at', '-')} OR NEW.ends_at > {_sqlite_shifted('e.ends_at', '+')}"
)
SQLITE_SHIFT_OUTSIDE_EVENT = (
    f"s.starts_at < {_sqlite_shifted('NEW.starts_at', '-')} OR s.ends_at > {_sqlite_shifted('NEW.ends_at', '+')}"
)
SQLITE_MESSAGE = "events_shift_within_event: a shift must lie inside its event"

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER events_shift_within_event_insert BEFORE INSERT ON events_shift
    FOR EACH ROW WHEN EXISTS (SELECT 1 FROM events_event e WHERE e.id = NEW.event_id AND ({SQLITE_OUTSIDE}))
    BEGIN SELECT RAISE(ABORT, '{SQLITE_MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER events_shift_within_event_update BEFORE UPDATE OF starts_at, ends_at, event_id ON events_shift
    FOR EACH ROW WHEN EXISTS (SELECT 1 FROM events_event e WHERE e.id = NEW.event_id AND ({SQLITE_OUTSIDE}))
    BEGIN SELECT RAISE(ABORT, '{SQLITE_MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER events_event_contains_shifts BEFORE UPDATE OF starts_at, ends_at ON events_event
    FOR EACH ROW WHEN EXISTS (SELECT 1 FROM events_shift s WHERE s.event_id = NEW.id AND ({SQLITE_SHIFT_OUTSIDE_EVENT}))
    BEGIN SELECT RAISE(ABORT, '{SQLITE_MESSAGE}'); END
    """,
]
SQLITE_DROP = within_event.SQLITE_REVERSE

MARGIN = f"interval '{MARGIN_HOURS} hours'"  # hours, not a day: a day is 23 or 25 hours across a DST change
POSTGRESQL_OUTSIDE = f"NEW.starts_at < e.starts_at - {MARGIN} OR NEW.ends_at > e.ends_at + {MARGIN}"
POSTGRESQL_SHIFT_OUTSIDE_EVENT = f"s.starts_at < NEW.starts_at - {MARGIN} OR s.ends_at > NEW.ends_at + {MARGIN}"

# The triggers stay as 0002 made them; their functions get the new rule.
POSTGRESQL_REPLACE = [
    f"""
    CREATE OR REPLACE FUNCTION events_shift_within_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM events_event e WHERE e.id = NEW.event_id AND ({POSTGRESQL_OUTSIDE})) THEN
            RAISE EXCEPTION 'a shift must lie inside its event'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'events_shift_within_event';
        END IF;
        RETURN NEW;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION events_event_contains_shifts() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM events_shift s WHERE s.event_id = NEW.id AND ({POSTGRESQL_SHIFT_OUTSIDE_EVENT})) THEN
            RAISE EXCEPTION 'a shift must lie inside its event'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'events_shift_within_event';
        END IF;
        RETURN NEW;
    END $$
    """,
]
# Back to 0002's functions. Rows are not checked again: a shift that uses the margin stays until changed.
POSTGRESQL_RESTORE = [
    statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    for statement in within_event.POSTGRESQL_FORWARD
    if "CREATE FUNCTION" in statement
]

FORWARD = {"sqlite": [*SQLITE_DROP, *SQLITE_CREATE], "postgresql": POSTGRESQL_REPLACE}
REVERSE = {"sqlite": [*SQLITE_DROP, *within_event.SQLITE_FORWARD], "postgresql": POSTGRESQL_RESTORE}


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise NotSupportedError(f"events_shift_within_event has no trigger for {vendor}")
        for statement in statements_by_vendor[vendor]:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("events", "0008_move_outboxmessage_to_notifications")]

    operations = [migrations.RunPython(run(FORWARD), run(REVERSE))]
