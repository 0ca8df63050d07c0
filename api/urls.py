"""Routes of /api/v1/: these paths are a public contract (docs/product.md, "Public URLs") and do not change."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("chapters", views.ChapterViewSet, basename="chapter")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("events", views.EventViewSet, basename="event")
router.register("shifts", views.ShiftViewSet, basename="shift")
router.register("signups", views.SignupViewSet, basename="signup")

members = views.MemberViewSet.as_view({"get": "list", "post": "create"})
member = views.MemberViewSet.as_view({"patch": "partial_update", "delete": "destroy"})
event_shifts = views.EventShiftViewSet.as_view({"get": "list", "post": "create"})
my_signups = views.MySignupsView.as_view({"get": "list"})

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("chapters/<slug:chapter_slug>/members/", members, name="chapter-members"),
    path("chapters/<slug:chapter_slug>/members/<int:pk>/", member, name="chapter-member"),
    path("events/<int:event_pk>/shifts/", event_shifts, name="event-shifts"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/signups/", my_signups, name="me-signups"),
    path("me/feed-token/", views.FeedTokenView.as_view(), name="me-feed-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
