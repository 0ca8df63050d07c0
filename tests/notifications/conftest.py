import datetime as dt

import pytest

from outreach.enums import Role

from ..factories import ChapterFactory, EventFactory, MembershipFactory, ShiftFactory, UserFactory

STARTS = dt.datetime(2031, 3, 14, 15, 0, tzinfo=dt.UTC)  # a Friday: 10:00 CDT in Chicago, 16:00 CET in Berlin
HELP = {
    "America/Chicago": "National Human Trafficking Hotline: 1-888-373-7888",
    "Europe/Berlin": "Hilfetelefon: 116 016",
}


@pytest.fixture(autouse=True)
def _notification_settings(settings):
    settings.SITE_URL = "https://outreach.test"
    settings.REMINDER_OFFSETS = [24 * 3600, 2 * 3600]
    settings.TASKS_BACKEND = "immediate"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(params=["America/Chicago", "Europe/Berlin"], ids=["chicago", "berlin"])
def zone(request):
    return request.param


@pytest.fixture
def place(db, zone):
    """A chapter in `zone`, its lead, and a published event with one shift of two places."""
    slug = zone.split("/")[1].lower()
    chapter = ChapterFactory(slug=slug, name=slug.title(), timezone=zone, help_line=HELP[zone])
    lead = MembershipFactory(chapter=chapter, role=Role.LEAD, user__email=f"lead-{slug}@example.org").user
    event = EventFactory(
        chapter=chapter,
        title="Awareness evening",
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=2),
        venue="Public library",
        address="1 Main St",
    )
    shift = ShiftFactory(event=event, name="Table host", capacity=2)
    return {"chapter": chapter, "lead": lead, "event": event, "shift": shift, "zone": zone}


@pytest.fixture
def volunteers(db):
    return [UserFactory(email=f"v{n}@example.org", display_name=f"Vol {n}") for n in range(1, 5)]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the delivery tasks) as a real commit would."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run
