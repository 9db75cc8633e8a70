"""One settings module, driven by environment variables.

`DJANGO_ENV=production` turns on the production defaults (no DEBUG, secure cookies, a required
SECRET_KEY); anything else is development. Each helper fails loudly on a value it cannot read,
so that a typo in the environment stops the app instead of silently changing its behaviour.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django_htmx",
    "template_partials",
    "debate.audit",
    "debate.debates",
    "debate.sources",
    "debate.arguments",
    "debate.moderation",
    "debate.activity",
    "debate.snapshots",
    "debate.people",
    "debate.grading",
    "debate.comments",
    "debate.groups",
    "debate.accounts",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the session and LocaleMiddleware: a signed-in person's stored language wins.
    "debate.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The request's address, for the rate limits counted in services (debate.ratelimit),
    # and the Retry-After of every 429.
    "debate.middleware.RateLimitMiddleware",
    "debate.middleware.CleanInputMiddleware",
    "debate.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Both refuse a locked-out attempt before ModelBackend hashes any password.
    "debate.ratelimit.AddressLoginBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "debate.urls"
WSGI_APPLICATION = "debate.wsgi.application"
ASGI_APPLICATION = "debate.asgi.application"

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
                "debate.context_processors.vote_levels",
                "debate.context_processors.unread_notices",
                "debate.context_processors.review_waiting",
                "debate.context_processors.return_to",
                "debate.context_processors.interface_languages",
            ],
        },
    },
]

# Without DATABASE_URL an SQLite file is the embedded default; PostgreSQL is the real database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# On PostgreSQL a request waits at most DB_CONNECT_TIMEOUT seconds for a connection, and the
# server cancels any statement that runs past DB_STATEMENT_TIMEOUT_MS, so that one runaway
# query cannot hold a worker and its locks (debate.middleware answers such requests with a
# 503). 0 turns either off. Values given in DATABASE_URL's query string win.
# The connect timeout stays under 5 s so that a database that accepts connections but never
# answers still gets every request its 503 within 5 s.
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 3)
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 15_000)
for _name, _value in (("DB_CONNECT_TIMEOUT", DB_CONNECT_TIMEOUT),
                      ("DB_STATEMENT_TIMEOUT_MS", DB_STATEMENT_TIMEOUT_MS)):  # fmt: skip
    if _value < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 or more, not {_value}")
if DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis")):
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    if "statement_timeout" not in _db_options.get("options", ""):
        _timeout = f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
        _db_options["options"] = " ".join(filter(None, [_db_options.get("options"), _timeout]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# E-mail (password reset links). Without configuration messages go to the console (stdout),
# which is what development wants; production sets EMAIL_URL, or EMAIL_HOST and its
# companions, to send through SMTP. Tests use the in-memory outbox (pytest-django).
_EMAIL_SCHEMES = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def email_from_url(url: str) -> dict:
    """EMAIL_* settings from `smtp+tls://user:password@host:587` (user and password
    percent-encoded; schemes smtp, smtp+tls, smtp+ssl, console, locmem, dummy)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme not in _EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with one of {', '.join(_EMAIL_SCHEMES)}://, not {url[:20]!r}"
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number") from exc
    tls, ssl = parts.scheme == "smtp+tls", parts.scheme == "smtp+ssl"
    return {
        "EMAIL_BACKEND": _EMAIL_SCHEMES[parts.scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port or (587 if tls else 465 if ssl else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
    }


if env_str("EMAIL_URL"):
    globals().update(email_from_url(env_str("EMAIL_URL")))
elif env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# An SMTP server that does not answer must not hold a worker for long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Debates <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 3600)  # seconds a link works

# The interface in English or Ukrainian (debate/locale/). What people write is never
# translated. A visitor's language comes from the switcher's cookie or Accept-Language; a
# signed-in person's choice is stored (accounts.LanguagePreference) and wins after login.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("uk", "Українська")]
LOCALE_PATHS = [BASE_DIR / "debate" / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

SEEDS_DIR = BASE_DIR / "seeds"

# Sources may be pasted up to 2,000,000 characters (up to 4 bytes each in UTF-8); larger
# requests are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 9_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# A shared cache (Redis) holds rate limits and throttles across app-server processes; without
# REDIS_URL each process counts on its own, which is fine for one process in development.
# Redis is a cache, not a single point of failure: short socket timeouts bound what an
# unreachable Redis costs a request, and when it fails the limits count per process
# (debate.ratelimit.FallbackCache) and the maps are built afresh (debate.mapview.cache).
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.5,  # seconds
            "SOCKET_TIMEOUT": 1.0,
        },
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Brute-force protection on login: a username from one address is locked out after
# AXES_FAILURE_LIMIT failures, and the address itself after LOGIN_FAILURES_PER_ADDRESS
# failures whatever the usernames (debate.ratelimit.AddressLoginBackend: spraying usernames),
# for AXES_COOLOFF_MINUTES. Attempts live in the database, so every app-server process sees
# them. The address limit is higher: a classroom behind NAT shares one address.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)
if AXES_IPWARE_PROXY_COUNT:
    # Behind trusted proxies the client's address is in X-Forwarded-For; never trust it
    # otherwise, or anyone could forge one to dodge the lockout.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Rate limits on every write people can repeat (debate.ratelimit.check_rate, called by the
# services): per signed-in user and minute, and per client address at RATE_LIMIT_ADDRESS_FACTOR
# times that (a classroom behind NAT shares one address). Sign-ups and password resets are
# counted per address only, per hour; password resets also per account. 0 turns one off.
RATE_LIMITS = {
    "claim": env_int("RATE_LIMIT_CLAIMS", 20),  # new claims and rebuttals
    "edit": env_int("RATE_LIMIT_EDITS", 30),  # claim edits, moves, withdrawals
    "vote": env_int("RATE_LIMIT_VOTES", 120),  # votes cast or withdrawn
    "flag": env_int("RATE_LIMIT_FLAGS", 10),
    "cite": env_int("RATE_LIMIT_CITATIONS", 30),
    "evidence": env_int("RATE_LIMIT_EVIDENCE", 20),  # proposals, counted before the search
    "poll": env_int("RATE_LIMIT_POLLS", 10),  # poll answers
    "review": env_int("RATE_LIMIT_REVIEWS", 120),  # moderators' reviews, hides, merges, flags
    "join": env_int("RATE_LIMIT_JOINS", 10),  # joining a team, observing
    "token": env_int("RATE_LIMIT_TOKENS", 10),  # API tokens created
    "manage": env_int("RATE_LIMIT_MANAGE", 60),  # set-up writes: debates, teams, sources, ...
    "comment": env_int("RATE_LIMIT_COMMENTS", 20),  # comments on claims: added or edited
    "signup": env_int("RATE_LIMIT_SIGNUPS", 30),  # per address and hour
    "password_reset": env_int("RATE_LIMIT_PASSWORD_RESETS", 10),  # per address and hour
    "password_reset_account": env_int("RATE_LIMIT_PASSWORD_RESETS_ACCOUNT", 3),  # per account
}
RATE_LIMIT_WINDOWS = {"signup": 3600, "password_reset": 3600, "password_reset_account": 3600}
RATE_LIMIT_ADDRESS_FACTOR = env_int("RATE_LIMIT_ADDRESS_FACTOR", 10)
for _action, _limit in RATE_LIMITS.items():
    if _limit < 0:
        raise ImproperlyConfigured(f"The rate limit of {_action} must be 0 or more, not {_limit}")
if RATE_LIMIT_ADDRESS_FACTOR < 1:
    raise ImproperlyConfigured("RATE_LIMIT_ADDRESS_FACTOR must be 1 or more")
# Anonymous reads that build a whole large map (the full page, API snapshots), per client
# address and minute (debate.ratelimit.heavy_read); 0 turns the limit off.
HEAVY_READS_PER_MINUTE = env_int("HEAVY_READS_PER_MINUTE", 30)
# How long the author of a comment on a claim may still edit its text (debate/comments).
COMMENT_EDIT_MINUTES = env_int("COMMENT_EDIT_MINUTES", 10)

# A strict Content-Security-Policy: no inline script or style, no eval. htmx is configured
# for it (see the htmx-config meta tag in templates/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx reads nothing from it; the token travels in hx-headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "debate.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["debate.api.errors.SafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 100),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "debate.api.errors.api_exception_handler",
    # DRF's scoped throttle, counting through debate.ratelimit's fallback when Redis is down.
    "DEFAULT_THROTTLE_CLASSES": ["debate.ratelimit.WriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {"writes": env_str("API_WRITE_RATE", "120/minute")},
    # `format` selects the snapshot's format (json, aif, argdown), not a DRF renderer.
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Argument maps API",
    "DESCRIPTION": "Debates, their argument maps, evidence and snapshots (JSON, AIF, Argdown).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_SPLIT_PATCH": False,  # a claim edit needs its text: PATCH is not "any subset"
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
