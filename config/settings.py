"""ClaimLedger settings: one module, every deployment knob read from the environment.

Unset variables give a local development setup that runs with no server:
SQLite in the project folder, debug on. Production sets DATABASE_URL,
DJANGO_DEBUG=false, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected true or false")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected an integer") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "true")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
    # Development only: a fixed key so sessions survive restarts of runserver.
    SECRET_KEY = "django-insecure-claimledger-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    # Login throttling: failed sign-ins lock the username and the address (see AXES_* below).
    "axes",
    "csp",
    "faq",
    "sources",
    "claims",
    "people",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's session, authentication and message middleware, for the admin's requests only:
    # the public pages use none of them (config/middleware.py).
    "config.middleware.StaffSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Django's own, unwrapped: its deployment check asks for this exact class, and it costs little.
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.middleware.StaffAuthenticationMiddleware",
    "config.middleware.StaffMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records request.user on history rows (who changed what).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username or address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"

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

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# DATABASE_URL unset: a SQLite file in the project folder, so a fresh checkout
# runs with no server. postgres://user@host:port/name selects PostgreSQL (psycopg 3).
# An empty DATABASE_URL counts as unset.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "0"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails a request (the site's 500 page, /readyz 503) within
    # seconds instead of hanging a worker for the operating system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", "5")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The staleness an operator accepts: a shared cache (a CDN) may serve a public page
# this many seconds old (`s-maxage`). Browsers always revalidate (`max-age=0`).
PUBLIC_CACHE_SECONDS = envint("CLAIMLEDGER_PUBLIC_CACHE_SECONDS", "60")

# Rendered public pages are kept per worker, keyed by the data's version (config/public.py),
# so a write is seen on the very next request. Off: every request renders (the benchmark's "cold").
PUBLIC_PAGE_CACHE = envbool("CLAIMLEDGER_PAGE_CACHE", "true")
PUBLIC_PAGE_CACHE_ALIAS = "pages"
PUBLIC_PAGE_CACHE_MAX_BYTES = 512 * 1024
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Local memory: measured faster than a round trip to Redis, and a stale entry is never
    # read because the key carries the data version. Old versions age out (LRU).
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "claimledger-pages",
        "TIMEOUT": envint("CLAIMLEDGER_PAGE_CACHE_SECONDS", "3600"),
        "OPTIONS": {"MAX_ENTRIES": envint("CLAIMLEDGER_PAGE_CACHE_ENTRIES", "2000")},
    },
}

# The organisation that publishes verdicts: schema.org ClaimReview's author, and
# the byline of a verdict whose reviewer has set no public name.
ORG_NAME = os.environ.get("CLAIMLEDGER_ORG_NAME", "ClaimLedger")
CLAIMREVIEW_AUTHOR = {
    "@type": "Organization",
    "name": ORG_NAME,
    "url": os.environ.get("CLAIMLEDGER_ORG_URL", "https://claimledger.example.org/"),
}

# The largest FAQ file the importer accepts.
FAQ_MAX_BYTES = 2 * 1024 * 1024
# The largest HTML page (fetched or uploaded) the importer accepts: a page's
# markup is several times its text.
FAQ_MAX_PAGE_BYTES = 5 * 1024 * 1024
# Seconds to wait for a page's server to connect or send more data; the whole
# download must end within FAQ_FETCH_DEADLINE seconds.
FAQ_FETCH_TIMEOUT = 10
FAQ_FETCH_DEADLINE = 60
# Fetch pages on private, loopback and link-local addresses too (an intranet's
# FAQ). Off: an editor's URL must not make the server read its own network.
FAQ_FETCH_ALLOW_PRIVATE = envbool("CLAIMLEDGER_FETCH_ALLOW_PRIVATE", "false")
# The admin's import preview carries the page it read forward to the
# confirmation (base64, signed), so a form may be a third larger than
# FAQ_MAX_PAGE_BYTES. Only the admin accepts POST at all.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024

# Login throttling (django-axes). Each failure counts against the username and,
# separately, against the client address; at the limit either one is refused
# (even with the right password) until the cool-off passes or an admin deletes
# the "access attempts" row in the admin. The address is REMOTE_ADDR: behind a
# proxy, have the proxy pass the client address (see docs/operations.md).
AXES_FAILURE_LIMIT = envint("CLAIMLEDGER_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("CLAIMLEDGER_LOGIN_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_VERBOSE = False

# Content-Security-Policy (django-csp 4's dict API): only our own scripts,
# stylesheets and images; no inline script or style anywhere, no framing, forms
# post only to this site. JSON-LD data blocks are not scripts and need nothing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    },
}

# Permissions-Policy (django-permissions-policy): the site uses no device or
# payment feature, so every one is switched off for it and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone",
        "midi", "payment", "picture-in-picture", "publickey-credentials-get",
        "screen-wake-lock", "usb", "xr-spatial-tracking",
    )
}

# dumpdata/loaddata keep timestamps to the microsecond (Django's own JSON
# serializer cuts them to milliseconds): see config/serializers.py.
SERIALIZATION_MODULES = {"json": "config.serializers"}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", "true")
    SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
