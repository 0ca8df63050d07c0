"""Writes to the organization's data that carry a rule: memberships, roles, feed tokens and feed versions."""

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .enums import Role
from .models import Chapter, FeedVersion, Membership, User
from .permissions import forget_chapter_roles
from .selectors import hash_feed_token


def _validate_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from %(roles)s.") % {"roles": ", ".join(Role.values)}})


def _refuse_losing_last_lead(membership: Membership) -> None:
    """A chapter with a lead keeps at least one: otherwise nobody but staff could manage its members.

    Callers lock the chapter row first, so two leads demoting each other cannot both succeed."""
    if membership.role != Role.LEAD:
        return
    others = Membership.objects.filter(chapter_id=membership.chapter_id, role=Role.LEAD).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError({"role": _("This is the chapter's only lead; make someone else lead first.")})


def membership_add(*, chapter: Chapter, user: User, role: str = Role.MEMBER) -> Membership:
    """Add `user` to `chapter` with `role`; refused if they already belong to it."""
    _validate_role(role)
    try:
        with transaction.atomic(durable=True):
            if Membership.objects.filter(chapter=chapter, user=user).exists():
                raise ValidationError({"email": _("%(user)s is already a member of this chapter.") % {"user": user}})
            membership = Membership(chapter=chapter, user=user, role=role)
            membership.full_clean(validate_constraints=False)
            membership.save()
    except IntegrityError:
        raise ValidationError({"email": _("%(user)s is already a member of this chapter.") % {"user": user}}) from None
    forget_chapter_roles(user)
    return membership


def membership_change_role(*, membership: Membership, role: str) -> Membership:
    _validate_role(role)
    with transaction.atomic(durable=True):
        Chapter.objects.select_for_update().only("pk").get(pk=membership.chapter_id)
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if role != Role.LEAD:
            _refuse_losing_last_lead(locked)
        locked.role = role
        locked.full_clean(validate_constraints=False)
        locked.save(update_fields=["role"])
    forget_chapter_roles(membership.user)
    return locked


def membership_remove(*, membership: Membership) -> None:
    with transaction.atomic(durable=True):
        Chapter.objects.select_for_update().only("pk").get(pk=membership.chapter_id)
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        _refuse_losing_last_lead(locked)
        locked.delete()
    forget_chapter_roles(membership.user)


def feed_token_rotate(*, user: User) -> str:
    """
    Give `user` a new personal feed token and return it; the old one stops working at once.

    The token carries 256 bits from the secrets module and only its SHA-256 is stored, so a copy
    of the database does not reveal anybody's feed address.
    """
    token = secrets.token_urlsafe(32)
    User.objects.filter(pk=user.pk).update(feed_token_hash=hash_feed_token(token))
    user.feed_token_hash = hash_feed_token(token)
    return token


def feed_versions_bump(scopes: Iterable[str], *, now=None) -> None:
    """
    Record that the feeds of `scopes` ("site", "chapter:<pk>", "campaign:<pk>", "user:<pk>"; see
    outreach.selectors.feed_scope) changed, inside the caller's transaction, so a feed cached at
    the old version is never served again once it commits. The rows are locked in scope order, so
    two writers bumping overlapping scopes cannot deadlock.
    """
    scopes = sorted(set(scopes))
    if not scopes:
        return
    now = now or timezone.now()
    # The caller's transaction, or one of its own (a first poll, a test): never a savepoint.
    with transaction.atomic(savepoint=False):
        FeedVersion.objects.bulk_create(
            [FeedVersion(scope=scope, version=0, changed_at=now) for scope in scopes], ignore_conflicts=True
        )
        list(FeedVersion.objects.select_for_update().filter(scope__in=scopes).order_by("scope").values_list("pk"))
        FeedVersion.objects.filter(scope__in=scopes).update(version=F("version") + 1, changed_at=now)


def api_tokens_revoke(*, user: User) -> int:
    """
    Delete every API token of `user` and return how many there were; a request with one answers
    401 from then on. Called when the password or the primary email changes and when staff
    deactivate the account (outreach/receivers.py, outreach/admin.py), so a stolen token does not
    outlive the credentials it was issued for. One DELETE, atomic on its own.
    """
    _total, per_model = Token.objects.filter(user=user).delete()
    return per_model.get(Token._meta.label, 0)
