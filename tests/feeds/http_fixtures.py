"""
Data and helpers for the feeds' HTTP tests (test_http, test_personal, test_changes).

Plain functions rather than fixtures, so each test module states its own fixtures and nothing
arrives by a star import. Events are built with the factories (published, upcoming, public).
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.db.models import F
from django.utils import timezone
from icalendar import Calendar

from events.enums import EventStatus, Visibility
from outreach.models import FeedVersion
from outreach.services import feed_token_rotate, feed_versions_bump
from tests.factories import CampaignFactory, EventFactory, ShiftFactory, SignupFactory

FEEDS = ("chapter", "campaign", "site", "event", "personal")
PUBLIC_FEEDS = ("chapter", "campaign", "site")
CALENDAR = "text/calendar; charset=utf-8"


@dataclass
class World:
    """A chapter with a campaign, one public event and the events no public feed may show."""

    chapter: object
    campaign: object
    event: object
    draft: object
    members_only: object
    volunteer: object
    signup: object
    token: str

    def url(self, feed: str) -> str:
        return {
            "chapter": f"/feeds/chapters/{self.chapter.slug}.ics",
            "campaign": f"/feeds/campaigns/{self.campaign.slug}.ics",
            "site": "/feeds/events.ics",
            "event": f"/feeds/events/{self.event.pk}.ics",
            "personal": f"/feeds/personal/{self.token}.ics",
        }[feed]

    def uid(self, feed: str) -> str:
        """The UID under which `feed` shows the public event: its own, or the volunteer's signup's."""
        return signup_uid(self.signup) if feed == "personal" else str(self.event.uid)


def signup_uid(signup) -> str:
    """
    A signup's UID in the personal feed and the confirmation's .ics, written out here rather than
    imported: subscribers' calendars hold it, so the way it is made may never change.
    """
    return str(uuid.uuid5(signup.shift.event.uid, f"signup:{signup.pk}"))


def soon(days: int, hour: int = 17) -> dt.datetime:
    """A whole hour `days` from now, so events made in one test never overlap each other."""
    return (timezone.now() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def build_world(chapter, volunteer) -> World:
    """`volunteer` (a member of `chapter`) holds a confirmed place on the public event."""
    campaign = CampaignFactory(slug="april", name="April")
    event = EventFactory(
        chapter=chapter, campaign=campaign, title="Awareness evening", starts_at=soon(7), ends_at=soon(7, 19)
    )
    draft = EventFactory(
        chapter=chapter, campaign=campaign, title="Draft plan", status=EventStatus.DRAFT, starts_at=soon(8)
    )
    members_only = EventFactory(
        chapter=chapter, campaign=campaign, title="Members meeting", visibility=Visibility.MEMBERS, starts_at=soon(9)
    )
    signup = SignupFactory(user=volunteer, shift=ShiftFactory(event=event))
    # As the services would have left them: each feed's scope has a version (backdate_everything moves it).
    feed_versions_bump(["site", f"chapter:{chapter.pk}", f"campaign:{campaign.pk}", f"user:{volunteer.pk}"])
    return World(
        chapter=chapter,
        campaign=campaign,
        event=event,
        draft=draft,
        members_only=members_only,
        volunteer=volunteer,
        signup=signup,
        token=feed_token_rotate(user=volunteer),
    )


def vevents(body: bytes) -> dict[str, object]:
    """{UID: VEVENT} of a feed body."""
    return {str(component["UID"]): component for component in Calendar.from_ical(body).walk("VEVENT")}


def unfolded(body: bytes) -> str:
    """The body as text with folded lines joined, so a search cannot miss a value split by a fold."""
    return body.decode().replace("\r\n ", "").replace("\r\n\t", "")


def backdate(*objects, hours: int = 1) -> None:
    """Move the rows' `updated_at` back, so a change made now shows in whole-second timestamps."""
    for obj in objects:
        type(obj).objects.filter(pk=obj.pk).update(updated_at=F("updated_at") - dt.timedelta(hours=hours))
        obj.refresh_from_db()


def backdate_everything(hours: int = 1) -> None:
    """Move every row's `updated_at` back (and the feeds' versions' `changed_at`): the world as it
    stood before the change under test."""
    for model in apps.get_models():
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            model.objects.update(updated_at=F("updated_at") - dt.timedelta(hours=hours))
    FeedVersion.objects.update(changed_at=F("changed_at") - dt.timedelta(hours=hours))


def cache_control(response) -> dict[str, str]:
    """Cache-Control as {directive: value}, `""` for directives without one."""
    directives = {}
    for part in response["Cache-Control"].split(","):
        name, _, value = part.strip().partition("=")
        directives[name.lower()] = value
    return directives
