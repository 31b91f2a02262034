"""Liftoff settings: one module, driven by the environment.

With no environment set, Liftoff runs on embedded defaults (SQLite, a filesystem Celery broker) so
`make run` needs no server. Production sets DJANGO_DEBUG=0 plus the variables `env_required` asks
for; `manage.py check --deploy` is then clean.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LIFTOFF_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, not {raw!r}.")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = envbool("DJANGO_DEBUG", True)


def env_required(name: str, dev_default: str) -> str:
    """Production must set it; development gets a harmless default."""
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG=0.")


SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY", "dev-only-not-secret-liftoff-key-change-me-0123456789abcdefghijkl"
)
# The audit trail's hash chain is keyed by this secret (HMAC): someone who can write to the
# database but does not hold it cannot re-hash history. It lives in the environment, never in the
# database. Chain heads are appended to LIFTOFF_AUDIT_CHECKPOINTS (outside the database) every
# LIFTOFF_AUDIT_CHECKPOINT_EVERY seconds by beat; `manage.py verify_audit` checks both.
LIFTOFF_AUDIT_KEY = env_required("LIFTOFF_AUDIT_KEY", "dev-only-audit-key-not-secret-change-me")
LIFTOFF_AUDIT_CHECKPOINTS = Path(
    os.environ.get("LIFTOFF_AUDIT_CHECKPOINTS", VAR_DIR / "audit-checkpoints.log")
)
LIFTOFF_AUDIT_CHECKPOINT_EVERY = envint("LIFTOFF_AUDIT_CHECKPOINT_EVERY", 60)
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "wizard",
    "audits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wizard.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Login throttling: five failures for one username from one address lock that pair for 15
# minutes; twenty failures from one address, whatever the usernames, lock the address
# (wizard/throttling.py). Behind proxies, DJANGO_PROXY_COUNT says how many append to
# X-Forwarded-For, so the client's own address is counted rather than the proxy's.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LIFTOFF_PROXY_COUNT = envint("DJANGO_PROXY_COUNT", 0)
LIFTOFF_LOGIN_ADDRESS_FAILURE_LIMIT = envint("LIFTOFF_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_HANDLER = "wizard.throttling.AddressThrottlingHandler"
AXES_CLIENT_IP_CALLABLE = "wizard.throttling.client_address"
AXES_FAILURE_LIMIT = envint("LIFTOFF_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

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
                "wizard.context_processors.membership",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

if not os.environ.get("DATABASE_URL") or not (
    os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
):
    # The embedded defaults (SQLite file, filesystem broker) live under var/.
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves the web process and the worker's children at once: take the
    # write lock when a transaction starts (no "database is locked" when a read turns into a
    # write), wait for it rather than fail, and let readers go on while one writes (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live under MEDIA_ROOT and are never served by URL: only views that check access read them.
MEDIA_ROOT = Path(os.environ.get("LIFTOFF_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("LIFTOFF_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads (see docs/exports.md): limits are configurable per deployment.
LIFTOFF_UPLOAD_MAX_BYTES = envint("LIFTOFF_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
LIFTOFF_UPLOAD_MAX_ROWS = envint("LIFTOFF_UPLOAD_MAX_ROWS", 1_000_000)
LIFTOFF_UPLOAD_MAX_COLUMNS = envint("LIFTOFF_UPLOAD_MAX_COLUMNS", 2_000)
LIFTOFF_SCREENSHOT_MAX_BYTES = envint("LIFTOFF_SCREENSHOT_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery. Embedded default: kombu's filesystem transport, so web and worker share a queue
# without any server. REDIS_URL or CELERY_BROKER_URL switch to Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
if not CELERY_BROKER_URL:
    _queue_dir = VAR_DIR / "celery-queue"
    _queue_dir.mkdir(exist_ok=True)
    (VAR_DIR / "celery-processed").mkdir(exist_ok=True)
    (VAR_DIR / "celery-control").mkdir(exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        # Broadcast (remote control) messages; kombu's default is ./control in the cwd.
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
else:
    # A task's message comes back after this long if a worker vanished without acking it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 900)
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "liftoff")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "sweep-stale-runs": {"task": "audits.tasks.sweep_stale_runs", "schedule": 15.0},
    "sweep-stale-sends": {"task": "audits.xero.tasks.sweep_stale_sends", "schedule": 60.0},
    "checkpoint-audit-heads": {
        "task": "wizard.tasks.checkpoint_audit_heads",
        "schedule": float(LIFTOFF_AUDIT_CHECKPOINT_EVERY),
    },
    "notify-stuck-practices": {"task": "wizard.tasks.notify_stuck_practices", "schedule": 86400.0},
}
LIFTOFF_STUCK_AFTER_DAYS = envint("LIFTOFF_STUCK_AFTER_DAYS", 7)
LIFTOFF_INVITATION_DAYS = envint("LIFTOFF_INVITATION_DAYS", 7)
# A running run's worker writes a heartbeat every LIFTOFF_RUN_HEARTBEAT seconds; two missed beats
# and the run is taken over (audits/runs/execution.py). A queued run no worker picked up is sent
# again after LIFTOFF_RUN_STALE_AFTER seconds (also the silence allowed on SQLite, where the
# heartbeat only moves with progress).
LIFTOFF_RUN_HEARTBEAT = envint("LIFTOFF_RUN_HEARTBEAT", 5)
LIFTOFF_RUN_STALE_AFTER = envint("LIFTOFF_RUN_STALE_AFTER", 300)
# Fixes still "sending" this many seconds after they were handed to a worker are handed over again
# (the send task's message was lost, not merely redelivered: longer than the broker's visibility
# timeout). Sending twice is safe: a record that already reads the new value is not written again.
LIFTOFF_FIX_SEND_STALE_AFTER = envint("LIFTOFF_FIX_SEND_STALE_AFTER", 1200)

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Liftoff <liftoff@localhost>")

# Security. Production (DEBUG off) gets HTTPS-only cookies and HSTS; check --deploy is clean.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# Content-Security-Policy (django-csp): scripts and styles from our own static files only, no
# inline script, style or event handler, no eval (htmx is configured without it in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (wizard/middleware.py): none of the browser's powerful features is used.
LIFTOFF_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
if envbool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LIFTOFF_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step at INFO; keep its warnings only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# XPM and Xero (docs/connect.md). Production defaults are Xero's own hosts; development points at
# the fake identity + XPM + Xero server (tests/fakes/xero.py) so nothing real is ever contacted.
# Without XERO_CLIENT_ID the connect panel explains how to register an app instead of failing.
_XERO_DEV = "http://127.0.0.1:8765"
XERO_CLIENT_ID = os.environ.get("XERO_CLIENT_ID", "")
XERO_CLIENT_SECRET = os.environ.get("XERO_CLIENT_SECRET", "")
XERO_REDIRECT_URI = os.environ.get("XERO_REDIRECT_URI", "")
XERO_LOGIN_URL = os.environ.get("XERO_LOGIN_URL", _XERO_DEV if DEBUG else "https://login.xero.com")
XERO_IDENTITY_URL = os.environ.get(
    "XERO_IDENTITY_URL", _XERO_DEV if DEBUG else "https://identity.xero.com"
)
XERO_API_URL = os.environ.get("XERO_API_URL", _XERO_DEV if DEBUG else "https://api.xero.com")
# Fernet keys (comma-separated, newest first, so a key can be rotated) that encrypt the stored
# OAuth tokens; `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key())"`.
LIFTOFF_TOKEN_KEYS = envlist(
    "LIFTOFF_TOKEN_KEYS",
    env_required("LIFTOFF_TOKEN_KEYS", "ZGV2LW9ubHktdG9rZW4ta2V5LW5vdC1zZWNyZXQtMDA="),
)
# Xero's limits per tenant (60 calls a minute, 5 at once, 5,000 a day); tests and `make bench`
# lower or lift them.
XERO_CALLS_PER_MINUTE = envint("XERO_CALLS_PER_MINUTE", 60)
XERO_CALLS_PER_DAY = envint("XERO_CALLS_PER_DAY", 5000)
XERO_CONCURRENT_CALLS = envint("XERO_CONCURRENT_CALLS", 5)
XERO_TIMEOUT_SECONDS = envint("XERO_TIMEOUT_SECONDS", 30)
