"""
The REST API's views: thin wrappers that scope querysets to the caller and call the services.

Scoping rule: an object the caller may not see answers 404, exactly like an id that does not
exist. Writes are scoped to what the caller manages, so changing another chapter's event is a
404 too; a 403 is only for a visible object the caller may not change in that way.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from events import selectors, services
from events.filters import EventFilter
from events.models import Event, Shift, Signup
from events.permissions import can_manage_event, can_view_event
from outreach import services as org_services
from outreach.links import absolute_url
from outreach.models import Campaign, Chapter, Membership, User
from outreach.permissions import can_manage_chapter_events, can_manage_memberships, managed_chapter_ids

from . import serializers
from .permissions import CampaignPermission, ChapterPermission, EventPermission, SignupPermission

ERRORS = {
    400: OpenApiResponse(description='Invalid input: {"<field>": ["message"]}.'),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Authenticated, but not allowed to do this."),
    404: OpenApiResponse(description="No such object, or not visible to the caller."),
    409: OpenApiResponse(description="Conflicts with existing state, e.g. a second signup for the shift."),
    429: OpenApiResponse(description="Too many requests; see Retry-After."),
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}


class TokenView(APIView):
    """Exchange an email and password for an API token (`Authorization: Token <key>`)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_scope = "token"

    @extend_schema(
        request=serializers.TokenRequestSerializer,
        responses={200: serializers.TokenSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request):
        form = serializers.TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(request, email=form.validated_data["email"], password=form.validated_data["password"])
        if user is None or not EmailAddress.objects.filter(user=user, verified=True).exists():
            # One answer for an unknown email, a wrong password and an unverified address.
            raise ValidationError({"non_field_errors": ["Unable to log in with the email and password given."]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


@extend_schema_view(
    list=extend_schema(responses={200: serializers.ChapterSerializer(many=True), **errors(404, 429)}),
    create=extend_schema(responses={201: serializers.ChapterSerializer, **errors(400, 401, 403)}),
    retrieve=extend_schema(responses={200: serializers.ChapterSerializer, **errors(404, 429)}),
    update=extend_schema(responses={200: serializers.ChapterSerializer, **errors(400, 401, 403, 404)}),
    partial_update=extend_schema(responses={200: serializers.ChapterSerializer, **errors(400, 401, 403, 404)}),
)
class ChapterViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Chapters: anyone reads; staff create; a chapter's leads edit it."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    permission_classes = [ChapterPermission]

    def get_queryset(self):
        if self.request.user.is_authenticated and self.request.user.is_staff:
            return Chapter.objects.all()
        return Chapter.objects.filter(is_active=True)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return serializers.ChapterUpdateSerializer
        return serializers.ChapterSerializer

    def perform_update(self, serializer):
        # Through the service: a rename reaches the SEQUENCE of the chapter's events' calendar entries.
        serializer.instance = services.chapter_update(chapter=serializer.instance, **serializer.validated_data)


class ChapterScopedMixin:
    """Views below /chapters/<slug>/ that only the chapter's leads and staff may use."""

    def initial(self, request, *args, **kwargs):
        # The chapter and the caller's right to manage it come before reading any body.
        super().initial(request, *args, **kwargs)
        self.chapter = get_object_or_404(Chapter, slug=self.kwargs["chapter_slug"])
        if not can_manage_memberships(request.user, self.chapter):
            self.permission_denied(request, message="Only the chapter's leads manage its members.")


@extend_schema_view(
    list=extend_schema(responses={200: serializers.MemberSerializer(many=True), **errors(401, 403, 404)}),
    create=extend_schema(responses={201: serializers.MemberSerializer, **errors(400, 401, 403, 404)}),
    partial_update=extend_schema(
        request=serializers.MemberRoleSerializer,
        responses={200: serializers.MemberSerializer, **errors(400, 401, 403, 404)},
    ),
    destroy=extend_schema(responses={204: None, **errors(400, 401, 403, 404)}),
)
class MemberViewSet(
    ChapterScopedMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A chapter's members: its leads (and staff) add people by email, change roles and remove them."""

    serializer_class = serializers.MemberSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return Membership.objects.filter(chapter=self.chapter).select_related("user").order_by("pk")

    def perform_create(self, serializer):
        chapter = self.chapter
        email = serializer.validated_data["user"]["email"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise ValidationError({"email": ["No account uses this email address; ask them to sign up first."]})
        serializer.instance = org_services.membership_add(
            chapter=chapter, user=user, role=serializer.validated_data["role"]
        )

    def get_serializer_class(self):
        return serializers.MemberRoleSerializer if self.action == "partial_update" else serializers.MemberSerializer

    def update(self, request, *args, **kwargs):
        membership = self.get_object()
        form = serializers.MemberRoleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        membership = org_services.membership_change_role(membership=membership, role=form.validated_data["role"])
        return Response(serializers.MemberSerializer(membership).data)

    def perform_destroy(self, membership):
        org_services.membership_remove(membership=membership)


@extend_schema_view(
    list=extend_schema(responses={200: serializers.CampaignSerializer(many=True), **errors(404, 429)}),
    create=extend_schema(responses={201: serializers.CampaignSerializer, **errors(400, 401, 403)}),
    retrieve=extend_schema(responses={200: serializers.CampaignSerializer, **errors(404, 429)}),
    update=extend_schema(responses={200: serializers.CampaignSerializer, **errors(400, 401, 403, 404)}),
    partial_update=extend_schema(responses={200: serializers.CampaignSerializer, **errors(400, 401, 403, 404)}),
)
class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Campaigns: anyone reads; staff write."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    queryset = Campaign.objects.order_by("-starts_on", "name")
    serializer_class = serializers.CampaignSerializer
    permission_classes = [CampaignPermission]

    def perform_create(self, serializer):
        serializer.save()

    def perform_update(self, serializer):
        serializer.instance = services.campaign_update(campaign=serializer.instance, **serializer.validated_data)


MANAGER_ACTIONS = {"update", "partial_update", "destroy", "publish", "cancel", "roster", "report"}


@extend_schema_view(
    list=extend_schema(responses={200: serializers.EventSerializer(many=True), **errors(400, 404, 429)}),
    create=extend_schema(
        request=serializers.EventWriteSerializer,
        responses={201: serializers.EventSerializer, **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(responses={200: serializers.EventSerializer, **errors(404, 429)}),
    update=extend_schema(
        request=serializers.EventWriteSerializer,
        responses={200: serializers.EventSerializer, **errors(400, 401, 404)},
    ),
    partial_update=extend_schema(
        request=serializers.EventWriteSerializer,
        responses={200: serializers.EventSerializer, **errors(400, 401, 404)},
    ),
    destroy=extend_schema(responses={204: None, **errors(400, 401, 404)}),
)
class EventViewSet(viewsets.ModelViewSet):
    """Events the caller may see; their chapter's coordinators and leads write them."""

    permission_classes = [EventPermission]
    filterset_class = EventFilter
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if self.action not in MANAGER_ACTIONS:
            return selectors.event_list(user=self.request.user)
        # Writes reload the row under a lock and answer with a fresh read: no prefetching here.
        events = Event.objects.visible_to(self.request.user).select_related("chapter")
        managed = managed_chapter_ids(self.request.user)
        return events if managed is None else events.filter(chapter_id__in=managed)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return serializers.EventWriteSerializer
        return serializers.EventSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "confirmed_event_ids": getattr(self, "_confirmed_ids", None)}

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._confirmed_ids = selectors.confirmed_event_ids(user=request.user, events=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _read(self, event, status_code=status.HTTP_200_OK):
        fresh = selectors.event_list(user=self.request.user).get(pk=event.pk)
        return Response(serializers.EventSerializer(fresh, context=self.get_serializer_context()).data, status_code)

    def create(self, request, *args, **kwargs):
        form = serializers.EventWriteSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        chapter = data.pop("chapter")
        if not can_manage_chapter_events(request.user, chapter):
            self.permission_denied(request, message="Only the chapter's coordinators and leads create its events.")
        # A `recurrence` makes a series: the service decides, for the dashboard alike.
        event = services.event_create(chapter=chapter, created_by=request.user, **data)
        return self._read(event, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        event = self.get_object()
        form = serializers.EventWriteSerializer(
            event, data=request.data, partial=kwargs.get("partial", False), context=self.get_serializer_context()
        )
        form.is_valid(raise_exception=True)
        event = services.event_update(event=event, **form.validated_data)
        return self._read(event)

    def perform_destroy(self, event):
        services.event_delete(event=event)

    @extend_schema(request=None, responses={200: serializers.EventSerializer, **errors(400, 401, 404)})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft: volunteers can find it and sign up."""
        return self._read(services.event_publish(event=self.get_object()))

    @extend_schema(
        request=serializers.CancelSerializer, responses={200: serializers.EventSerializer, **errors(400, 401, 404)}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel an event with an optional note; it stays listed and in feeds as cancelled."""
        form = serializers.CancelSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._read(services.event_cancel(event=self.get_object(), note=form.validated_data.get("note", "")))

    @extend_schema(responses={200: serializers.RosterEntrySerializer(many=True), **errors(401, 404)})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def roster(self, request, pk=None):
        """Every signup of the event with volunteers' contact details, for its coordinators and leads."""
        event = self.get_object()
        return Response(serializers.RosterEntrySerializer(selectors.roster(event=event), many=True).data)

    @extend_schema(
        methods=["GET"], request=None, responses={200: serializers.EventReportSerializer, **errors(401, 404)}
    )
    @extend_schema(
        methods=["PUT", "PATCH"],
        request=serializers.EventReportSerializer,
        responses={200: serializers.EventReportSerializer, **errors(400, 401, 404)},
    )
    @action(detail=True, methods=["get", "put", "patch"], filter_backends=[], pagination_class=None)
    def report(self, request, pk=None):
        """What the event reached, for its coordinators and leads; volunteer hours come from check-ins."""
        event = self.get_object()
        if request.method != "GET":
            form = serializers.EventReportSerializer(data=request.data, partial=request.method == "PATCH")
            form.is_valid(raise_exception=True)
            services.report_save(event=event, updated_by=request.user, **form.validated_data)
        return Response(serializers.EventReportSerializer(selectors.event_report(event=event)).data)


def _event_in_scope(request, event: Event, *, manage: bool) -> Event:
    """404 unless the caller may see the event, and, for writes, manage it."""
    allowed = can_manage_event(request.user, event) if manage else can_view_event(request.user, event)
    if not allowed:
        raise Http404("No such event.")
    return event


@extend_schema_view(
    list=extend_schema(responses={200: serializers.ShiftSerializer(many=True), **errors(404, 429)}),
    create=extend_schema(responses={201: serializers.ShiftSerializer, **errors(400, 401, 404)}),
)
class EventShiftViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The shifts of one event: visible with it; added by its coordinators and leads."""

    serializer_class = serializers.ShiftSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    pagination_class = None

    def get_event(self) -> Event:
        event = get_object_or_404(Event, pk=self.kwargs["event_pk"])
        return _event_in_scope(self.request, event, manage=self.request.method not in permissions.SAFE_METHODS)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shift.objects.none()
        return selectors.shifts_with_counts().filter(event=self.get_event())

    def create(self, request, *args, **kwargs):
        event = self.get_event()
        form = self.get_serializer(data=request.data, context={**self.get_serializer_context(), "event": event})
        form.is_valid(raise_exception=True)
        shift = services.shift_create(event=event, **form.validated_data)
        fresh = selectors.shifts_with_counts().get(pk=shift.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(responses={200: serializers.ShiftSerializer, **errors(404, 429)}),
    update=extend_schema(responses={200: serializers.ShiftSerializer, **errors(400, 401, 404)}),
    partial_update=extend_schema(responses={200: serializers.ShiftSerializer, **errors(400, 401, 404)}),
    destroy=extend_schema(responses={204: None, **errors(400, 401, 404)}),
)
class ShiftViewSet(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """One shift: visible with its event; changed by the event's coordinators and leads."""

    serializer_class = serializers.ShiftSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    throttle_scope = None  # the signups action sets its own
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        events = Event.objects.visible_to(self.request.user)
        if self.request.method not in permissions.SAFE_METHODS:
            managed = managed_chapter_ids(self.request.user)
            events = events if managed is None else events.filter(chapter_id__in=managed)
        return selectors.shifts_with_counts().filter(event__in=events).select_related("event")

    def update(self, request, *args, **kwargs):
        shift = self.get_object()
        form = self.get_serializer(shift, data=request.data, partial=kwargs.get("partial", False))
        form.is_valid(raise_exception=True)
        services.shift_update(shift=shift, **form.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=shift.pk)).data)

    def perform_destroy(self, shift):
        services.shift_delete(shift=shift)

    @extend_schema(
        request=None,
        responses={201: serializers.SignupSerializer, **errors(400, 401, 404, 409, 429)},
        description="Sign the caller up: `confirmed` while places remain, otherwise `waitlisted` with a position.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="signups",
        throttle_scope="signup",
        permission_classes=[permissions.IsAuthenticated],
    )
    def signups(self, request, pk=None):
        shift = get_object_or_404(
            selectors.shifts_with_counts().filter(event__in=Event.objects.visible_to(request.user)), pk=pk
        )  # DRF's get_object_or_404: a pk like "abc" is a 404, not a ValueError
        signup = services.signup_create(user=request.user, shift=shift)
        return Response(serializers.SignupSerializer(signup).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(responses={200: serializers.SignupSerializer, **errors(401, 404)}),
    destroy=extend_schema(
        responses={200: serializers.SignupSerializer, **errors(400, 401, 404)},
        description="Cancel the signup; the first waitlisted volunteer takes a freed place.",
    ),
)
class SignupViewSet(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """A signup: the volunteer's own, or any signup of an event the caller manages."""

    serializer_class = serializers.SignupSerializer
    permission_classes = [permissions.IsAuthenticated, SignupPermission]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Signup.objects.none()
        return selectors.signups_visible_to(user=self.request.user)

    def destroy(self, request, *args, **kwargs):
        signup = services.signup_cancel(signup=self.get_object())
        return Response(serializers.SignupSerializer(signup).data)

    @extend_schema(
        request=serializers.CheckInSerializer,
        responses={200: serializers.SignupSerializer, **errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """Record whether a confirmed volunteer came, and the hours served."""
        signup = self.get_object()
        form = serializers.CheckInSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        signup = services.signup_check_in(signup=signup, **form.validated_data)
        return Response(serializers.SignupSerializer(self.get_queryset().get(pk=signup.pk)).data)


class MeView(APIView):
    """The caller's own profile. The legal name and phone are seen only by leads of their chapters."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: serializers.MeSerializer, **errors(401)})
    def get(self, request):
        return Response(serializers.MeSerializer(request.user).data)

    @extend_schema(request=serializers.MeSerializer, responses={200: serializers.MeSerializer, **errors(400, 401)})
    def patch(self, request):
        form = serializers.MeSerializer(request.user, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        form.save()
        return Response(form.data)


class FeedTokenView(APIView):
    """Rotate the caller's personal feed token; the old feed URL answers 404 at once."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: serializers.FeedTokenSerializer, **errors(401)})
    def post(self, request):
        token = org_services.feed_token_rotate(user=request.user)
        feed_url = absolute_url(reverse("feed_personal", kwargs={"token": token}))
        return Response({"feed_url": feed_url, "webcal_url": "webcal://" + feed_url.split("://", 1)[1]})


@extend_schema_view(list=extend_schema(responses={200: serializers.MySignupSerializer(many=True), **errors(401, 404)}))
class MySignupsView(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own signups, soonest first."""

    serializer_class = serializers.MySignupSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Signup.objects.none()
        return selectors.user_signups(user=self.request.user)
