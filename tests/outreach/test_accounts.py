"""Accounts through django-allauth: signup, verification, both ways of signing in, reset and email change."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse

from outreach.models import User
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "a brand new passphrase 42"
pytestmark = pytest.mark.django_db

SKIP_LINK = '<a class="skip-link" href="#main">Skip to main content</a>'


@pytest.fixture
def verified_user():
    user = UserFactory(email="ada@example.org", display_name="Ada")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def link_in(message, path_prefix):
    match = re.search(rf"{re.escape(settings.SITE_URL)}({re.escape(path_prefix)}\S+)", message.body)
    assert match, f"no {path_prefix} link in:\n{message.body}"
    return match.group(1)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def sign_up(client, email="new@example.org", display_name="Night Owl"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "display_name": display_name, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_signup_creates_unverified_user_and_sends_verification(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="new@example.org")
    assert user.display_name == "Night Owl"
    assert user.check_password(NEW_PASSWORD)
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new@example.org", False, True)
    ]
    assert signed_in_user_id(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    assert mail.outbox[0].subject == "[Outreach] Please Confirm Your Email Address"
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_signup_without_display_name_is_refused(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"display_name": ["This field is required."]}
    assert not User.objects.filter(email="new@example.org").exists()
    assert mail.outbox == []


def test_login_before_verification_is_refused(client):
    user = UserFactory(email="unverified@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["unverified@example.org"], "[Outreach] Please Confirm Your Email Address")
    ]


def test_following_emailed_link_verifies_and_signs_in(client):
    sign_up(client)
    link = link_in(mail.outbox[0], "/accounts/confirm-email/")

    page = client.get(link)
    response = client.post(link)

    assert page.status_code == 200
    assert "new@example.org" in page.text
    assert response.status_code == 302
    assert response.url == "/"
    address = EmailAddress.objects.get(email="new@example.org")
    assert address.verified is True
    assert signed_in_user_id(client) == str(address.user_id)


def test_login_with_password_works_once_verified(client, verified_user):
    response = client.post(reverse("account_login"), {"login": "ada@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) == str(verified_user.pk)


def test_login_with_wrong_password_is_refused(client, verified_user):
    response = client.post(reverse("account_login"), {"login": "ada@example.org", "password": "not it"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]
    assert signed_in_user_id(client) is None


def test_login_by_emailed_code_works(client, verified_user):
    response = client.post(reverse("account_request_login_code"), {"email": "ada@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("account_confirm_login_code")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert mail.outbox[0].subject == "[Outreach] Sign-In Code"
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[0].body, re.MULTILINE).group(1)

    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) == str(verified_user.pk)


def test_login_by_code_with_wrong_code_is_refused(client, verified_user):
    client.post(reverse("account_request_login_code"), {"email": "ada@example.org"})

    response = client.post(reverse("account_confirm_login_code"), {"code": "AAAA-AAAA"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert signed_in_user_id(client) is None


def test_password_reset_sends_link_that_sets_a_new_password(client, verified_user):
    response = client.post(reverse("account_reset_password"), {"email": "ada@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert mail.outbox[0].subject == "[Outreach] Password Reset Email"

    # The emailed key moves into the session and the browser lands on a key-free URL.
    key_page = client.get(link_in(mail.outbox[0], "/accounts/password/reset/key/"))
    assert key_page.status_code == 302
    response = client.post(key_page.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")
    verified_user.refresh_from_db()
    assert verified_user.check_password(NEW_PASSWORD)


def test_password_reset_answers_the_same_for_an_unknown_address(client, verified_user):
    known = client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert client.get(unknown.url).text == client.get(known.url).text
    # The unknown address is told it has no account, rather than the page saying so.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ada@example.org"], "[Outreach] Password Reset Email"),
        (["nobody@example.org"], "[Outreach] Unknown Account"),
    ]


def test_signup_with_existing_email_does_not_leak_the_account(client, verified_user):
    response = sign_up(client, email="ada@example.org")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="ada@example.org").count() == 1
    assert signed_in_user_id(client) is None
    assert [(m.to, m.subject) for m in mail.outbox] == [(["ada@example.org"], "[Outreach] Account Already Exists")]
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_signup_with_existing_email_in_other_case_does_not_leak_the_account(client, verified_user):
    response = sign_up(client, email="ADA@Example.org")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["[Outreach] Account Already Exists"]


def test_email_change_adds_new_address_and_verifies_it(client, verified_user):
    client.force_login(verified_user)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "ada.new@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("account_email")
    assert list(
        EmailAddress.objects.filter(user=verified_user).order_by("email").values_list("email", "verified", "primary")
    ) == [("ada.new@example.org", False, False), ("ada@example.org", True, True)]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ada.new@example.org"], "[Outreach] Please Confirm Your Email Address")
    ]

    client.post(link_in(mail.outbox[0], "/accounts/confirm-email/"))

    verified_user.refresh_from_db()
    assert verified_user.email == "ada.new@example.org"
    assert list(EmailAddress.objects.filter(user=verified_user).values_list("email", "verified", "primary")) == [
        ("ada.new@example.org", True, True)
    ]
    # The old address is told, so a hijacked session cannot move the account silently.
    assert [(m.to, m.subject) for m in mail.outbox[1:]] == [(["ada@example.org"], "[Outreach] Email Changed")]


@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_request_login_code",
        "account_email_verification_sent",
    ],
)
def test_entrance_pages_render_in_site_layout(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert SKIP_LINK in response.text
    assert '<main id="main"' in response.text
    assert {"allauth/layouts/entrance.html", "base.html"} <= {t.name for t in response.templates}


@pytest.mark.parametrize("url_name", ["account_email", "account_change_password"])
def test_account_pages_render_in_site_layout(client, verified_user, url_name):
    client.force_login(verified_user)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert SKIP_LINK in response.text
    assert f'<a href="{reverse(url_name)}" aria-current="page">' in response.text


def test_signup_page_asks_for_display_name(client):
    response = client.get(reverse("account_signup"))

    assert list(response.context["form"].fields) == ["email", "display_name", "password1", "password2"]
    assert 'name="display_name"' in response.text
