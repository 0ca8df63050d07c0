from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import PartnerKind, Role
from .validators import (
    validate_campaign_dates,
    validate_latitude_longitude,
    validate_plain_text,
    validate_single_line,
    validate_timezone,
)


def latitude_field(**kwargs):
    return models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        **kwargs,
    )


def longitude_field(**kwargs):
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        **kwargs,
    )


def coordinate_constraints(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
            name=f"{prefix}_latitude_range",
        ),
        models.CheckConstraint(
            condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
            name=f"{prefix}_longitude_range",
        ),
        models.CheckConstraint(
            condition=Q(latitude__isnull=True, longitude__isnull=True)
            | Q(latitude__isnull=False, longitude__isnull=False),
            name=f"{prefix}_coordinates_paired",
        ),
    ]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The email is the login; the display name is all others see."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Shown to other volunteers and on rosters. An alias is fine."),
    )
    legal_name = models.CharField(
        _("legal name"),
        max_length=150,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Seen only by coordinators and leads of chapters you sign up with."),
    )
    phone = models.CharField(
        _("phone"),
        max_length=32,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Seen only by coordinators and leads of chapters you sign up with."),
    )
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("Organization staff: sees and runs every chapter.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    feed_token_hash = models.CharField(
        _("personal feed token (SHA-256)"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Only the hash is kept; the token itself is shown once, when it is made."),
    )
    notify_reminder_day_before = models.BooleanField(
        _("reminder the day before"), default=True, help_text=_("An email a day before each shift you hold.")
    )
    notify_reminder_same_day = models.BooleanField(
        _("reminder on the day"), default=True, help_text=_("An email a few hours before each shift you hold.")
    )
    notify_event_changes = models.BooleanField(
        _("event changes"),
        default=True,
        help_text=_("An email when an event you signed up for moves or changes place."),
    )
    notify_lead_digest = models.BooleanField(
        _("daily digest for leads"),
        default=True,
        help_text=_("For chapter leads: each morning, the new signups and cancellations of upcoming events."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="outreach_user_email_unique_ci"),
            models.UniqueConstraint(
                fields=["feed_token_hash"],
                condition=~Q(feed_token_hash=""),
                name="outreach_user_feed_token_hash_unique",
            ),
        ]

    def __str__(self):
        return self.display_name or self.email.split("@")[0]

    def get_short_name(self):
        return str(self)

    def get_full_name(self):
        return self.legal_name or str(self)


class Chapter(models.Model):
    """A local chapter: its own zone, place, events and members."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_single_line])
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in URLs and feed addresses."))
    description = models.TextField(_("description"), blank=True, validators=[validate_plain_text])
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_timezone],
        help_text=_("IANA time zone such as America/Chicago; events default to it."),
    )
    city = models.CharField(_("city"), max_length=120, blank=True, validators=[validate_single_line])
    region = models.CharField(_("region"), max_length=120, blank=True, validators=[validate_single_line])
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[validate_single_line],
        help_text=_("ISO 3166 two-letter code."),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    contact_email = models.EmailField(_("public contact email"), blank=True)
    help_line = models.CharField(
        _("help and hotline line"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Shown on event pages and in messages, e.g. a national trafficking hotline number."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_("Grows when something its events' calendar entries show changes: name, contact email, help line."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    CALENDAR_FIELDS = ("name", "contact_email", "help_line")
    """What every calendar entry of the chapter's events shows: changing one raises `sequence`."""

    class Meta:
        ordering = ["name"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        constraints = coordinate_constraints("outreach_chapter")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("chapter_detail", kwargs={"slug": self.slug})

    def clean(self):
        validate_latitude_longitude(self.latitude, self.longitude)


class Membership(models.Model):
    """A user's role in one chapter; at most one per pair."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("chapter")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "chapter"], name="outreach_membership_unique_user_chapter"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="outreach_membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} - {self.chapter} ({self.get_role_display()})"


class Campaign(models.Model):
    """A named, dated awareness push that spans chapters, such as a prevention month."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_single_line])
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, validators=[validate_plain_text])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="outreach_campaign_ends_after_starts"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaign_detail", kwargs={"slug": self.slug})

    def clean(self):
        validate_campaign_dates(self.starts_on, self.ends_on)


class Partner(models.Model):
    """An organization a chapter works with; events list their partners."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="partners", verbose_name=_("chapter"))
    name = models.CharField(_("name"), max_length=150, validators=[validate_single_line])
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices, default=PartnerKind.OTHER)
    website = models.URLField(_("website"), blank=True, validators=[validate_single_line])

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "name"], name="outreach_partner_unique_chapter_name"),
        ]

    def __str__(self):
        return self.name


class FeedVersion(models.Model):
    """
    How often the calendar feeds of one scope have changed, and when they last did: "site" (the
    site-wide feed), "chapter:<pk>", "campaign:<pk>" and "user:<pk>" (a personal feed). The services
    that raise a calendar entry's SEQUENCE bump the versions of every feed showing it
    (outreach.services.feed_versions_bump), so a feed's validators are one row away and a poll costs
    a key lookup instead of a pass over the feed's events (docs/feeds.md, "HTTP").
    """

    scope = models.CharField(_("scope"), max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("feed version")
        verbose_name_plural = _("feed versions")

    def __str__(self):
        return f"{self.scope} v{self.version}"
