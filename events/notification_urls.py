"""Routes under /notifications/: a volunteer's notification preferences and the links in reminders."""

from django.urls import path

from . import notification_views

urlpatterns = [
    path("preferences/", notification_views.preferences, name="notification_preferences"),
    path(
        "signups/<int:pk>/<str:action>/<str:token>/",
        notification_views.signup_link,
        name="signup_link",
    ),
]
