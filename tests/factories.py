"""factory-boy factories: plain, valid objects with no surprises. Events are published and upcoming."""

import datetime as dt

import factory
from django.utils import timezone

from events.enums import EventStatus, SignupStatus, Strategy, Visibility
from events.models import Event, Shift, Signup
from outreach.enums import Role
from outreach.models import Campaign, Chapter, Membership, Partner, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Volunteer {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save(update_fields=["password"])


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    name = factory.Sequence(lambda n: f"Chapter {n}")
    slug = factory.Sequence(lambda n: f"chapter-{n}")
    timezone = "America/Chicago"
    city = "Chicago"
    country = "US"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    chapter = factory.SubFactory(ChapterFactory)
    role = Role.MEMBER


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Prevention Month {n}")
    slug = factory.Sequence(lambda n: f"prevention-month-{n}")
    starts_on = dt.date(2027, 1, 1)
    ends_on = dt.date(2027, 1, 31)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    chapter = factory.SubFactory(ChapterFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    chapter = factory.SubFactory(ChapterFactory)
    title = factory.Sequence(lambda n: f"Awareness evening {n}")
    strategy = Strategy.AWARENESS_EDUCATION
    timezone = factory.SelfAttribute("chapter.timezone")
    starts_at = factory.LazyFunction(lambda: (timezone.now() + dt.timedelta(days=7)).replace(microsecond=0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    status = EventStatus.PUBLISHED
    visibility = Visibility.PUBLIC
    # As events.services marks it: listed as public once, owed a cancellation if it leaves the public feeds.
    was_public = factory.LazyAttribute(lambda o: o.status in EventStatus.listed() and o.visibility == Visibility.PUBLIC)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    event = factory.SubFactory(EventFactory)
    name = "Table host"
    starts_at = factory.SelfAttribute("event.starts_at")
    ends_at = factory.SelfAttribute("event.ends_at")
    capacity = 4


class SignupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signup

    user = factory.SubFactory(UserFactory)
    shift = factory.SubFactory(ShiftFactory)
    status = SignupStatus.CONFIRMED
