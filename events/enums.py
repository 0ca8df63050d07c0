from django.db import models
from django.utils.translation import gettext_lazy as _


class Strategy(models.TextChoices):
    """The seven prevention strategies that every event is tagged with and impact is reported by."""

    AWARENESS_EDUCATION = "awareness_education", _("Awareness & education")
    INTERNET_SAFETY = "internet_safety", _("Internet safety")
    OPEN_DIALOGUE = "open_dialogue", _("Open dialogue")
    SURVIVOR_SUPPORT = "survivor_support", _("Survivor support")
    ADVOCACY = "advocacy", _("Legislation & advocacy")
    COMMUNITY_ENGAGEMENT = "community_engagement", _("Community engagement")
    PARTNERSHIP = "partnership", _("Collaboration & partnership")


class Audience(models.TextChoices):
    PARENTS = "parents", _("Parents")
    EDUCATORS = "educators", _("Educators")
    YOUTH = "youth", _("Youth")
    FAITH_COMMUNITIES = "faith_communities", _("Faith communities")
    BUSINESSES = "businesses", _("Businesses")
    HEALTH_WORKERS = "health_workers", _("Health workers")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    GENERAL_PUBLIC = "general_public", _("General public")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")

    @classmethod
    def with_online_link(cls) -> list[str]:
        return [cls.ONLINE, cls.HYBRID]


class AddressVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    CONFIRMED = "confirmed", _("Confirmed volunteers only")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def listed(cls) -> list[str]:
        """Statuses the public may see: a cancelled event stays listed, marked as cancelled."""
        return [cls.PUBLISHED, cls.CANCELLED]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Chapter members only")


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def active(cls) -> list[str]:
        """A volunteer holds at most one active signup per shift."""
        return [cls.CONFIRMED, cls.WAITLISTED]


class Frequency(models.TextChoices):
    """Recurrence frequencies a series may use: at most one occurrence per local day."""

    DAILY = "DAILY", _("Daily")
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")
    YEARLY = "YEARLY", _("Yearly")
