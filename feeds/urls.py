"""Feed routes: a public contract (docs/product.md, "Public URLs"); calendar apps keep them for years."""

from django.urls import path

from . import views

urlpatterns = [
    path("feeds/events.ics", views.site_feed, name="feed_site"),
    path("feeds/events/<int:pk>.ics", views.event_feed, name="feed_event"),
    path("feeds/chapters/<slug:slug>.ics", views.chapter_feed, name="feed_chapter"),
    path("feeds/campaigns/<slug:slug>.ics", views.campaign_feed, name="feed_campaign"),
    path("feeds/personal/<str:token>.ics", views.personal_feed, name="feed_personal"),
]
