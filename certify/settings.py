"""Settings for Certify, read from the environment.

With no environment at all the app runs embedded: DEBUG on, SQLite in WAL
mode under ./var, Celery tasks run eagerly in the request's process, a
file-based cache, console e-mail and media under ./var/media. Production sets
DEBUG=0 and a real SECRET_KEY, and points DATABASE_URL, CELERY_BROKER_URL and
CACHE_URL at PostgreSQL and Redis. `.env.example` documents every variable.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from redis.backoff import NoBackoff
from redis.retry import Retry

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name, default=""):
    # An empty value (NAME= in an env file) means "use the default".
    return os.environ.get(name) or default


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]


DEBUG = env_bool("DEBUG", True)

_DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a random string of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "certify",
    "scoring",
    "applications",
    "audits",
    "certificates",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the session, the user or a query parameter.
    "certify.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "certify.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff who have not verified their second factor reach only its page.
    "certify.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "certify.urls"
WSGI_APPLICATION = "certify.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "certify.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite by default. WAL lets readers proceed while one request
# writes; IMMEDIATE transactions take the write lock at BEGIN, so two requests
# that read-then-update the same row serialise instead of failing on upgrade.
_SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Health checks: a connection kept open across a PostgreSQL restart is
    # found dead and replaced before a request uses it, not after (a 500).
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _SQLITE_PATH,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env_str("CACHE_URL")
# Redis down or hung costs a request one short timeout, then the cache is
# skipped for REDIS_PAUSE_SECONDS (certify.redis_guard).
REDIS_CACHE = {
    "BACKEND": "certify.redis_guard.GuardedRedisCache",
    # redis-py would otherwise retry a timed-out command.
    "OPTIONS": {
        "socket_connect_timeout": 0.3,
        "socket_timeout": 0.5,
        "retry": Retry(NoBackoff(), 0),
    },
}
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis:// or rediss:// URL.")
    CACHES = {"default": {**REDIS_CACHE, "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

# After a Redis error or timeout, how long a process leaves that Redis alone.
REDIS_PAUSE_SECONDS = env_int("REDIS_PAUSE_SECONDS", 30)

# The REST API v1 (certify.api): JSON only, personal tokens or the session,
# errors as problem details.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "certify.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "certify.api.permissions.TokenScope",
    ],
    # Limits go through certify.ratelimit, which survives Redis down.
    "DEFAULT_THROTTLE_CLASSES": ["certify.api.throttling.RateLimit"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "certify.api.problems.problem_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Certify API",
    "DESCRIPTION": "REST API v1 of the after-sales service certification system.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # The documentation's files come from the app, never from another host.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"YesNoEnum": ["yes", "no"]},  # asked twice by the call-back form
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "certify.api.problems.problem_responses",
    ],
}

AUTH_USER_MODEL = "certify.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
EMAIL_VERIFICATION_MAX_AGE = 60 * 60 * 24 * 3
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)

# How many proxies in front append to X-Forwarded-For (certify.client.client_ip):
# 1 behind one TLS proxy, 0 when clients connect directly (the header is then
# ignored, as anyone can send it). RATE_LIMIT_TRUST_FORWARDED_FOR=1 is the
# older spelling of 1 and will go.
TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", 1 if env_bool("RATE_LIMIT_TRUST_FORWARDED_FOR", False) else 0
)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

# Registration, password reset and the verification link sent again, each
# per client address and per e-mail address; counted in the database.
ACCOUNT_RATE_LIMIT_PER_IP = env_str("ACCOUNT_RATE_LIMIT_PER_IP", "20/h")
ACCOUNT_RATE_LIMIT_PER_ADDRESS = env_str("ACCOUNT_RATE_LIMIT_PER_ADDRESS", "5/h")

# Public pages (verification, register, complaints): requests per client,
# "<count>/<s|m|h|d>" (a benchmark raises it).
PUBLIC_RATE_LIMIT = env_str("PUBLIC_RATE_LIMIT", "60/m")
# Webhooks: how long an attempt waits; whether receivers on private,
# loopback or link-local hosts (and plain http) are allowed.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_ALLOW_LOCAL = env_bool("WEBHOOK_ALLOW_LOCAL", False)
# The API per signed-in person (anonymous calls count as public pages).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/m")
# Complaints filed through the public form per client (only submissions count).
COMPLAINT_RATE_LIMIT = env_str("COMPLAINT_RATE_LIMIT", "5/h")

# Login throttling: django-axes keeps its records in the database, so the
# lockout holds across processes without a shared cache.
# Staff sign in with a second factor (certify.second_factor): decided here
# once; on unless DEBUG, off for a body whose single sign-on asks for one.
STAFF_OTP_REQUIRED = env_bool("STAFF_OTP_REQUIRED", not DEBUG)
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Certify")

AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "certify.client.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    # Files follow their transaction (certify.uploads.atomic).
    "default": {"BACKEND": "certify.uploads.TransactionFileStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without DEBUG, collectstatic fills STATIC_ROOT; with it, files come
# straight from the finders so a fresh clone needs no collect step.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploads live outside the web root and are never given a URL: every file is
# served by a view that checks access first (certify.uploads.serve_file).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = None
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Rows a customer list may have (blank rows count too).
CUSTOMER_LIST_MAX_ROWS = env_int("CUSTOMER_LIST_MAX_ROWS", 20000)
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: console unless an SMTP host is configured.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Certify <noreply@certify.invalid>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery: eager in-process without a broker, so the embedded default needs no
# server. Publishing uses short timeouts and no retries: the outbox
# (certify.outbox) keeps what could not be published for the sweep.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
# max_retries=0: kombu otherwise retries the connection of a publish for
# broker_connection_timeout, sleeping 2 s first, so a publish to a refused
# port took 2 s instead of a few milliseconds. A job a worker took but never
# acknowledged (the worker died) goes back to the queue after the visibility
# timeout, a little above the longest a job may run.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 0.3,
    "socket_timeout": 0.5,
    "max_retries": 0,
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Acknowledged once done, and back in the queue when the worker child running
# it is killed (the out-of-memory killer), so no job is lost with a worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The outbox (certify.outbox): attempts before a job is failed and listed for
# managers, and how long a job handed to the worker may take before the sweep
# hands it over again.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RUN_TIMEOUT = env_int("OUTBOX_RUN_TIMEOUT", 900)
# Retention in days (certify.housekeeping).
ACCOUNT_EMAIL_RETENTION_DAYS = env_int("ACCOUNT_EMAIL_RETENTION_DAYS", 30)
EMAIL_RETENTION_DAYS = env_int("EMAIL_RETENTION_DAYS", 365)
LOGIN_ATTEMPT_RETENTION_DAYS = env_int("LOGIN_ATTEMPT_RETENTION_DAYS", 90)
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 14)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "certify.tasks.outbox_sweep", "schedule": 60.0},
    "audits-withdrawn-cases": {
        "task": "audits.tasks.audits_cancel_withdrawn",
        "schedule": 300.0,
    },
    "case-deadlines": {
        "task": "applications.tasks.case_deadlines",
        "schedule": crontab(hour=8, minute=0),
    },
    "nonconformity-reminders": {
        "task": "audits.tasks.nonconformity_reminders",
        "schedule": crontab(hour=8, minute=10),
    },
    # Expiry just after midnight, on the first day after the validity; the
    # reminders and notices in working hours.
    "certificates-expire": {
        "task": "certificates.tasks.certificates_expire",
        "schedule": crontab(hour=0, minute=5),
    },
    "certificates-daily": {
        "task": "certificates.tasks.certificates_daily",
        "schedule": crontab(hour=8, minute=20),
    },
    "housekeeping": {
        "task": "certify.tasks.housekeeping",
        "schedule": crontab(hour=3, minute=30),
    },
}

# The admin is read-only: its history pages show versions, never restore one.
SIMPLE_HISTORY_REVERT_DISABLED = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security. HTTPS is on in production unless HTTPS=0 (behind a proxy that
# terminates TLS and redirects itself, or a loopback benchmark).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Health probes from the orchestrator speak plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?/?$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

SILENCED_SYSTEM_CHECKS = [
    # HSTS preload commits every subdomain of the operator's domain to HTTPS
    # for browsers' built-in lists; that is the operator's decision
    # (HSTS_PRELOAD=1), not something the app can assume.
    "security.W021",
    # SQLite (the embedded default) builds the register's covering indexes
    # without their extra columns; PostgreSQL, the production database,
    # reads the page's keys from them alone.
    "models.W040",
]

# No inline scripts or styles anywhere: every script and stylesheet is a
# static file served by the app itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Its start-up banner would otherwise precede every command's output.
        "axes": {"level": "WARNING"},
        # One line per task run drowns the console in eager mode.
        "celery.app.trace": {"level": "WARNING"},
        # Seven progress lines per PDF; its warnings (a missing font) stay.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
