"""DRF permission classes that ask the predicates of outreach.permissions and events.permissions."""

from rest_framework import permissions

from events.permissions import can_check_in, can_manage_event, can_view_signup
from outreach.permissions import can_edit_chapter, can_manage_campaigns, is_staff


class ReadOnlyOrStaffCreates(permissions.BasePermission):
    """Anyone reads; staff create; object writes are asked of `object_write_allowed`."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action == "create":
            return is_staff(request.user)
        return request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or self.object_write_allowed(request.user, obj)

    def object_write_allowed(self, user, obj) -> bool:
        return is_staff(user)


class ChapterPermission(ReadOnlyOrStaffCreates):
    """Anyone reads chapters; staff create them; their leads (and staff) edit them."""

    def object_write_allowed(self, user, chapter) -> bool:
        return can_edit_chapter(user, chapter)


class CampaignPermission(ReadOnlyOrStaffCreates):
    """Anyone reads campaigns; staff write them."""

    def object_write_allowed(self, user, campaign) -> bool:
        return can_manage_campaigns(user)


class EventPermission(permissions.BasePermission):
    """Reads are scoped by the queryset; writes need the chapter's coordinators, leads or staff."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS and view.action == "retrieve":
            return True
        event = obj if hasattr(obj, "chapter_id") else obj.event
        return can_manage_event(request.user, event)


class SignupPermission(permissions.BasePermission):
    def has_object_permission(self, request, view, signup):
        if view.action == "check_in":
            return can_check_in(request.user, signup)
        return can_view_signup(request.user, signup)
