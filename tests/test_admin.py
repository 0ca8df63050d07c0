"""
Every registered ModelAdmin answers: changelist, search and add page, at a query count independent of rows.
Admin edits to events, shifts, signups, series and reports go through the services (issue #9).
"""

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from events import services
from events.enums import Audience, EventStatus, SignupStatus, Strategy
from events.messages import format_when
from events.models import Event, EventReport, EventSeries, Shift, Signup
from notifications.enums import MessageKind
from notifications.models import OutboxMessage
from outreach.enums import Role
from outreach.models import User
from tests.factories import (
    CampaignFactory,
    ChapterFactory,
    EventFactory,
    MembershipFactory,
    PartnerFactory,
    ShiftFactory,
    SignupFactory,
    UserFactory,
)


def needle(n):
    return f"needle{n}"


def make_series(n):
    EventSeries.objects.create(
        chapter=ChapterFactory(),
        title=f"{needle(n)} weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
        timezone="America/Chicago",
        recurrence="FREQ=WEEKLY;COUNT=4",
        start_date=dt.date(2031, 3, 1),
        start_time=dt.time(18, 0),
        duration=dt.timedelta(hours=2),
    )


def make_email_address(n):
    EmailAddress.objects.create(user=UserFactory(), email=f"{needle(n)}@example.org", verified=True)


# One row per call, findable by the admin's search with needle(n). A newly registered admin needs a maker here.
ROW_MAKERS = {
    "auth.Group": lambda n: Group.objects.create(name=needle(n)),
    "outreach.User": lambda n: UserFactory(email=f"{needle(n)}@example.org"),
    "outreach.Chapter": lambda n: ChapterFactory(name=needle(n)),
    "outreach.Membership": lambda n: MembershipFactory(user__email=f"{needle(n)}@example.org"),
    "outreach.Campaign": lambda n: CampaignFactory(name=needle(n)),
    "outreach.Partner": lambda n: PartnerFactory(name=needle(n)),
    "events.EventSeries": make_series,
    "events.Event": lambda n: EventFactory(title=f"{needle(n)} evening"),
    "events.EventReport": lambda n: EventReport.objects.create(event=EventFactory(title=f"{needle(n)} evening")),
    "events.Shift": lambda n: ShiftFactory(name=f"{needle(n)} host"),
    "events.Signup": lambda n: SignupFactory(user__email=f"{needle(n)}@example.org"),
    "account.EmailAddress": make_email_address,
    "authtoken.TokenProxy": lambda n: Token.objects.create(user=UserFactory(email=f"{needle(n)}@example.org")),
    "notifications.OutboxMessage": lambda n: OutboxMessage.objects.create(
        email=f"{needle(n)}@example.org",
        kind=MessageKind.SIGNUP_CONFIRMED,
        subject="You're signed up",
        body_text="text",
        body_html="<p>html</p>",
        dedupe_key=needle(n),
    ),
}

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def add_rows(model, numbers):
    maker = ROW_MAKERS.get(model._meta.label)
    assert maker, f"no row maker for {model._meta.label}: add one to ROW_MAKERS"
    for n in numbers:
        maker(n)


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser(email="root@example.org", password="unused-here"))
    return client


def test_every_registered_model_has_a_row_maker():
    assert sorted(model._meta.label for model in MODELS) == sorted(ROW_MAKERS)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_changelist_lists_rows(superuser_client, model):
    add_rows(model, [1, 2, 3])

    response = superuser_client.get(changelist_url(model))

    assert response.status_code == 200
    expected = model._default_manager.count()
    assert response.context["cl"].result_count == expected
    assert expected >= 3


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_changelist_search_finds_one_row(superuser_client, model):
    add_rows(model, [1, 2, 3])

    found = superuser_client.get(changelist_url(model), {"q": needle(2)})
    missing = superuser_client.get(changelist_url(model), {"q": "no-such-thing"})

    assert (found.status_code, missing.status_code) == (200, 200)
    assert found.context["cl"].result_count == 1
    assert missing.context["cl"].result_count == 0


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_add_page_answers(superuser_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")

    response = superuser_client.get(url)

    if not admin.site._registry[model].has_add_permission(response.wsgi_request):
        assert response.status_code == 403  # a read-only record, such as the outbox
        return
    assert response.status_code == 200
    assert response.context["add"] is True


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_changelist_query_count_does_not_grow_with_rows(superuser_client, model):
    url = changelist_url(model)
    add_rows(model, [1])
    superuser_client.get(url)  # warm per-process caches (content types, permissions)

    with CaptureQueriesContext(connection) as one_row:
        superuser_client.get(url)
    add_rows(model, [2, 3])
    with CaptureQueriesContext(connection) as three_rows:
        response = superuser_client.get(url)

    assert response.context["cl"].result_count == model._default_manager.count()
    assert len(three_rows) == len(one_row), "\n".join(q["sql"] for q in three_rows.captured_queries)


# Changes through the services


class FormFields(HTMLParser):
    """What a browser would submit for the form `form_id` on a page, left as it is; and every checkbox offered."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.select, self.textarea = form_id, False, None, None
        self.pairs, self.checkboxes = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind == "checkbox":
                self.checkboxes.setdefault(attrs["name"], []).append(attrs.get("value", "on"))
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.pairs.append((attrs["name"], attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.pairs.append((self.select, attrs["value"]))
        elif tag == "textarea":
            self.textarea, self.text = attrs["name"], ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that starts a textarea's content.
            self.pairs.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None


def page_form(response, model):
    """The POST data of the admin page's form for `model`, as served, and the checkboxes it offers."""
    assert response.status_code == 200
    parser = FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}, parser.checkboxes


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def add_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def edit(client, obj, **changes):
    """GET obj's change page, then POST its form back with `changes` (admin field names, e.g. starts_at_0)."""
    data, _checkboxes = page_form(client.get(change_url(obj)), type(obj))
    data.update(changes)
    return client.post(change_url(obj), data)


START = dt.datetime(2031, 3, 1, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
def evening(chapter):
    """A published event, 18:00-20:00 UTC, with one shift spanning it that has 2 places, both taken."""
    event = EventFactory(
        chapter=chapter, title="Awareness evening", starts_at=START, ends_at=START + dt.timedelta(hours=2)
    )
    shift = ShiftFactory(event=event, capacity=2)
    SignupFactory(shift=shift, user__email="ana@example.org")
    SignupFactory(shift=shift, user__email="ben@example.org")
    return event


def test_event_change_moving_it_raises_sequence_moves_shifts_and_tells_volunteers(superuser_client, evening):
    shift = evening.shifts.get()

    response = edit(superuser_client, evening, starts_at_0="2031-03-02", ends_at_0="2031-03-02")

    assert response.status_code == 302
    evening.refresh_from_db()
    shift.refresh_from_db()
    new_start = START + dt.timedelta(days=1)
    assert (evening.starts_at, evening.ends_at, evening.sequence) == (new_start, new_start + dt.timedelta(hours=2), 1)
    assert (shift.starts_at, shift.ends_at) == (evening.starts_at, evening.ends_at)
    sent = OutboxMessage.objects.filter(kind=MessageKind.EVENT_CHANGED).order_by("email")
    assert [(m.email, m.subject) for m in sent] == [
        ("ana@example.org", "Changed: Awareness evening"),
        ("ben@example.org", "Changed: Awareness evening"),
    ]
    before = format_when(START, START + dt.timedelta(hours=2), "America/Chicago")
    after = format_when(new_start, new_start + dt.timedelta(hours=2), "America/Chicago")
    assert f"When\n  before: {before}\n  now:    {after}\n" in sent[0].body_text
    assert LogEntry.objects.get().get_change_message() == "Changed Starts at and Ends at."


def test_event_change_of_nothing_a_calendar_shows_keeps_sequence(superuser_client, evening):
    response = edit(superuser_client, evening, language="es")

    assert response.status_code == 302
    evening.refresh_from_db()
    assert (evening.language, evening.sequence) == ("es", 0)
    assert OutboxMessage.objects.count() == 0


def test_event_change_of_title_raises_sequence_once_and_tells_nobody(superuser_client, evening):
    edit(superuser_client, evening, title="Awareness night")

    evening.refresh_from_db()
    assert (evening.title, evening.sequence) == ("Awareness night", 1)
    assert OutboxMessage.objects.count() == 0  # volunteers are told of time, place and link only


def test_shift_capacity_below_confirmed_count_is_refused_beside_it_and_nothing_saved(superuser_client, evening):
    shift = evening.shifts.get()

    response = edit(superuser_client, evening, title="Awareness night", **{"shifts-0-capacity": "1"})

    assert response.status_code == 200
    message = "2 volunteers are already confirmed; the capacity cannot be lower than that."
    assert response.context["inline_admin_formsets"][0].formset.errors == [{"capacity": [message]}]
    assert message in response.content.decode()
    evening.refresh_from_db()
    shift.refresh_from_db()
    assert (evening.title, evening.sequence, shift.capacity) == ("Awareness evening", 0, 2)


def test_shift_capacity_raised_in_the_inline_promotes_the_waitlist(superuser_client, evening):
    shift = evening.shifts.get()
    waiting = SignupFactory(shift=shift, status=SignupStatus.WAITLISTED, user__email="cai@example.org")

    response = edit(superuser_client, evening, **{"shifts-0-capacity": "3"})

    assert response.status_code == 302
    shift.refresh_from_db()
    waiting.refresh_from_db()
    assert (shift.capacity, waiting.status) == (3, SignupStatus.CONFIRMED)
    assert list(OutboxMessage.objects.values_list("email", "kind")) == [
        ("cai@example.org", MessageKind.SIGNUP_PROMOTED)
    ]


def test_event_change_a_service_refuses_is_shown_beside_the_field_and_nothing_saved(
    superuser_client, evening, settings
):
    settings.SHIFT_MARGIN = 0  # seconds: no clear-up time, a shift must end with its event
    ShiftFactory(event=evening, name="Clean-up", starts_at=START + dt.timedelta(hours=1), ends_at=evening.ends_at)

    # The event ends at 19:30: the clean-up shift, 19:00-20:00, no longer fits; only the service knows.
    response = edit(superuser_client, evening, ends_at_1="19:30:00")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ends_at": ["The shift “Clean-up” would no longer fit inside the event."]
    }
    evening.refresh_from_db()
    assert (evening.ends_at, evening.sequence) == (START + dt.timedelta(hours=2), 0)
    assert list(evening.shifts.values_list("ends_at", flat=True)) == [evening.ends_at, evening.ends_at]


def test_event_status_chapter_and_sequence_are_read_only(superuser_client, evening):
    data, _checkboxes = page_form(superuser_client.get(change_url(evening)), Event)

    assert {"status", "chapter", "sequence", "uid", "series"} & set(data) == set()


def test_cancelled_event_is_view_only(superuser_client, evening):
    services.event_cancel(event=evening)

    response = superuser_client.get(change_url(evening))

    assert response.status_code == 200
    assert response.context["title"] == "View event"


def test_event_add_goes_through_event_create_with_its_shift(superuser_client, chapter):
    data, _checkboxes = page_form(superuser_client.get(add_url(Event)), Event)
    data.update(
        chapter=str(chapter.pk),
        title="Parents' evening",
        strategy=Strategy.INTERNET_SAFETY,
        starts_at_0="2031-04-01",
        starts_at_1="17:00:00",
        ends_at_0="2031-04-01",
        ends_at_1="19:00:00",
        timezone="America/Chicago",
        capacity="5",
    )

    response = superuser_client.post(add_url(Event), data)

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.title, event.status, event.chapter, event.created_by.email) == (
        "Parents' evening",
        EventStatus.DRAFT,
        chapter,
        "root@example.org",
    )
    assert list(event.shifts.values_list("name", "starts_at", "ends_at", "capacity")) == [
        ("Volunteer", event.starts_at, event.ends_at, 5)
    ]


def test_audiences_are_checkboxes_and_save_a_list(superuser_client, evening):
    data, checkboxes = page_form(superuser_client.get(change_url(evening)), Event)
    assert checkboxes["audiences"] == Audience.values
    data["audiences"] = [Audience.PARENTS, Audience.YOUTH]

    response = superuser_client.post(change_url(evening), data)

    assert response.status_code == 302
    evening.refresh_from_db()
    assert (evening.audiences, evening.sequence) == (["parents", "youth"], 0)


def test_series_audiences_are_checkboxes(superuser_client):
    _data, checkboxes = page_form(superuser_client.get(add_url(EventSeries)), EventSeries)

    assert checkboxes["audiences"] == Audience.values


def test_publish_and_cancel_actions_go_through_the_services(superuser_client, evening):
    draft = EventFactory(status=EventStatus.DRAFT, title="Draft evening")
    url = changelist_url(Event)

    superuser_client.post(url, {"action": "publish", "_selected_action": [draft.pk, evening.pk]})
    superuser_client.post(url, {"action": "cancel", "_selected_action": [evening.pk]})

    draft.refresh_from_db()
    evening.refresh_from_db()
    assert (draft.status, draft.sequence, evening.status, evening.sequence) == (
        EventStatus.PUBLISHED,
        1,
        EventStatus.CANCELLED,
        1,
    )
    assert sorted(OutboxMessage.objects.values_list("email", "kind")) == [
        ("ana@example.org", MessageKind.EVENT_CANCELLED),
        ("ben@example.org", MessageKind.EVENT_CANCELLED),
    ]


def test_published_event_cannot_be_deleted_but_a_draft_can(superuser_client, evening):
    draft = EventFactory(status=EventStatus.DRAFT)
    ShiftFactory(event=draft)
    delete = "admin:events_event_delete"

    refused = superuser_client.post(reverse(delete, args=[evening.pk]), {"post": "yes"})
    deleted = superuser_client.post(reverse(delete, args=[draft.pk]), {"post": "yes"})

    assert (refused.status_code, deleted.status_code) == (403, 302)
    assert list(Event.objects.values_list("pk", flat=True)) == [evening.pk]
    assert LogEntry.objects.get().object_repr == draft.title


@pytest.mark.django_db(transaction=True)
def test_event_change_works_outside_a_test_transaction(client, chapter):
    """The services' durable transactions refuse to nest: the admin's own atomic block must not wrap them."""
    client.force_login(User.objects.create_superuser(email="root@example.org", password="unused-here"))
    event = EventFactory(chapter=chapter, starts_at=START, ends_at=START + dt.timedelta(hours=2))
    ShiftFactory(event=event)

    response = edit(client, event, starts_at_1="17:00:00")

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.starts_at, event.sequence) == (START - dt.timedelta(hours=1), 1)


def test_shift_change_below_confirmed_count_is_refused(superuser_client, evening):
    shift = evening.shifts.get()

    response = edit(superuser_client, shift, capacity="1")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "capacity": ["2 volunteers are already confirmed; the capacity cannot be lower than that."]
    }
    shift.refresh_from_db()
    assert shift.capacity == 2


def test_shift_add_goes_through_shift_create(superuser_client, evening):
    data, _checkboxes = page_form(superuser_client.get(add_url(Shift)), Shift)
    data.update(
        event=str(evening.pk),
        name="Clean-up",
        starts_at_0="2031-03-01",
        starts_at_1="19:00:00",
        ends_at_0="2031-03-01",
        ends_at_1="20:00:00",
        capacity="3",
    )

    response = superuser_client.post(add_url(Shift), data)

    assert response.status_code == 302
    assert list(evening.shifts.order_by("pk").values_list("name", "capacity")) == [("Table host", 2), ("Clean-up", 3)]


def test_signup_check_in_goes_through_the_service(superuser_client, evening, settings):
    settings.CHECK_IN_OPENS_MINUTES = 10 * 365 * 24 * 60  # the evening lies years ahead; the clock is not mocked
    signup = Signup.objects.get(user__email="ana@example.org")

    response = edit(superuser_client, signup, attended="true", hours="")

    assert response.status_code == 302
    signup.refresh_from_db()
    assert (signup.attended, signup.hours, signup.checked_in_at is not None) == (True, Decimal("2.00"), True)


def test_signup_check_in_of_a_waitlisted_volunteer_is_refused(superuser_client, evening):
    signup = SignupFactory(shift=evening.shifts.get(), status=SignupStatus.WAITLISTED)

    response = edit(superuser_client, signup, attended="true")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"__all__": ["Only a confirmed volunteer can be checked in."]}
    signup.refresh_from_db()
    assert signup.attended is None


def test_signups_cannot_be_added_or_deleted(superuser_client, evening):
    signup = Signup.objects.first()

    added = superuser_client.get(add_url(Signup))
    deleted = superuser_client.post(reverse("admin:events_signup_delete", args=[signup.pk]), {"post": "yes"})

    assert (added.status_code, deleted.status_code) == (403, 403)
    assert Signup.objects.count() == 2


def test_series_change_goes_through_series_update_and_its_dates_follow(superuser_client, chapter):
    series = services.series_create(
        chapter=chapter,
        created_by=None,
        title="Weekly table",
        strategy=Strategy.AWARENESS_EDUCATION,
        recurrence="FREQ=WEEKLY;COUNT=3",
        start_date=dt.datetime.now(dt.UTC).date() + dt.timedelta(days=7),
        start_time=dt.time(18, 0),
        duration=dt.timedelta(hours=2),
    )

    response = edit(superuser_client, series, title="Weekly stall")

    assert response.status_code == 302
    assert list(series.occurrences.values_list("title", flat=True)) == ["Weekly stall"] * 3


def test_event_report_admin_saves_through_report_save(superuser_client, chapter):
    held = EventFactory(chapter=chapter, starts_at=START.replace(year=2020), ends_at=START.replace(year=2020, hour=20))
    data, _checkboxes = page_form(superuser_client.get(add_url(EventReport)), EventReport)
    data.update(event=str(held.pk), people_reached="40", materials_distributed="25", partners_engaged="2")

    response = superuser_client.post(add_url(EventReport), data)

    assert response.status_code == 302
    report = EventReport.objects.get()
    assert (report.event, report.people_reached, report.materials_distributed, report.updated_by.email) == (
        held,
        40,
        25,
        "root@example.org",
    )


def test_event_report_for_an_event_not_yet_held_is_refused_beside_the_event(superuser_client, evening):
    data, _checkboxes = page_form(superuser_client.get(add_url(EventReport)), EventReport)
    data.update(event=str(evening.pk), people_reached="40")

    response = superuser_client.post(add_url(EventReport), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "event": ["A report can be written once the event has started."]
    }
    assert EventReport.objects.count() == 0


def test_site_header_and_title_name_the_site(superuser_client):
    response = superuser_client.get(reverse("admin:index"))

    assert (response.context["site_header"], response.context["site_title"]) == (
        "Outreach administration",
        "Outreach admin",
    )
    assert '<a href="/admin/">Outreach administration</a>' in response.content.decode()


def test_inline_change_a_service_refuses_is_shown_on_its_row_when_nothing_was_saved(superuser_client, evening):
    cancelled = ShiftFactory(event=evening, name="Clean-up", capacity=3)
    services.shift_cancel(shift=cancelled)

    response = edit(superuser_client, evening, **{"shifts-1-capacity": "4"})

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {},
        {"__all__": ["A cancelled shift cannot be changed."]},
    ]
    cancelled.refresh_from_db()
    assert cancelled.capacity == 3


def test_inline_refusal_after_the_event_was_saved_reloads_the_page_and_says_so(superuser_client, evening):
    cancelled = ShiftFactory(event=evening, name="Clean-up", capacity=3)
    services.shift_cancel(shift=cancelled)

    response = edit(superuser_client, evening, title="Awareness night", **{"shifts-1-capacity": "4"})

    assert (response.status_code, response["Location"]) == (302, change_url(evening))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Not saved: A cancelled shift cannot be changed.",
        "The changes before it were saved; check the form before saving again.",
    ]
    evening.refresh_from_db()
    cancelled.refresh_from_db()
    assert (evening.title, cancelled.capacity) == ("Awareness night", 3)


def test_shift_delete_the_service_refuses_is_reported_and_not_logged(superuser_client):
    only = ShiftFactory(event__status=EventStatus.DRAFT)
    url = reverse("admin:events_shift_delete", args=[only.pk])

    response = superuser_client.post(url, {"post": "yes"})

    assert (response.status_code, response["Location"]) == (302, url)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Not deleted: An event needs at least one shift."]
    assert (Shift.objects.filter(pk=only.pk).exists(), LogEntry.objects.count()) == (True, 0)


def test_memberships_are_read_only_in_the_admin_so_the_last_lead_rule_holds(superuser_client):
    """Roles change through outreach.services (the dashboard's members page), never straight to the table."""
    lead = MembershipFactory(role=Role.LEAD)
    change_url = reverse("admin:outreach_membership_change", args=[lead.pk])

    page = superuser_client.get(change_url)
    posted = superuser_client.post(change_url, {"user": lead.user_id, "chapter": lead.chapter_id, "role": "member"})
    deleted = superuser_client.post(reverse("admin:outreach_membership_delete", args=[lead.pk]), {"post": "yes"})
    chapter_page = superuser_client.get(reverse("admin:outreach_chapter_change", args=[lead.chapter_id]))

    assert page.status_code == 200
    assert b'name="role"' not in page.content
    assert (posted.status_code, deleted.status_code) == (403, 403)
    lead.refresh_from_db()
    assert lead.role == Role.LEAD
    assert chapter_page.status_code == 200
    assert b'name="memberships-0-role"' not in chapter_page.content
    assert lead.user.display_name.encode() in chapter_page.content


def test_chapter_rename_in_the_admin_raises_its_revision_and_reaches_its_feed(superuser_client, chapter):
    """The admin renames through events.services.chapter_update: the entries of its events show it."""
    EventFactory(chapter=chapter, title="Awareness evening", starts_at=timezone.now() + dt.timedelta(days=3))
    before = superuser_client.get(f"/feeds/chapters/{chapter.slug}.ics")

    response = edit(superuser_client, chapter, name="Chicagoland")

    assert response.status_code == 302
    chapter.refresh_from_db()
    assert (chapter.name, chapter.sequence) == ("Chicagoland", 1)
    after = superuser_client.get(f"/feeds/chapters/{chapter.slug}.ics")
    assert after["ETag"] != before["ETag"]
    assert b'ORGANIZER;CN="Chicagoland"' in after.content
    assert LogEntry.objects.get().get_change_message() == "Changed Name."
