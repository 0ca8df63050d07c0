"""
The OpenAPI schema at /api/v1/schema/ is the API's contract: it documents every route and the
errors they answer, and the API keeps to it. Schemathesis generates requests from the schema and
sends them to the app in process (WSGI) as a chapter lead: no 5xx, and every answer is documented.

Each operation is its own test, listed from the URL conf rather than from the schema, so a route
the schema forgets fails too. Schemathesis' own pytest integration (`from_fixture`) is not used:
its lazy loader sets `Node._nodeid`, which pytest 9 no longer has.
"""

import datetime as dt
import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import URLResolver
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import urls as api_urls
from events.enums import EventStatus
from tests.factories import CampaignFactory, EventFactory, PartnerFactory, ShiftFactory, SignupFactory, UserFactory

SEED = 20270314
MAX_EXAMPLES = 25  # per operation; about half aim at objects that exist
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
HTTP_METHODS = {"get", "put", "patch", "post", "delete"}
NOT_DOCUMENTED = {"/api/v1/schema/", "/api/v1/docs/", "/api/v1/"}  # the documentation itself, DRF's root view


def _route_path(pattern: str) -> str:
    """An OpenAPI-style path from a URL pattern, parameters written `{}` whatever their name."""
    path = pattern.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "{}", path)
    return re.sub(r"<(?:\w+:)?\w+>", "{}", path)


def _routes(patterns, prefix):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
            continue
        raw = str(pattern.pattern)
        if re.search(r"\(\?P<format>|<(\w+:)?format>", raw):
            continue  # DRF's format suffixes: URL_FORMAT_OVERRIDE is off and `format` is a filter here
        path = _route_path(prefix + raw)
        if path in NOT_DOCUMENTED:
            continue
        view = pattern.callback
        actions = getattr(view, "actions", None)
        if actions is not None:
            methods = set(actions)
        else:
            methods = {m for m in view.cls.http_method_names if m in HTTP_METHODS and hasattr(view.cls, m)}
        for method in sorted(methods & HTTP_METHODS):
            yield method, path


ROUTES = sorted(set(_routes(api_urls.urlpatterns, "/api/v1/")), key=lambda route: (route[1], route[0]))


def normalized(path: str) -> str:
    return re.sub(r"\{\w+\}", "{}", path)


@pytest.fixture
def objects(settings, chapter, lead, other_chapter):
    """A few of everything, so that half the generated requests reach objects that exist."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' WSGI client's Host
    # 429 is documented where it happens, but the real rates would make it most of what is seen here.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon_read": "100000/minute", "token": "100000/minute", "signup": "100000/minute"},
    }
    start = dt.datetime(2027, 5, 1, 18, tzinfo=dt.UTC)
    event = EventFactory(chapter=chapter, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    event.partners.add(PartnerFactory(chapter=chapter))
    EventFactory(chapter=chapter, status=EventStatus.DRAFT, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    shift = ShiftFactory(event=event, capacity=2)
    SignupFactory(shift=shift, user=UserFactory())
    signup = SignupFactory(shift=shift, user=lead)
    campaign = CampaignFactory()
    member = lead.memberships.get()
    return {
        "token": Token.objects.create(user=lead).key,
        "by_path": {
            "/api/v1/events/{}/": {"id": event.pk},
            "/api/v1/shifts/{}/": {"id": shift.pk},
            "/api/v1/signups/{}/": {"id": signup.pk},
            "/api/v1/chapters/{}/": {"slug": chapter.slug, "chapter_slug": chapter.slug},
            "/api/v1/campaigns/{}/": {"slug": campaign.slug},
            "/api/v1/events/{}/shifts/": {"event_pk": event.pk},
            "/api/v1/chapters/{}/members/{}/": {"chapter_slug": chapter.slug, "id": member.pk},
        },
    }


@pytest.fixture
def app():
    """The WSGI app, called in the test's transaction: as Django's test client does, requests must not close it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(app, objects):
    config = schemathesis.Config.from_dict({"seed": SEED, "generation": {"database": "none"}})
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", app, config=config)


def existing_objects(objects, path):
    """Path parameters naming real objects, for the longest known prefix of `path`."""
    matches = [prefix for prefix in objects["by_path"] if normalized(path).startswith(prefix)]
    return objects["by_path"][max(matches, key=len)] if matches else {}


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m.upper()} {p}" for m, p in ROUTES])
def test_api_keeps_to_its_schema(api_schema, objects, method, path):
    documented = {normalized(p): p for p in api_schema.raw_schema["paths"]}
    assert path in documented, f"{path} is routed but not in the schema"
    operation = api_schema[documented[path]][method.upper()]
    known = {
        name: value
        for name, value in existing_objects(objects, path).items()
        if name in {parameter.name for parameter in operation.path_parameters}
    }
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known),
    )

    @seed(SEED)
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=cases)
    def keeps_to_schema(case):
        case.call_and_validate(headers={"Authorization": f"Token {objects['token']}"}, checks=CHECKS)

    keeps_to_schema()


# The error answers each operation must document, by the rules of docs/product.md.
PUBLIC_READS = {
    ("get", "/api/v1/events/"),
    ("get", "/api/v1/events/{}/"),
    ("get", "/api/v1/events/{}/shifts/"),
    ("get", "/api/v1/shifts/{}/"),
    ("get", "/api/v1/chapters/"),
    ("get", "/api/v1/chapters/{}/"),
    ("get", "/api/v1/campaigns/"),
    ("get", "/api/v1/campaigns/{}/"),
}
PAGINATED = {
    "/api/v1/events/",
    "/api/v1/chapters/",
    "/api/v1/campaigns/",
    "/api/v1/me/signups/",
    "/api/v1/chapters/{}/members/",
}
REFUSED_WHEN_VISIBLE = {  # 403: the caller sees the object or collection, but may not do this to it
    ("post", "/api/v1/chapters/"),
    ("put", "/api/v1/chapters/{}/"),
    ("patch", "/api/v1/chapters/{}/"),
    ("post", "/api/v1/campaigns/"),
    ("put", "/api/v1/campaigns/{}/"),
    ("patch", "/api/v1/campaigns/{}/"),
    ("post", "/api/v1/events/"),
    ("get", "/api/v1/chapters/{}/members/"),
    ("post", "/api/v1/chapters/{}/members/"),
    ("patch", "/api/v1/chapters/{}/members/{}/"),
    ("delete", "/api/v1/chapters/{}/members/{}/"),
    ("post", "/api/v1/signups/{}/check-in/"),
}
CONFLICTS = {("post", "/api/v1/shifts/{}/signups/")}
SCOPED_THROTTLES = {("post", "/api/v1/auth/token/"), ("post", "/api/v1/shifts/{}/signups/")}


def expected_errors(method, path, operation):
    codes = set()
    if "requestBody" in operation or (method, path) == ("get", "/api/v1/events/"):
        codes.add("400")
    if (method, path) not in PUBLIC_READS and path != "/api/v1/auth/token/":
        codes.add("401")  # the API denies by default
    if (method, path) in REFUSED_WHEN_VISIBLE:
        codes.add("403")
    if "{}" in path or (method == "get" and path in PAGINATED):
        codes.add("404")  # an id outside one's scope, or a page past the end
    if (method, path) in CONFLICTS:
        codes.add("409")
    if (method, path) in PUBLIC_READS | SCOPED_THROTTLES:
        codes.add("429")  # anonymous reads and the scoped throttles
    return codes


@pytest.fixture
def openapi(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_schema_documents_every_route_and_only_those(openapi):
    documented = {
        (method, normalized(path))
        for path, operations in openapi["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }

    assert documented == set(ROUTES)


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m.upper()} {p}" for m, p in ROUTES])
def test_schema_documents_the_errors_an_operation_answers(openapi, method, path):
    by_route = {normalized(p): operations for p, operations in openapi["paths"].items()}
    operation = by_route[path][method]

    missing = expected_errors(method, path, operation) - set(operation["responses"])

    assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"


def test_docs_page_serves_its_assets_itself(client, db, settings):
    static = "/" + settings.STATIC_URL.strip("/") + "/"

    response = client.get("/api/v1/docs/")

    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert response.status_code == 200
    assert len(assets) >= 3  # icon, stylesheet, scripts
    assert [url for url in assets if not url.startswith(static)] == []
    assert [url for url in assets if not finders.find(url.removeprefix(static))] == []
    assert not re.search(r"https?://|cdn|unpkg|jsdelivr", html, re.IGNORECASE)
