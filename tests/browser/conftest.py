"""
Fixtures of the browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's own browser downloads are never used (`playwright install` fetches a build from outside
the package registries): the tests launch the system's /usr/bin/chromium (Debian: apt-get install
chromium). They run only with OUTREACH_BROWSER_TESTS=1 (`make test-browser`); see the root conftest.py.

Screenshots go to artifacts/screenshots/, axe-core's full findings to artifacts/axe/.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("OUTREACH_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE_REPORTS = ROOT / "artifacts" / "axe"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked as running in this thread while it is
    # started, and Django refuses ORM calls (factories, the database flush) under a running loop.
    # The tests are synchronous: the loop only carries Playwright's messages.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def _static_files_for_live_server():
    """
    The live server builds its middleware once, when it starts, before the per-test settings of the
    root conftest.py apply: WhiteNoise must find static files in the source folders from the start.
    """
    from django.test.utils import override_settings

    storages = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(WHITENOISE_AUTOREFRESH=True, WHITENOISE_USE_FINDERS=True, STORAGES=storages):
        yield


@pytest.fixture(scope="session")
def live_server(_static_files_for_live_server, live_server):
    return live_server


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    try:
        yield page
    finally:
        page.close()


@pytest.fixture(autouse=True)
def _plain_http_live_server(settings, live_server):
    """
    The live server speaks plain HTTP on localhost, while the test settings say https://outreach.test:
    cookies must not be secure-only and emailed links must point at the live server.
    """
    settings.SITE_URL = live_server.url
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"


@pytest.fixture
def log_in(context, live_server):
    """Sign a user in by handing the browser a session made by Django's test client (their email verified)."""

    def log_in(user):
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in


def screenshot(page, name: str, *, both: bool = True) -> None:
    """Save the page as artifacts/screenshots/<name>-desktop.png and, with `both`, <name>-phone.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or DESKTOP
    sizes = {"phone": PHONE, "desktop": DESKTOP} if both else {"desktop": DESKTOP}
    try:
        for label, viewport in sizes.items():
            page.set_viewport_size(viewport)
            page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
    finally:
        page.set_viewport_size(size)


def axe_violations(page, name: str) -> list[dict]:
    """Run axe-core on the page; keep its findings in artifacts/axe/<name>.json and return the violations."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` (make test-browser does).")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    (AXE_REPORTS / f"{name}.json").write_text(json.dumps(results["violations"], indent=2))
    return results["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"        {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page, name: str) -> None:
    """No axe-core violation of impact serious or critical on the page as it is now."""
    blocking = [v for v in axe_violations(page, name) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core found serious or critical violations on {page.url}:\n" + describe_violations(
        blocking
    )


def emailed_link(to: str, pattern: str = r"https?://\S+/accounts/confirm-email/\S+") -> str:
    """The path of the first link matching `pattern` in the last email to `to` (from mail.outbox)."""
    messages = [message for message in mail.outbox if to in message.to]
    assert messages, f"no email to {to}; outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    match = re.search(pattern, messages[-1].body)
    assert match, f"no link like {pattern} in:\n{messages[-1].body}"
    url = urlsplit(match[0].rstrip(".,)>"))
    return url.path + (f"?{url.query}" if url.query else "")
