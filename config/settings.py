"""
Settings for Outreach, read from environment variables.

Every value has a default except SECRET_KEY and SITE_URL, which have development defaults only:
they are required when DEBUG is off. A malformed value stops the process at start-up with
ImproperlyConfigured instead of being silently replaced by a default. The README lists every variable.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    if name not in os.environ:
        return default
    value = os.environ[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    if name not in os.environ:
        return default
    raw = os.environ[name].strip()
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    if name not in os.environ:
        return default
    return [item.strip() for item in os.environ[name].split(",") if item.strip()]


def env_url(name: str, default: str, *, schemes: set[str]) -> str:
    value = os.environ.get(name, default).strip()
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(f"{name} must be a URL with scheme {' or '.join(sorted(schemes))}, got {value!r}.")
    return value


def env_choice(name: str, default: str, choices: set[str]) -> str:
    """One of `choices`, in any case; returned as spelled in `choices`."""
    value = os.environ.get(name, default).strip()
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(f"{name} must be one of {', '.join(sorted(choices))}, got {value!r}.")


_RATE_PERIODS = ("second", "minute", "hour", "day")


def env_rate(name: str, default: str) -> str:
    """A DRF throttle rate, "<n>/<second|minute|hour|day>" with n at least 1."""
    value = os.environ.get(name, default).strip().lower()
    count, _, period = value.partition("/")
    if not count.isdigit() or int(count) < 1 or period not in _RATE_PERIODS:
        raise ImproperlyConfigured(f"{name} must be a rate <n>/<{'|'.join(_RATE_PERIODS)}>, got {value!r}.")
    return f"{int(count)}/{period}"


# Core

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - explicit development default

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])
SITE_URL = env_url("SITE_URL", "http://localhost:8000" if DEBUG else "", schemes={"http", "https"}).rstrip("/")
if not SITE_URL:
    # Every email and feed links to it: a silent localhost default would ship broken links.
    raise ImproperlyConfigured("SITE_URL is required when DEBUG is off, e.g. SITE_URL=https://outreach.example.org.")
SITE_HTTPS = SITE_URL.startswith("https://")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    # Data apps (docs/architecture.md): models and the rules about them.
    "outreach",
    "notifications",
    "events",
    # Interface apps: pages, URLs and templates for one audience each.
    "web",
    "dashboard",
    "feeds",
    "api",
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite file by default; PostgreSQL (or any dj-database-url URL) through DATABASE_URL.

DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    schemes={"sqlite", "postgres", "postgresql", "pgsql"},
)
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 0, minimum=0)
SQLITE_LOCK_TIMEOUT = env_int("SQLITE_LOCK_TIMEOUT", 30, minimum=1)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction begins, so concurrent writers queue on
    # the timeout instead of failing with "database is locked" when a read upgrades to a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_LOCK_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not shared-cache memory: threads in concurrency tests need real SQLite locking.
    # One per process, so test runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"outreach-test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: in-process by default, Redis when REDIS_URL is set (shared by all app servers).

REDIS_URL = env_url("REDIS_URL", "", schemes={"redis", "rediss", "unix"})
# Redis is a cache and a rate-limit store, never worth a stalled request: connecting and each answer
# give up after REDIS_TIMEOUT_SECONDS, and after a failure Redis is left alone for REDIS_RETRY_SECONDS.
# Meanwhile reads miss and writes are dropped, except the rate limits' keys (allauth's "allauth:rl:",
# DRF's "throttle_"), whose requests answer 503 with Retry-After (outreach/cache.py; README).
REDIS_TIMEOUT_SECONDS = 0.5
REDIS_RETRY_SECONDS = 5
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "outreach.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
                "RETRY_SECONDS": REDIS_RETRY_SECONDS,
                "FAIL_CLOSED_PREFIXES": ["allauth:rl:", "throttle_"],
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Email: console by default, SMTP when EMAIL_HOST is set.

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Outreach <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Authentication (django-allauth): email login, mandatory verification, login by emailed code.

AUTH_USER_MODEL = "outreach.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "web.forms.SignupForm"}  # adds the public display name
ACCOUNT_ADAPTER = "web.account_adapter.AccountAdapter"  # its emails link to SITE_URL, not the request's Host
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the old address and the owner about email and password changes
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Outreach] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme

# Internationalization: all times are stored in UTC and shown in the event's own zone.

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static files, served by WhiteNoise.

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security headers that hold in every environment; HTTPS-only ones follow SITE_URL. The redirect to
# HTTPS is opt-in: the proxy in front usually does it, and behind one it needs TRUST_X_FORWARDED_PROTO
# (without it every request looks like plain HTTP and would redirect forever).

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SITE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", False) else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers often probe over plain HTTP
if SECURE_SSL_REDIRECT and not SITE_HTTPS:
    raise ImproperlyConfigured(f"SECURE_SSL_REDIRECT needs an https:// SITE_URL, got {SITE_URL!r}.")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SITE_HTTPS else 0, minimum=0)  # a year
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SITE_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)  # a promise to browsers, hard to take back

# Domain limits.

SITE_PAGE_SIZE = env_int("SITE_PAGE_SIZE", 20, minimum=1)  # events per page on the site's lists
FEED_PAST_DAYS = env_int("FEED_PAST_DAYS", 90, minimum=0)
FEED_FUTURE_DAYS = env_int("FEED_FUTURE_DAYS", 730, minimum=1)  # no feed reaches further ahead
FEED_MAX_AGE = env_int("FEED_MAX_AGE", 3600, minimum=0)  # Cache-Control; at most the feeds' REFRESH-INTERVAL
FEED_CACHE_SECONDS = env_int("FEED_CACHE_SECONDS", 86400, minimum=0)
# Feed bodies each app process keeps besides the shared cache, so a poll does not copy megabytes out of it.
FEED_LOCAL_CACHE_BYTES = env_int("FEED_LOCAL_CACHE_BYTES", 32 * 2**20, minimum=0)
SERIES_HORIZON_DAYS = env_int("SERIES_HORIZON_DAYS", 180, minimum=7)
SERIES_MAX_OCCURRENCES = env_int("SERIES_MAX_OCCURRENCES", 200, minimum=1)

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_feed_tokens": {"()": "config.log_filters.RedactFeedTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_feed_tokens"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own request loggers go through the same handler, so feed tokens never reach a log.
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# REST API. Rates are "<n>/<second|minute|hour|day>"; buckets live in the default cache (Redis when
# configured, so all app servers share them). NUM_PROXIES is how many trusted proxies append to
# X-Forwarded-For: the client address is read that many hops from the right, so a client cannot
# pick a fresh bucket by sending its own header. 0 means REMOTE_ADDR. allauth's rate limits (sign-in,
# sign-up, codes, password resets) read the client the same way, so one client behind the proxy never
# locks out everyone else.

API_PAGE_SIZE = env_int("API_PAGE_SIZE", 25, minimum=1)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100, minimum=1)
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1_000_000, minimum=1024)
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 32, minimum=2)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonReadThrottle", "api.throttling.ScopedThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon_read": env_rate("THROTTLE_ANON_READ", "600/minute"),
        "token": env_rate("THROTTLE_TOKEN", "10/minute"),
        "signup": env_rate("THROTTLE_SIGNUP", "30/minute"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # `format` is the event filter of the public contract (in_person, online, hybrid), not a renderer.
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Outreach API",
    "DESCRIPTION": "Chapters, events, shifts and signups of Outreach. Datetimes are ISO 8601 with an offset.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EventStatusEnum": "events.enums.EventStatus",
        "SignupStatusEnum": "events.enums.SignupStatus",
        "RoleEnum": "outreach.enums.Role",
    },
}

# Tasks and notifications. Messages are recorded in an outbox in the same transaction as the change
# that causes them, then delivered by a task (django-tasks, the backport of Django 6's django.tasks).
# TASKS_BACKEND=immediate runs tasks in the web process, right after the commit: nothing else to run.
# TASKS_BACKEND=database queues them in the database for `manage.py db_worker` processes.


def env_durations(name: str, default: str) -> list[int]:
    """Comma-separated durations such as "24h,2h,90m" as seconds, longest first."""
    raw = os.environ.get(name, default)
    units = {"d": 86400, "h": 3600, "m": 60}
    seconds = []
    for item in (part.strip().lower() for part in raw.split(",")):
        if not item:
            continue
        if item[-1:] not in units or not item[:-1].isdigit() or int(item[:-1]) == 0:
            raise ImproperlyConfigured(f"{name} must list durations such as 24h,2h,90m,1d; got {item!r} in {raw!r}.")
        seconds.append(int(item[:-1]) * units[item[-1]])
    return sorted(set(seconds), reverse=True)


TASKS_BACKEND = env_choice("TASKS_BACKEND", "immediate", {"immediate", "database"})
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    if TASKS_BACKEND == "immediate"
    else {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}
if TASKS_BACKEND == "database":
    INSTALLED_APPS.append("django_tasks_db")  # its table of queued tasks: run `migrate` after switching
REMINDER_OFFSETS = env_durations("REMINDER_OFFSETS", "24h,2h")
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60, minimum=1)
NOTIFICATION_SENDING_TIMEOUT = env_int("NOTIFICATION_SENDING_TIMEOUT", 900, minimum=60)
SIGNUP_LINK_MAX_AGE_DAYS = env_int("SIGNUP_LINK_MAX_AGE_DAYS", 14, minimum=1)
LEAD_DIGEST_HOUR = env_int("LEAD_DIGEST_HOUR", 7, minimum=0)
if LEAD_DIGEST_HOUR > 23:
    raise ImproperlyConfigured(f"LEAD_DIGEST_HOUR must be an hour of the day, 0 to 23, got {LEAD_DIGEST_HOUR}.")

# Shifts and check-in. A shift may start before and end after its event's public times by up to
# SHIFT_MARGIN (set-up and clear-up). The database's events_shift_within_event trigger allows at most
# SHIFT_MARGIN_MAX (events/migrations/0009_shift_margin_trigger.py): a larger margin needs a new
# migration first, so a larger value stops start-up. Check-in opens CHECK_IN_OPENS_MINUTES before a
# shift starts and stays open after it.

SHIFT_MARGIN_MAX = 24 * 3600  # seconds; fixed by the trigger, not read from the environment


def env_duration(name: str, default: str, *, maximum: int) -> int:
    """One duration such as "12h", "90m" or "1d" (as env_durations reads them), or "0", as seconds."""
    raw = os.environ.get(name, default).strip().lower()
    if raw == "0":
        return 0
    try:
        [seconds] = env_durations(name, default)
    except (ImproperlyConfigured, ValueError):
        raise ImproperlyConfigured(f"{name} must be one duration such as 12h, 90m or 1d, or 0; got {raw!r}.") from None
    if seconds > maximum:
        raise ImproperlyConfigured(f"{name} may be at most {maximum // 3600}h, got {raw!r}.")
    return seconds


SHIFT_MARGIN = env_duration("SHIFT_MARGIN", "12h", maximum=SHIFT_MARGIN_MAX)  # seconds
CHECK_IN_OPENS_MINUTES = env_int("CHECK_IN_OPENS_MINUTES", 60, minimum=0)
