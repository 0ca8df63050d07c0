"""
A changed password or primary email, or a staff deactivation, revokes the user's API tokens (issue 12, item 4).

Each flow runs as people run it: the token comes from POST /api/v1/auth/token/, the change goes
through allauth's pages or the admin's form, and the old token is then tried against /api/v1/me/.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from outreach import services
from outreach.models import User
from tests.factories import PASSWORD, UserFactory
from tests.test_admin import change_url, page_form

NEW_PASSWORD = "a brand new passphrase 42"
pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    user = UserFactory(email="ada@example.org", display_name="Ada")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def issue_token(email="ada@example.org", password=PASSWORD):
    response = APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def me_status(token):
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code


def link_in(message, path_prefix):
    match = re.search(rf"{re.escape(settings.SITE_URL)}({re.escape(path_prefix)}\S+)", message.body)
    assert match, f"no {path_prefix} link in:\n{message.body}"
    return match.group(1)


def test_password_change_revokes_api_tokens(client, ada):
    token = issue_token()
    assert me_status(token) == 200
    client.force_login(ada)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)
    assert me_status(token) == 401
    assert not Token.objects.filter(user=ada).exists()
    # A new token comes with the new password, and it is not the old one.
    new_token = issue_token(password=NEW_PASSWORD)
    assert new_token != token
    assert me_status(new_token) == 200


def test_password_reset_revokes_api_tokens(client, ada):
    token = issue_token()
    assert me_status(token) == 200

    client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    key_page = client.get(link_in(mail.outbox[0], "/accounts/password/reset/key/"))
    response = client.post(key_page.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)
    assert me_status(token) == 401
    assert not Token.objects.filter(user=ada).exists()


def test_password_set_revokes_api_tokens(client, ada):
    token = issue_token()
    assert me_status(token) == 200
    # An account left without a usable password (signing in by emailed code) sets a new one.
    ada.set_unusable_password()
    ada.save(update_fields=["password"])
    client.force_login(ada)

    response = client.post(reverse("account_set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)
    assert me_status(token) == 401
    assert not Token.objects.filter(user=ada).exists()


def test_email_change_revokes_api_tokens(client, ada):
    token = issue_token()
    assert me_status(token) == 200
    client.force_login(ada)

    # ACCOUNT_CHANGE_EMAIL: the added address becomes the primary one once its emailed link is followed.
    client.post(reverse("account_email"), {"action_add": "", "email": "ada.new@example.org"})
    assert me_status(token) == 200  # an unverified address changes nothing yet
    client.post(link_in(mail.outbox[0], "/accounts/confirm-email/"))

    ada.refresh_from_db()
    assert ada.email == "ada.new@example.org"
    assert list(EmailAddress.objects.filter(user=ada).values_list("email", "verified", "primary")) == [
        ("ada.new@example.org", True, True)
    ]
    assert me_status(token) == 401
    assert not Token.objects.filter(user=ada).exists()


def test_signup_verification_is_no_email_change(client):
    """allauth sends email_changed when a first address is verified too; an earlier token survives it."""
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "display_name": "Night Owl", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    user = User.objects.get(email="new@example.org")
    token = Token.objects.create(user=user)

    client.post(link_in(mail.outbox[0], "/accounts/confirm-email/"))

    assert EmailAddress.objects.get(user=user).verified
    assert me_status(token.key) == 200


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser(email="root@example.org", password="unused-here"))
    return client


def admin_post(client, user, **changes):
    """POST the admin's change form for `user` back as served, with `changes`; None unticks a checkbox."""
    data, _checkboxes = page_form(client.get(change_url(user)), User)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(change_url(user), data)


def test_admin_deactivation_revokes_api_tokens(superuser_client, ada):
    token = issue_token()
    assert me_status(token) == 200

    response = admin_post(superuser_client, ada, is_active=None)

    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.is_active is False
    assert not Token.objects.filter(user=ada).exists()
    assert me_status(token) == 401
    # Reactivating the account does not bring the old token back.
    admin_post(superuser_client, ada, is_active="on")
    ada.refresh_from_db()
    assert ada.is_active is True
    assert me_status(token) == 401


def test_admin_edit_that_keeps_the_account_active_keeps_api_tokens(superuser_client, ada):
    token = issue_token()

    response = admin_post(superuser_client, ada, display_name="Ada L.")

    assert response.status_code == 302
    ada.refresh_from_db()
    assert (ada.display_name, ada.is_active) == ("Ada L.", True)
    assert list(Token.objects.filter(user=ada).values_list("key", flat=True)) == [token]
    assert me_status(token) == 200


def test_profile_edit_keeps_api_tokens(client, ada):
    """Negative control: a change that touches no credential leaves the token working."""
    token = issue_token()
    client.force_login(ada)

    response = client.post(reverse("profile"), {"display_name": "Ada L.", "legal_name": "Ada Lovelace", "phone": ""})

    assert response.status_code == 302
    ada.refresh_from_db()
    assert (ada.display_name, ada.legal_name) == ("Ada L.", "Ada Lovelace")
    assert list(Token.objects.filter(user=ada).values_list("key", flat=True)) == [token]
    assert me_status(token) == 200


def test_api_tokens_revoke_deletes_only_the_users_tokens(ada):
    mine = Token.objects.create(user=ada)
    theirs = Token.objects.create(user=UserFactory(email="ben@example.org"))

    assert services.api_tokens_revoke(user=ada) == 1
    assert services.api_tokens_revoke(user=ada) == 0
    assert list(Token.objects.values_list("key", flat=True)) == [theirs.key]
    assert not Token.objects.filter(key=mine.key).exists()
