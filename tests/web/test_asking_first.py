"""
Cancelling a place, leaving a waitlist and leaving a chapter ask first, the same way everywhere
(issue #10): the button leads with a GET to a page that names what will happen, and only that page's
POST does it. The browser side is tests/browser/test_volunteer_confirm.py.
"""

import re

import pytest
from django.urls import reverse

from events.enums import SignupStatus
from events.messages import signup_link_token
from events.models import Signup
from outreach.enums import Role
from outreach.models import Membership
from tests.factories import EventFactory, MembershipFactory, ShiftFactory, SignupFactory

POST_FORM = re.compile(r'<form method="post" action="([^"]*)"')


def post_actions(html: str) -> list[str]:
    return POST_FORM.findall(html)


@pytest.fixture
def evening(chapter):
    return EventFactory(chapter=chapter, title="Parents night")


@pytest.fixture
def greeter(evening):
    return ShiftFactory(event=evening, name="Greeter", capacity=1)


def test_event_page_cancel_button_leads_to_the_confirm_page(client, outsider, evening, greeter):
    mine = SignupFactory(user=outsider, shift=greeter)
    client.force_login(outsider)

    html = client.get(evening.get_absolute_url()).text

    cancel = reverse("signup_cancel", args=[mine.pk])
    assert cancel not in post_actions(html)
    assert f'<form method="get" action="{cancel}">' in html
    assert f'<input type="hidden" name="next" value="{evening.get_absolute_url()}">' in html


def test_my_signups_cancel_buttons_lead_to_the_confirm_page(client, outsider, greeter):
    mine = SignupFactory(user=outsider, shift=greeter)
    client.force_login(outsider)

    html = client.get(reverse("my_signups")).text

    cancel = reverse("signup_cancel", args=[mine.pk])
    assert cancel not in post_actions(html)
    assert f'<form method="get" action="{cancel}" class="signup__action">' in html


def test_chapter_page_leave_button_leads_to_the_confirm_page(client, chapter, member):
    client.force_login(member)

    html = client.get(chapter.get_absolute_url()).text

    leave = reverse("chapter_leave", args=[chapter.slug])
    assert leave not in post_actions(html)
    assert f'<form method="get" action="{leave}">' in html
    assert Membership.objects.filter(user=member, chapter=chapter).exists()


def test_confirm_page_names_the_shift_the_event_and_its_time_and_keep_goes_back(client, outsider, evening, greeter):
    mine = SignupFactory(user=outsider, shift=greeter)
    client.force_login(outsider)

    response = client.get(reverse("signup_cancel", args=[mine.pk]), {"next": evening.get_absolute_url()})

    html = response.text
    assert "<h1>Cancel your place?</h1>" in html
    assert "<strong>Parents night</strong>" in html
    assert "<strong>Greeter</strong>" in html
    assert f'<time datetime="{greeter.starts_at.astimezone(evening.zone).isoformat()}">' in html
    assert f'<a class="button button--secondary" href="{evening.get_absolute_url()}">Keep my place</a>' in html
    assert post_actions(html) == [reverse("account_logout")]  # the confirm form posts to itself
    assert 'Cancel my place<span class="visually-hidden">: Greeter</span></button>' in html
    assert Signup.objects.get(pk=mine.pk).status == SignupStatus.CONFIRMED


def test_confirm_page_of_a_waitlist_place_names_the_position(client, outsider, greeter):
    SignupFactory(shift=greeter)
    SignupFactory(shift=greeter, status=SignupStatus.WAITLISTED)
    mine = SignupFactory(user=outsider, shift=greeter, status=SignupStatus.WAITLISTED)
    client.force_login(outsider)

    html = client.get(reverse("signup_cancel", args=[mine.pk])).text

    assert "<h1>Leave the waitlist?</h1>" in html
    assert "You are number 2 on the waitlist." in html
    assert f'href="{reverse("my_signups")}">Keep my place</a>' in html


def test_confirm_page_ignores_a_next_that_leaves_the_site(client, outsider, greeter):
    mine = SignupFactory(user=outsider, shift=greeter)
    client.force_login(outsider)

    html = client.get(reverse("signup_cancel", args=[mine.pk]), {"next": "https://evil.example/"}).text

    assert "evil.example" not in html
    assert f'href="{reverse("my_signups")}">Keep my place</a>' in html


def test_leave_confirm_page_names_what_leaving_means(client, chapter, coordinator):
    MembershipFactory(chapter=chapter, role=Role.LEAD)
    client.force_login(coordinator)

    html = client.get(reverse("chapter_leave", args=[chapter.slug])).text

    assert "<h1>Leave Chicago?</h1>" in html
    assert "You will no longer see Chicago's members-only events" in html
    assert "Your role in it (Coordinator) ends too" in html
    assert f'<a class="button button--secondary" href="{chapter.get_absolute_url()}">Stay in this chapter</a>' in html
    assert Membership.objects.filter(user=coordinator, chapter=chapter).exists()


def test_emailed_cancel_link_asks_the_same_way(client, greeter, evening):
    signup = SignupFactory(shift=greeter)
    token = signup_link_token(signup, "cancel")

    html = client.get(reverse("signup_link", kwargs={"pk": signup.pk, "action": "cancel", "token": token})).text

    assert '<button type="submit" class="button button--danger">Cancel my place</button>' in html
    assert f'<a class="button button--secondary" href="{evening.get_absolute_url()}">Keep my place</a>' in html
    assert Signup.objects.get(pk=signup.pk).status == SignupStatus.CONFIRMED
