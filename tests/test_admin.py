"""Every registered ModelAdmin answers: changelist, search and add page, at a query count independent of rows."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from events.enums import Strategy
from events.models import EventSeries
from notifications.enums import MessageKind
from notifications.models import OutboxMessage
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
