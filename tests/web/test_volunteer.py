"""The volunteer's side of the site: finding events, signing up and cancelling, my signups, profile, chapters."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.enums import EventFormat, EventStatus, SignupStatus, Strategy, Visibility
from events.models import Signup
from outreach.enums import Role
from outreach.models import Membership
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    ChapterFactory,
    EventFactory,
    MembershipFactory,
    ShiftFactory,
    SignupFactory,
    UserFactory,
)

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def chicago(chapter):
    chapter.city, chapter.region = "Chicago", "Illinois"
    chapter.latitude, chapter.longitude = Decimal("41.881800"), Decimal("-87.623200")
    chapter.save()
    return chapter


@pytest.fixture
def berlin(other_chapter):
    other_chapter.latitude, other_chapter.longitude = Decimal("52.520000"), Decimal("13.405000")
    other_chapter.save()
    return other_chapter


def at(year, month, day, hour, zone=CHICAGO):
    return dt.datetime(year, month, day, hour, 0, tzinfo=zone)


def event_at(chapter, title, starts, *, capacity=4, **kwargs):
    """A two-hour event with one shift, "Table host", of `capacity` places."""
    ends = starts + dt.timedelta(hours=2)
    event = EventFactory(chapter=chapter, title=title, starts_at=starts, ends_at=ends, **kwargs)
    ShiftFactory(event=event, name="Table host", capacity=capacity)
    return event


def titles(events):
    return [event.title for event in events]


def signup_url(shift):
    return reverse("shift_signup", kwargs={"pk": shift.event_id, "shift_id": shift.pk})


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# Find events


def test_home_searches_text_and_filters_by_strategy_format_and_chapter(client, chicago, berlin):
    event_at(chicago, "Parents night", at(2031, 1, 14, 18), summary="Grooming online")
    event_at(chicago, "Safety for teens", at(2031, 1, 15, 18), strategy=Strategy.INTERNET_SAFETY)
    event_at(berlin, "Stammtisch", at(2031, 1, 16, 18), format=EventFormat.HYBRID, summary="grooming")

    assert titles(client.get("/?q=GROOMING").context["events"]) == ["Parents night", "Stammtisch"]
    assert titles(client.get("/?strategy=internet_safety").context["events"]) == ["Safety for teens"]
    assert titles(client.get("/?format=hybrid").context["events"]) == ["Stammtisch"]
    assert titles(client.get("/?chapter=berlin").context["events"]) == ["Stammtisch"]
    assert titles(client.get("/?q=grooming&chapter=chicago").context["events"]) == ["Parents night"]


def test_home_filters_by_audience(client, chicago):
    event_at(chicago, "For parents", at(2031, 1, 14, 18), audiences=["parents"])
    event_at(chicago, "For youth", at(2031, 1, 15, 18), audiences=["youth", "educators"])

    response = client.get("/?audience=educators")

    assert titles(response.context["events"]) == ["For youth"]


def test_home_date_range_is_read_in_the_chosen_chapters_zone(client, chicago):
    # 18:00 CST on the 14th is already the 15th in UTC: the chapter's own date counts.
    event_at(chicago, "On the 14th", at(2031, 1, 14, 18))
    event_at(chicago, "On the 15th", at(2031, 1, 15, 18))
    event_at(chicago, "On the 17th", at(2031, 1, 17, 18))

    response = client.get("/?chapter=chicago&date_from=2031-01-14&date_to=2031-01-15")

    assert titles(response.context["events"]) == ["On the 14th", "On the 15th"]


def test_home_refuses_an_end_date_before_the_start_next_to_the_field(client, chicago):
    event_at(chicago, "Parents night", at(2031, 1, 14, 18))

    response = client.get("/?date_from=2031-01-15&date_to=2031-01-14")

    assert response.context["form"].errors == {"date_to": ["The end date must not be before the start date."]}
    assert response.context["events"] == []
    assert 'aria-invalid="true"' in response.text
    assert 'aria-describedby="id_date_to_error"' in response.text
    assert '<ul class="errorlist" id="id_date_to_error">' in response.text


def test_home_near_a_chapter_city_lists_nearby_events_and_online_ones_apart(client, chicago, berlin):
    near = event_at(chicago, "Loop table", at(2031, 1, 14, 18), latitude=Decimal("41.88"), longitude=Decimal("-87.63"))
    event_at(berlin, "Berlin table", at(2031, 1, 14, 18), latitude=Decimal("52.52"), longitude=Decimal("13.40"))
    event_at(berlin, "Webinar", at(2031, 1, 15, 18), format=EventFormat.ONLINE, online_url="https://meet.example.org/w")

    response = client.get("/?place=chicago&radius_km=50")

    assert response.context["form"].errors == {}
    assert titles(response.context["events"]) == ["Loop table"]
    assert titles(response.context["online_events"]) == ["Webinar"]
    assert "Events near Chicago" in response.text
    assert '<h2 id="online-heading">Online events</h2>' in response.text
    assert "1 km away" in response.text or "0 km away" in response.text
    assert response.context["events"][0].pk == near.pk


def test_home_near_a_region_or_coordinates(client, chicago, berlin):
    event_at(chicago, "Loop table", at(2031, 1, 14, 18), latitude=Decimal("41.88"), longitude=Decimal("-87.63"))
    event_at(berlin, "Berlin table", at(2031, 1, 14, 18), latitude=Decimal("52.52"), longitude=Decimal("13.40"))

    by_region = client.get("/?place=illinois")
    by_point = client.get("/?place=52.5,13.4&radius_km=25")

    assert titles(by_region.context["events"]) == ["Loop table"]
    assert titles(by_point.context["events"]) == ["Berlin table"]


def test_home_near_can_leave_online_events_out(client, chicago):
    event_at(
        chicago, "Webinar", at(2031, 1, 15, 18), format=EventFormat.ONLINE, online_url="https://meet.example.org/w"
    )
    event_at(chicago, "Hall", at(2031, 1, 16, 18))

    near = client.get("/?place=Chicago&online=exclude")
    anywhere = client.get("/?online=exclude")

    assert near.context["online_events"] == []
    assert titles(anywhere.context["events"]) == ["Hall"]


def test_home_says_when_a_place_is_not_recognised(client, chicago):
    event_at(chicago, "Parents night", at(2031, 1, 14, 18))

    response = client.get("/?place=Atlantis")

    assert response.context["form"].errors == {
        "place": ["We do not recognise “Atlantis”. Try a city with a chapter, or coordinates such as 41.88,-87.63."]
    }
    assert response.context["events"] == []
    assert "The search could not run: see the fields marked above." in response.text


def test_home_refuses_coordinates_out_of_range(client, db):
    response = client.get("/?place=95,10")

    assert response.context["form"].errors == {"place": ["Latitude must be within ±90 and longitude within ±180."]}


def test_home_card_shows_chapter_local_time_with_zone_strategy_and_places(client, chicago):
    event = event_at(chicago, "Parents night", at(2031, 1, 14, 18))
    SignupFactory(shift=event.shifts.get())

    html = client.get("/").text

    assert '<a href="/chapters/chicago/">Chicago</a>' in html
    assert '<time datetime="2031-01-14T18:00:00-06:00">Tue 14 Jan 2031, 18:00</time>' in html
    assert '<abbr title="America/Chicago">CST</abbr>' in html
    assert "Awareness &amp; education" in html
    assert "3 places left" in html


def test_home_hides_drafts_even_from_their_coordinators(client, chicago, coordinator):
    event_at(chicago, "Published", at(2031, 1, 14, 18))
    event_at(chicago, "Draft", at(2031, 1, 15, 18), status=EventStatus.DRAFT)
    client.force_login(coordinator)

    assert titles(client.get("/").context["events"]) == ["Published"]


def test_home_paginates(client, chicago, settings):
    settings.SITE_PAGE_SIZE = 2
    for day in (14, 15, 16):
        event_at(chicago, f"Day {day}", at(2031, 1, day, 18))

    first = client.get("/?q=Day")
    second = client.get("/?q=Day&page=2")

    assert titles(first.context["events"]) == ["Day 14", "Day 15"]
    assert titles(second.context["events"]) == ["Day 16"]
    assert 'href="?q=Day&amp;page=2"' in first.text
    assert "Page 2 of 2" in second.text


def test_home_marks_events_the_visitor_is_signed_up_for(client, chicago, outsider):
    event = event_at(chicago, "Parents night", at(2031, 1, 14, 18))
    event_at(chicago, "Other", at(2031, 1, 15, 18))
    SignupFactory(user=outsider, shift=event.shifts.get())
    client.force_login(outsider)

    response = client.get("/")

    assert response.context["confirmed_ids"] == {event.pk}
    assert response.text.count("You're signed up") == 1


# The event page and its buttons


@pytest.fixture
def event(chicago):
    event = event_at(chicago, "Parents night", at(2031, 1, 14, 18), capacity=1)
    return event


def test_event_page_offers_anonymous_the_sign_up_button(client, event):
    shift = event.shifts.get()

    html = client.get(event.get_absolute_url()).text

    assert f'<form method="post" action="{signup_url(shift)}">' in html
    assert 'Sign up<span class="visually-hidden">: Table host</span>' in html
    assert "we will ask you to sign in or create an account" in html


def test_event_page_offers_the_waitlist_when_a_shift_is_full(client, event, outsider):
    SignupFactory(shift=event.shifts.get())
    client.force_login(outsider)

    html = client.get(event.get_absolute_url()).text

    assert 'Join the waitlist<span class="visually-hidden">: Table host</span>' in html
    assert "Full: no places left" in html


def test_event_page_shows_a_held_place_and_its_cancel_button(client, event, outsider):
    signup = SignupFactory(user=outsider, shift=event.shifts.get(), status=SignupStatus.WAITLISTED)
    SignupFactory(shift=event.shifts.get(), status=SignupStatus.WAITLISTED)
    client.force_login(outsider)

    html = client.get(event.get_absolute_url()).text

    assert "Waitlist: number 1" in html
    assert f'action="/me/signups/{signup.pk}/cancel/"' in html
    assert 'Leave the waitlist<span class="visually-hidden">: Table host</span>' in html
    assert "Sign up<span" not in html


def test_event_page_of_a_cancelled_or_ended_event_has_no_sign_up_button(client, chicago):
    cancelled = event_at(chicago, "Called off", at(2031, 1, 14, 18), status=EventStatus.CANCELLED)
    past = event_at(chicago, "Long ago", at(2020, 1, 14, 18))

    assert "Sign up<span" not in client.get(cancelled.get_absolute_url()).text
    ended = client.get(past.get_absolute_url()).text
    assert "Sign up<span" not in ended
    assert "This event has ended." in ended


def test_event_page_shows_the_visitors_chapter_zone_when_it_differs(client, event, other_lead, member):
    client.force_login(other_lead)
    berliner = client.get(event.get_absolute_url())
    client.force_login(member)
    chicagoan = client.get(event.get_absolute_url())

    assert berliner.context["viewer_zone"] == "Europe/Berlin"
    assert (
        "In your chapter's time zone: "
        '<time datetime="2031-01-15T01:00:00+01:00">Wed 15 Jan 2031, 01:00</time>\N{EN DASH}'
        '<time datetime="2031-01-15T03:00:00+01:00">03:00</time> <abbr title="Europe/Berlin">CET</abbr>'
    ) in berliner.text
    assert chicagoan.context["viewer_zone"] is None
    assert "In your chapter" not in chicagoan.text


# Signing up


def test_anonymous_sign_up_goes_through_login_and_back_to_a_confirm_page(client, event):
    user = UserFactory(email="ada@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    shift = event.shifts.get()
    url = signup_url(shift)

    clicked = client.post(url)
    assert (clicked.status_code, clicked["Location"]) == (302, f"/accounts/login/?next={url}")
    assert not Signup.objects.exists()

    login_page = client.get(clicked["Location"])
    assert f'value="{url}"' in login_page.text
    logged_in = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD, "next": url})
    assert (logged_in.status_code, logged_in["Location"]) == (302, url)

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "<h1>Confirm your place</h1>" in confirm.text
    assert 'Sign up<span class="visually-hidden">: Table host</span>' in confirm.text
    assert not Signup.objects.exists()  # a GET never signs anybody up

    done = client.post(url, follow=True)
    assert done.redirect_chain == [(event.get_absolute_url(), 302)]
    assert list(Signup.objects.values_list("user__email", "shift", "status")) == [
        ("ada@example.org", shift.pk, SignupStatus.CONFIRMED)
    ]
    assert messages_of(done) == ["You are signed up for “Table host” at Parents night. See you there!"]
    assert "You're signed up" in done.text


def test_sign_up_on_a_full_shift_joins_the_waitlist_with_its_position(client, event, outsider):
    shift = event.shifts.get()
    SignupFactory(shift=shift)
    SignupFactory(shift=shift, status=SignupStatus.WAITLISTED)
    client.force_login(outsider)

    response = client.post(signup_url(shift), follow=True)

    assert Signup.objects.get(user=outsider).status == SignupStatus.WAITLISTED
    assert messages_of(response) == [
        "“Table host” is full, so you are number 2 on the waitlist. "
        "You will be confirmed automatically if a place opens up."
    ]


def test_a_second_sign_up_shows_the_services_refusal(client, event, outsider):
    shift = event.shifts.get()
    SignupFactory(user=outsider, shift=shift)
    client.force_login(outsider)

    response = client.post(signup_url(shift), follow=True)

    assert messages_of(response) == ["You already have a place or a waitlist spot on this shift."]
    assert Signup.objects.filter(user=outsider).count() == 1


def test_sign_up_for_a_cancelled_event_is_refused_with_a_message(client, chicago, outsider):
    cancelled = event_at(chicago, "Called off", at(2031, 1, 14, 18), status=EventStatus.CANCELLED)
    client.force_login(outsider)

    response = client.post(signup_url(cancelled.shifts.get()), follow=True)

    assert messages_of(response) == ["This event has been cancelled."]
    assert not Signup.objects.exists()


def test_confirm_page_for_a_shift_already_held_says_so(client, event, outsider):
    shift = event.shifts.get()
    SignupFactory(user=outsider, shift=shift)
    client.force_login(outsider)

    response = client.get(signup_url(shift))

    assert "<h1>You already have this shift</h1>" in response.text
    assert "You are signed up for this shift." in response.text
    assert "<form" not in response.text.split("<main", 1)[1]


@pytest.mark.parametrize(
    ("persona_name", "status"),
    [("outsider", 404), ("other_lead", 404), ("member", 200), ("lead", 200)],
)
def test_sign_up_page_of_a_members_only_event_is_404_outside_the_chapter(
    client, persona, chicago, persona_name, status
):
    members_only = event_at(chicago, "Members", at(2031, 1, 14, 18), visibility=Visibility.MEMBERS)
    client.force_login(persona(persona_name))

    assert client.get(signup_url(members_only.shifts.get())).status_code == status
    assert client.post(signup_url(members_only.shifts.get())).status_code == (302 if status == 200 else 404)


def test_sign_up_on_a_draft_is_404_for_volunteers(client, chicago, member):
    draft = event_at(chicago, "Draft", at(2031, 1, 14, 18), status=EventStatus.DRAFT)
    client.force_login(member)

    assert client.post(signup_url(draft.shifts.get())).status_code == 404
    assert not Signup.objects.exists()


def test_sign_up_with_a_shift_of_another_event_is_404(client, event, chicago, outsider):
    other = event_at(chicago, "Other", at(2031, 1, 20, 18))
    client.force_login(outsider)

    url = reverse("shift_signup", kwargs={"pk": event.pk, "shift_id": other.shifts.get().pk})

    assert client.post(url).status_code == 404


# Cancelling


def test_cancel_from_the_event_page_promotes_the_waitlist_and_returns_there(client, event, outsider):
    shift = event.shifts.get()
    mine = SignupFactory(user=outsider, shift=shift)
    waiting = SignupFactory(shift=shift, status=SignupStatus.WAITLISTED)
    client.force_login(outsider)

    response = client.post(
        reverse("signup_cancel", kwargs={"pk": mine.pk}), {"next": event.get_absolute_url()}, follow=True
    )

    assert response.redirect_chain == [(event.get_absolute_url(), 302)]
    assert messages_of(response) == [
        "Your place on “Table host” at Parents night is cancelled. Thank you for letting us know."
    ]
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == (SignupStatus.CANCELLED, SignupStatus.CONFIRMED)
    assert 'Sign up<span class="visually-hidden">: Table host</span>' not in response.text  # full again
    assert 'Join the waitlist<span class="visually-hidden">: Table host</span>' in response.text


def test_cancel_ignores_a_next_that_leaves_the_site(client, event, outsider):
    mine = SignupFactory(user=outsider, shift=event.shifts.get(), status=SignupStatus.WAITLISTED)
    client.force_login(outsider)

    response = client.post(reverse("signup_cancel", kwargs={"pk": mine.pk}), {"next": "https://evil.example/"})

    assert response["Location"] == "/me/signups/"


def test_cancel_get_shows_a_confirm_page_and_changes_nothing(client, event, outsider):
    mine = SignupFactory(user=outsider, shift=event.shifts.get())
    client.force_login(outsider)

    response = client.get(reverse("signup_cancel", kwargs={"pk": mine.pk}))

    assert "<h1>Cancel your place?</h1>" in response.text
    assert 'Cancel my place<span class="visually-hidden">: Table host</span>' in response.text
    mine.refresh_from_db()
    assert mine.status == SignupStatus.CONFIRMED


def test_cancelling_twice_shows_the_services_refusal(client, event, outsider):
    mine = SignupFactory(user=outsider, shift=event.shifts.get())
    client.force_login(outsider)
    client.post(reverse("signup_cancel", kwargs={"pk": mine.pk}), follow=True)

    response = client.post(reverse("signup_cancel", kwargs={"pk": mine.pk}), follow=True)

    assert messages_of(response) == ["This signup is already cancelled."]


@pytest.mark.parametrize("persona_name", ["outsider", "lead", "staff"])
def test_another_persons_signup_is_404(client, persona, event, member, persona_name):
    theirs = SignupFactory(user=member, shift=event.shifts.get())
    client.force_login(persona(persona_name))

    url = reverse("signup_cancel", kwargs={"pk": theirs.pk})

    assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.status == SignupStatus.CONFIRMED


def test_cancel_needs_login(client, event, member):
    theirs = SignupFactory(user=member, shift=event.shifts.get())
    url = reverse("signup_cancel", kwargs={"pk": theirs.pk})

    response = client.post(url)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


# My signups


def test_my_signups_lists_upcoming_with_waitlist_positions_and_past(client, chicago, outsider):
    soon = event_at(chicago, "Soon", at(2031, 1, 14, 18), capacity=1)
    later = event_at(chicago, "Later", at(2031, 2, 14, 18))
    gone = event_at(chicago, "Gone", at(2020, 2, 14, 18))
    SignupFactory(shift=soon.shifts.get())
    SignupFactory(shift=soon.shifts.get(), status=SignupStatus.WAITLISTED)
    SignupFactory(user=outsider, shift=soon.shifts.get(), status=SignupStatus.WAITLISTED)
    SignupFactory(user=outsider, shift=later.shifts.get())
    SignupFactory(user=outsider, shift=gone.shifts.get(), attended=True, hours=Decimal("2.00"))
    cancelled = event_at(chicago, "Dropped", at(2031, 3, 1, 18))
    SignupFactory(
        user=outsider, shift=cancelled.shifts.get(), status=SignupStatus.CANCELLED, cancelled_at=timezone.now()
    )
    client.force_login(outsider)

    response = client.get(reverse("my_signups"))

    assert [(s.shift.event.title, s.status, s.waitlist_position) for s in response.context["upcoming"]] == [
        ("Soon", SignupStatus.WAITLISTED, 2),
        ("Later", SignupStatus.CONFIRMED, None),
    ]
    assert [s.shift.event.title for s in response.context["past"]] == ["Gone"]
    assert "Waitlist: number 2" in response.text
    assert 'Leave the waitlist<span class="visually-hidden">: Soon, Table host</span>' in response.text
    assert 'Cancel my place<span class="visually-hidden">: Later, Table host</span>' in response.text
    assert "You served" in response.text
    assert "2.00 hours" in response.text
    assert "Dropped" not in response.text
    assert f'action="{reverse("calendar_feed")}"' in response.text
    assert "Create my feed address" in response.text


def test_my_signups_shows_nothing_of_anybody_else(client, event, member, outsider):
    SignupFactory(user=member, shift=event.shifts.get())
    client.force_login(outsider)

    response = client.get(reverse("my_signups"))

    assert (response.context["upcoming"], response.context["past"]) == ([], [])
    assert "You have no upcoming shifts." in response.text


def test_my_signups_needs_login(client, db):
    response = client.get(reverse("my_signups"))

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/me/signups/")


def test_rotating_the_feed_from_my_signups_shows_the_new_address(client, outsider, settings):
    settings.SITE_URL = "https://outreach.example.org"
    client.force_login(outsider)

    response = client.post(reverse("calendar_feed"))

    assert 'value="https://outreach.example.org/feeds/personal/' in response.text
    assert "Replace my feed address" in client.get(reverse("my_signups")).text


# Profile


def test_profile_saves_and_explains_who_sees_what(client, outsider):
    client.force_login(outsider)

    page = client.get(reverse("profile"))
    saved = client.post(
        reverse("profile"), {"display_name": "Night Owl", "legal_name": "Ada Lovelace", "phone": "+1 312 555 0100"}
    )

    assert "only by coordinators and leads of chapters you sign up with" in page.text
    assert '<label for="id_phone">Phone</label>' in page.text
    assert (saved.status_code, saved["Location"]) == (302, "/me/profile/")
    outsider.refresh_from_db()
    assert (outsider.display_name, outsider.legal_name, outsider.phone) == (
        "Night Owl",
        "Ada Lovelace",
        "+1 312 555 0100",
    )
    assert messages_of(client.get(reverse("profile"))) == ["Your profile is saved."]


def test_profile_shows_errors_next_to_the_field(client, outsider):
    client.force_login(outsider)

    response = client.post(reverse("profile"), {"display_name": "x" * 81, "legal_name": "", "phone": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "display_name": ["Ensure this value has at most 80 characters (it has 81)."]
    }
    assert messages_of(response) == ["Please correct the errors below."]
    assert 'aria-describedby="id_display_name_helptext id_display_name_error"' in response.text
    outsider.refresh_from_db()
    assert outsider.display_name != "x" * 81


def test_profile_needs_login(client, db):
    assert client.get(reverse("profile"))["Location"] == "/accounts/login/?next=/me/profile/"


# Chapters and campaigns


def test_joining_a_chapter_makes_a_member_who_then_sees_members_only_events(client, chicago, outsider):
    event_at(chicago, "Members", at(2031, 1, 14, 18), visibility=Visibility.MEMBERS)
    client.force_login(outsider)
    before = client.get(chicago.get_absolute_url())

    response = client.post(reverse("chapter_join", kwargs={"slug": "chicago"}), follow=True)

    assert titles(before.context["events"]) == []
    assert "Join this chapter</button>" in before.text
    assert list(Membership.objects.filter(user=outsider).values_list("chapter__slug", "role")) == [
        ("chicago", Role.MEMBER)
    ]
    assert messages_of(response) == ["Welcome to Chicago! You will now see its members-only events."]
    assert titles(response.context["events"]) == ["Members"]
    assert "You are a member of this chapter (Member)." in response.text


def test_joining_twice_shows_the_services_refusal(client, chicago, member):
    client.force_login(member)

    response = client.post(reverse("chapter_join", kwargs={"slug": "chicago"}), follow=True)

    assert len(messages_of(response)) == 1
    assert "is already a member of this chapter." in messages_of(response)[0]


def test_anonymous_join_goes_through_login_to_a_confirm_page(client, chicago):
    url = reverse("chapter_join", kwargs={"slug": "chicago"})

    response = client.post(url)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")
    client.force_login(UserFactory())
    confirm = client.get(url)
    assert "Join this chapter</button>" in confirm.text
    assert not Membership.objects.exists()


def test_leaving_a_chapter(client, chicago, member):
    client.force_login(member)

    response = client.post(reverse("chapter_leave", kwargs={"slug": "chicago"}), follow=True)

    assert messages_of(response) == ["You have left Chicago."]
    assert not Membership.objects.filter(user=member).exists()


def test_the_last_lead_cannot_leave(client, chicago, lead):
    client.force_login(lead)

    response = client.post(reverse("chapter_leave", kwargs={"slug": "chicago"}), follow=True)

    assert messages_of(response) == ["This is the chapter's only lead; make someone else lead first."]
    assert Membership.objects.filter(user=lead, role=Role.LEAD).exists()


def test_leaving_a_chapter_one_is_not_in_says_so(client, chicago, outsider):
    client.force_login(outsider)

    response = client.post(reverse("chapter_leave", kwargs={"slug": "chicago"}), follow=True)

    assert messages_of(response) == ["You are not a member of Chicago."]


def test_joining_an_inactive_chapter_is_404(client, outsider):
    ChapterFactory(slug="closed", is_active=False)
    client.force_login(outsider)

    assert client.post(reverse("chapter_join", kwargs={"slug": "closed"})).status_code == 404
    assert not Membership.objects.exists()


def test_campaign_page_lists_only_listed_events(client, chicago, coordinator):
    campaign = CampaignFactory(slug="january")
    event_at(chicago, "In it", at(2031, 1, 14, 18), campaign=campaign)
    event_at(chicago, "Draft in it", at(2031, 1, 15, 18), campaign=campaign, status=EventStatus.DRAFT)
    client.force_login(coordinator)

    response = client.get(campaign.get_absolute_url())

    assert titles(response.context["events"]) == ["In it"]


# Query counts: the same at one and three items


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize(
    "query",
    [
        "?q=night&strategy=awareness_education&format=in_person&chapter=chicago",
        "?place=Chicago&radius_km=100",
        "?place=41.88,-87.63&date_from=2030-01-01&date_to=2040-01-01&audience=parents",
    ],
)
def test_home_with_filters_costs_the_same_queries_for_one_and_three_events(client, chicago, member, query):
    def add():
        event = event_at(
            chicago,
            "Parents night",
            at(2031, 1, 14, 18),
            latitude=Decimal("41.88"),
            longitude=Decimal("-87.63"),
            audiences=["parents"],
        )
        SignupFactory(user=member, shift=event.shifts.get())
        event_at(chicago, "Webinar night", at(2031, 1, 14, 18), format=EventFormat.ONLINE, online_url="https://x.org/")

    client.force_login(member)
    add()
    one, first = count_queries(client, f"/{query}")
    add()
    add()
    three, last = count_queries(client, f"/{query}")

    assert (len(first.context["events"]), len(last.context["events"])) == (1, 3)
    assert one == three


def test_my_signups_costs_the_same_queries_for_one_and_three_signups(client, chicago, outsider):
    def add(day):
        upcoming = event_at(chicago, f"Up {day}", at(2031, 1, day, 18), capacity=1)
        SignupFactory(shift=upcoming.shifts.get())
        SignupFactory(user=outsider, shift=upcoming.shifts.get(), status=SignupStatus.WAITLISTED)
        past = event_at(chicago, f"Past {day}", at(2020, 1, day, 18))
        SignupFactory(user=outsider, shift=past.shifts.get())

    client.force_login(outsider)
    add(1)
    one, first = count_queries(client, reverse("my_signups"))
    add(2)
    add(3)
    three, last = count_queries(client, reverse("my_signups"))

    assert (len(first.context["upcoming"]), len(last.context["upcoming"]), len(last.context["past"])) == (1, 3, 3)
    assert one == three


@pytest.mark.parametrize("page", ["chapter", "campaign"])
def test_chapter_and_campaign_cost_the_same_queries_for_one_and_three_events(client, chicago, member, page):
    campaign = CampaignFactory(slug="january")
    url = chicago.get_absolute_url() if page == "chapter" else campaign.get_absolute_url()

    def add(day):
        event = event_at(chicago, f"Day {day}", at(2031, 1, day, 18), campaign=campaign)
        SignupFactory(user=member, shift=event.shifts.get())

    client.force_login(member)
    add(1)
    one, first = count_queries(client, url)
    add(2)
    add(3)
    three, last = count_queries(client, url)

    assert (len(first.context["events"]), len(last.context["events"])) == (1, 3)
    assert one == three


def test_event_page_costs_the_same_queries_for_one_and_three_held_shifts(client, chicago, outsider, berlin):
    MembershipFactory(user=outsider, chapter=berlin)
    event = event_at(chicago, "Big day", at(2031, 1, 14, 8))
    client.force_login(outsider)

    def add(hour):
        shift = ShiftFactory(
            event=event,
            name=f"Shift {hour}",
            starts_at=at(2031, 1, 14, hour),
            ends_at=at(2031, 1, 14, hour) + dt.timedelta(minutes=30),
        )
        SignupFactory(user=outsider, shift=shift)

    add(8)
    one, _first = count_queries(client, event.get_absolute_url())
    add(9)
    add(9)
    three, last = count_queries(client, event.get_absolute_url())

    assert sum(1 for shift in last.context["shifts"] if shift.held) == 3
    assert one == three


def test_a_search_from_a_link_shows_the_default_distance(client, db):
    """The error pages' search sends only `q`: the distance shown must be the default, not the list's first."""
    html = client.get("/", {"q": "night"}).text

    assert '<option value="50" selected>50 km</option>' in html
    assert '<option value="10" selected>' not in html
