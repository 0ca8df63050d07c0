"""Who may see and do what with events, shifts and signups; see outreach.permissions for roles."""

from outreach.permissions import can_manage_chapter_events, is_chapter_member

from .enums import EventStatus, SignupStatus, Visibility


def can_view_event(user, event) -> bool:
    """The twin of Event.objects.visible_to(user) for one event already in hand."""
    if can_manage_event(user, event):
        return True
    if event.status not in EventStatus.listed():
        return False
    return event.visibility == Visibility.PUBLIC or is_chapter_member(user, event.chapter_id)


def can_manage_event(user, event) -> bool:
    """Edit, publish, cancel; see drafts, the roster and volunteers' contact details; check in."""
    return can_manage_chapter_events(user, event.chapter_id)


def can_sign_up(user, event) -> bool:
    """Whether `user` is the kind of person who may sign up; the service checks the event's state."""
    if not user.is_authenticated:
        return False
    return event.visibility == Visibility.PUBLIC or is_chapter_member(user, event.chapter_id)


def can_see_private_location(user, event, *, confirmed_event_ids=None) -> bool:
    """
    The online link and a confirmed-only address: for the chapter's coordinators and leads, staff,
    and volunteers with a confirmed signup for the event. Pass `confirmed_event_ids` (a set) when
    asking for many events, so the answer costs no query per event.
    """
    if can_manage_event(user, event):
        return True
    if not user.is_authenticated:
        return False
    if confirmed_event_ids is not None:
        return event.pk in confirmed_event_ids
    return user.signups.filter(shift__event=event, status=SignupStatus.CONFIRMED).exists()


def whereabouts_for(user, event, *, confirmed_event_ids=None):
    """Where `event` is as `user` may know it (Event.whereabouts); see can_see_private_location."""
    return event.whereabouts(private=can_see_private_location(user, event, confirmed_event_ids=confirmed_event_ids))


def can_view_signup(user, signup) -> bool:
    return signup.user_id == user.pk or can_manage_event(user, signup.shift.event)


def can_cancel_signup(user, signup) -> bool:
    """The volunteer, or the event's coordinators and leads (who may free a place for someone)."""
    return can_view_signup(user, signup)


def can_check_in(user, signup) -> bool:
    return can_manage_event(user, signup.shift.event)
