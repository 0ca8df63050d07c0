"""Routes of the lead dashboard, mounted at /dashboard/; the views are in dashboard.views."""

from django.urls import path

from . import views as dashboard

app_name = "dashboard"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("chapters/<slug:slug>/events/new/", dashboard.event_new, name="event_new"),
    path("chapters/<slug:slug>/members/", dashboard.members, name="members"),
    path("events/<int:pk>/", dashboard.event_manage, name="event"),
    path("events/<int:pk>/edit/", dashboard.event_edit, name="event_edit"),
    path("events/<int:pk>/publish/", dashboard.event_publish_view, name="event_publish"),
    path("events/<int:pk>/cancel/", dashboard.event_cancel_view, name="event_cancel"),
    path("events/<int:pk>/delete/", dashboard.event_delete_view, name="event_delete"),
    path("events/<int:pk>/shifts/new/", dashboard.shift_new, name="shift_new"),
    path("events/<int:pk>/roster/", dashboard.roster, name="roster"),
    path("events/<int:pk>/roster.csv", dashboard.roster_csv, name="roster_csv"),
    path("events/<int:pk>/email/", dashboard.email_event, name="email_event"),
    path("events/<int:pk>/report/", dashboard.report, name="report"),
    path("series/<int:pk>/edit/", dashboard.series_edit, name="series_edit"),
    path("series/<int:pk>/publish/", dashboard.series_publish_view, name="series_publish"),
    path("shifts/<int:pk>/edit/", dashboard.shift_edit, name="shift_edit"),
    path("shifts/<int:pk>/cancel/", dashboard.shift_cancel_view, name="shift_cancel"),
    path("shifts/<int:pk>/delete/", dashboard.shift_delete_view, name="shift_delete"),
    path("shifts/<int:pk>/email/", dashboard.email_shift, name="email_shift"),
    path("signups/<int:pk>/check-in/", dashboard.check_in, name="check_in"),
    path("memberships/<int:pk>/role/", dashboard.member_role, name="member_role"),
    path("memberships/<int:pk>/remove/", dashboard.member_remove, name="member_remove"),
]
