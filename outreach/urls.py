from django.contrib import admin
from django.urls import include, path

from events import feeds
from events import views as event_views
from outreach import views

urlpatterns = [
    path("", event_views.home, name="home"),
    path("events/<int:pk>/", event_views.event_detail, name="event_detail"),
    path("events/<int:pk>/shifts/<int:shift_id>/signup/", event_views.shift_signup, name="shift_signup"),
    path("me/signups/", event_views.my_signups, name="my_signups"),
    path("me/signups/<int:pk>/cancel/", event_views.signup_cancel_view, name="signup_cancel"),
    path("me/profile/", views.profile, name="profile"),
    path("me/calendar/", views.calendar_feed, name="calendar_feed"),
    path("chapters/<slug:slug>/", views.chapter_detail, name="chapter_detail"),
    path("chapters/<slug:slug>/join/", views.chapter_join, name="chapter_join"),
    path("chapters/<slug:slug>/leave/", views.chapter_leave, name="chapter_leave"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign_detail"),
    path("feeds/events.ics", feeds.site_feed, name="feed_site"),
    path("feeds/events/<int:pk>.ics", feeds.event_feed, name="feed_event"),
    path("feeds/chapters/<slug:slug>.ics", feeds.chapter_feed, name="feed_chapter"),
    path("feeds/campaigns/<slug:slug>.ics", feeds.campaign_feed, name="feed_campaign"),
    path("feeds/personal/<str:token>.ics", feeds.personal_feed, name="feed_personal"),
    path("dashboard/", include("events.dashboard_urls")),
    path("notifications/", include("events.notification_urls")),
    path("api/v1/", include("api.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "outreach.views.page_not_found"
