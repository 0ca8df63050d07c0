"""
Who may do what to chapters, memberships and campaigns: predicates named as questions.

HTML views, the API and templates all ask these, so the matrix of docs/product.md lives in one place.
A user's roles are read once per user object and kept on it, so asking many questions about one
request's user costs a single query.
"""

from .enums import Role


def chapter_roles(user) -> dict[int, str]:
    """{chapter id: role} for every chapter `user` belongs to (empty for anonymous users)."""
    if not user.is_authenticated:
        return {}
    roles = getattr(user, "_outreach_chapter_roles", None)
    if roles is None:
        roles = dict(user.memberships.values_list("chapter_id", "role"))
        user._outreach_chapter_roles = roles
    return roles


def forget_chapter_roles(user) -> None:
    """Drop the roles kept on `user`, after its memberships changed."""
    user.__dict__.pop("_outreach_chapter_roles", None)


def _chapter_id(chapter) -> int:
    return chapter if isinstance(chapter, int) else chapter.pk


def is_chapter_member(user, chapter) -> bool:
    """Any role in the chapter: member, coordinator or lead."""
    return _chapter_id(chapter) in chapter_roles(user)


def is_chapter_coordinator(user, chapter) -> bool:
    """Coordinator or lead of the chapter."""
    return chapter_roles(user).get(_chapter_id(chapter)) in Role.managing()


def is_chapter_lead(user, chapter) -> bool:
    return chapter_roles(user).get(_chapter_id(chapter)) == Role.LEAD


def is_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def can_manage_chapter_events(user, chapter) -> bool:
    """Create, edit, publish and cancel events; see drafts, rosters and contact details; check in."""
    return is_staff(user) or is_chapter_coordinator(user, chapter)


def can_manage_memberships(user, chapter) -> bool:
    """Add members, change roles and remove members."""
    return is_staff(user) or is_chapter_lead(user, chapter)


def can_edit_chapter(user, chapter) -> bool:
    return is_staff(user) or is_chapter_lead(user, chapter)


def can_create_chapter(user) -> bool:
    return is_staff(user)


def can_manage_campaigns(user) -> bool:
    return is_staff(user)


def managed_chapter_ids(user) -> list[int] | None:
    """Chapters whose events `user` manages; None means all of them (staff)."""
    if is_staff(user):
        return None
    return [chapter_id for chapter_id, role in chapter_roles(user).items() if role in Role.managing()]
