from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Coordinator")
    LEAD = "lead", _("Lead")

    @classmethod
    def managing(cls) -> list[str]:
        """Roles that run a chapter's events: drafts, rosters, check-in, reports."""
        return [cls.COORDINATOR, cls.LEAD]


class PartnerKind(models.TextChoices):
    SCHOOL = "school", _("School")
    FAITH = "faith", _("Faith community")
    NONPROFIT = "nonprofit", _("Nonprofit")
    BUSINESS = "business", _("Business")
    AGENCY = "agency", _("Public agency")
    OTHER = "other", _("Other")
