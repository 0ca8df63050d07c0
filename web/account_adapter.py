"""
allauth's emails link to SITE_URL, whatever Host header the request came with: a reset link built from
a forged or alias Host would send a person's reset key to another site (docs/architecture.md, "One rule,
one place": an absolute URL comes from outreach.links.absolute_url).
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from outreach.links import absolute_url


def on_site(url: str) -> str:
    """An absolute http(s) `url` moved onto SITE_URL, path and query kept; anything else as it is."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return url
    return absolute_url(parts._replace(scheme="", netloc="").geturl())


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Every allauth email passes here; its links (password_reset_url, activate_url, signup_url, ...)
        # were built from the request, and current_site, shown in the footer, would be the request's Host.
        links = {
            name: on_site(value) for name, value in context.items() if name.endswith("_url") and isinstance(value, str)
        }
        site = SimpleNamespace(domain=urlsplit(settings.SITE_URL).netloc, name="Outreach")
        super().send_mail(template_prefix, email, {**context, **links, "current_site": site})

    def get_client_ip(self, request) -> str:
        # allauth raises ImproperlyConfigured (a 500) when X-Forwarded-For names fewer hops than
        # NUM_PROXIES: such a request did not come through every proxy, so its rate limits are keyed
        # on the address that reached us, never on an address the client wrote.
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            return request.META["REMOTE_ADDR"]
