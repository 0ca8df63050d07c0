"""
allauth's emails link to SITE_URL, not to the Host the request came with (issue 12, item 12): a reset
requested through another allowed name of the site still sends a link to the public address.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

ALIAS = "alias.outreach.example"
LINK = re.compile(r"https?://[^\s/]+/\S*")


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.SITE_URL = "https://outreach.test"
    settings.ALLOWED_HOSTS = ["outreach.test", ALIAS]


@pytest.fixture
def ada(db):
    user = UserFactory(email="ada@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_password_reset_link_names_site_url_whatever_the_host(client, ada):
    response = client.post(reverse("account_reset_password"), {"email": "ada@example.org"}, HTTP_HOST=ALIAS)

    assert response.status_code == 302
    [message] = mail.outbox
    [link] = LINK.findall(message.body)
    assert link.startswith("https://outreach.test/accounts/password/reset/key/")
    assert ALIAS not in message.body
    assert message.body.rstrip().endswith("Thank you for your work with Outreach.\noutreach.test")
    # The link works: its key moves into the session and the browser lands on the form.
    key_page = client.get(link.removeprefix("https://outreach.test"), HTTP_HOST="outreach.test")
    assert (key_page.status_code, key_page.url) == (
        302,
        f"/accounts/password/reset/key/{user_pk_to_url_str(ada)}-set-password/",
    )


def test_unknown_address_gets_links_to_site_url_too(client, db):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"}, HTTP_HOST=ALIAS)

    [message] = mail.outbox
    assert message.to == ["nobody@example.org"]
    assert LINK.findall(message.body) == ["https://outreach.test/accounts/signup/"]
    assert ALIAS not in message.body
