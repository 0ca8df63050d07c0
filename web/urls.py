"""Routes of the public site and a volunteer's own pages. Their names are used by templates and emails."""

from django.urls import path

from .views import chapters, events, health, me, notifications

urlpatterns = [
    path("", events.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/shifts/<int:shift_id>/signup/", events.shift_signup, name="shift_signup"),
    path("me/signups/", events.my_signups, name="my_signups"),
    path("me/signups/<int:pk>/cancel/", events.signup_cancel_view, name="signup_cancel"),
    path("me/profile/", me.profile, name="profile"),
    path("me/calendar/", me.calendar_feed, name="calendar_feed"),
    path("chapters/<slug:slug>/", chapters.chapter_detail, name="chapter_detail"),
    path("chapters/<slug:slug>/join/", chapters.chapter_join, name="chapter_join"),
    path("chapters/<slug:slug>/leave/", chapters.chapter_leave, name="chapter_leave"),
    path("campaigns/<slug:slug>/", chapters.campaign_detail, name="campaign_detail"),
    path("notifications/preferences/", notifications.preferences, name="notification_preferences"),
    path(
        "notifications/signups/<int:pk>/<str:action>/<str:token>/",
        notifications.signup_link,
        name="signup_link",
    ),
]
