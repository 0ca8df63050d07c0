from django.contrib import admin
from django.urls import include, path

from events import views as event_views
from outreach import views

urlpatterns = [
    path("", event_views.home, name="home"),
    path("events/<int:pk>/", event_views.event_detail, name="event_detail"),
    path("chapters/<slug:slug>/", views.chapter_detail, name="chapter_detail"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign_detail"),
    path("api/v1/", include("api.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
