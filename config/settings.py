"""Settings for the Early-Access Tracker, read from the environment.

Every value that differs between machines comes from an environment variable; the
defaults are safe for production (DEBUG off, no default secret) except where a local run
asks for the embedded database by leaving DATABASE_URL unset.
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_decimal(name: str, default: str) -> Decimal:
    value = os.environ.get(name, "") or default
    try:
        return Decimal(value)
    except ArithmeticError:
        raise ImproperlyConfigured(f"{name} must be a decimal number, not {value!r}") from None


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The audit trail: PostgreSQL triggers (django-pgtrigger) write an event row for every
    # insert, update and delete of the tracked records (django-pghistory).
    "pgtrigger",
    "pghistory",
    "axes",
    "csp",
    "django_otp",  # two-factor sign-in (artists.twofactor)
    "django_otp.plugins.otp_totp",
    "programs",
    "artists",
    "feedback",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # RateLimit-Limit/-Remaining/-Reset on every API answer a throttle counted.
    "config.throttling.RateLimitHeaders",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.otp_device: the session's second factor
    # Who (the user's id) and where (the path) for the audit trail, on every write request;
    # it also catches the user DRF authenticates later, in the view.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page or JSON.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a sign-in while the account is locked out from the address,
# before the password is checked; then Django's own check of the password.
AUTHENTICATION_BACKENDS = [
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
                "tracker.context_processors.privacy",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: PostgreSQL only. DATABASE_URL selects a real server; without it the embedded
# PostgreSQL in .data/pg/ is started (or reused).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must be a postgresql:// URL: PostgreSQL is the only engine.")
    # Connections are kept a minute and checked before reuse, so one the server closed in the
    # meantime (a restart, a failover, an idle timeout) is replaced rather than failing a request.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    from config.embedded_db import embedded_database

    DATABASES = {"default": embedded_database(BASE_DIR / ".data" / "pg")}

# A read replica (README, "Scaling out"): a streaming copy of the primary, kept like it. The
# public figures, dashboards and flag feed read from it; every write and everything an artist
# reads of their own goes to the primary (config/routers.py). Unset: everything uses default.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    if not DATABASE_REPLICA_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgresql:// URL: PostgreSQL is the only engine.")
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker, result backend and cache when REDIS_URL is set; otherwise Celery runs
# tasks in process and the cache is local memory. The site keeps serving when Redis is
# down (config/resilience.py): the cache misses, the throttles let requests through, a task
# that cannot be queued is left to the scheduled jobs; all of it logged and counted
# (/healthz). Short timeouts make a dead Redis cost milliseconds, and the cache does not
# try it again for REDIS_RETRY_SECONDS after a failure.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_RETRY_SECONDS = env_int("REDIS_RETRY_SECONDS", 5)
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_TIMEOUT = 3
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.resilience.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # Each program's figures and parts are an entry of their own (tracker/program_figures.py,
    # tracker/pooled.py): room for every program, where the default 300 entries would evict
    # a third of them at random whenever it fills, and every page would compute them again.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCAL_CACHE_MAX_ENTRIES", 20000)},
        }
    }
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# Queueing a task from a request gives up within about a second when the broker is down
# (config.resilience.enqueue logs it and the request carries on).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Queueing also subscribes to the task's result; Celery's default retries that for 20 s.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# The beat schedule, in one place: every flag rule at least hourly, spread over the hour.
# Each flag rule's minute of the hour (mass revocation every 15 minutes).
FLAG_RULE_MINUTES = {
    "unpaid_feedback": "5",
    "uncompensated_promotion": "10",
    "mass_revocation": "*/15",
    "revoked_with_unpaid_work": "20",
    "revoked_without_reason": "25",
    "approval_overdue": "30",
    "undefined_terms": "35",
    "perks_instead_of_pay": "40",
}
CELERY_BEAT_SCHEDULE = {
    **{
        f"scan-{rule.replace('_', '-')}": {
            "task": "tracker.tasks.scan_flags",
            "schedule": crontab(minute=minute),
            "kwargs": {"rule": rule},
        }
        for rule, minute in FLAG_RULE_MINUTES.items()
    },
    # A write that changes what the rules see is scanned within a minute.
    "scan-on-change": {"task": "tracker.tasks.scan_flags_if_changed", "schedule": crontab(minute="*")},
    # Webhook retries come due at their own times; new flags are sent at once.
    "deliver-webhooks": {"task": "tracker.tasks.deliver_webhooks", "schedule": crontab(minute="*")},
    "send-flag-digests": {"task": "tracker.tasks.send_flag_digests", "schedule": crontab(hour="7", minute="0")},
    # Artists who chose weekly reminders hear on Sunday evening if they logged nothing that week.
    "send-weekly-reminders": {
        "task": "artists.tasks.send_weekly_reminders",
        "schedule": crontab(day_of_week="sun", hour="17", minute="0"),
    },
}

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
STATIC_ROOT = BASE_DIR / ".data" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence artists attach to show they were testers: private files, outside the static and
# media folders and never given a URL; read only through the download that checks who asks.
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", "") or BASE_DIR / ".data" / "evidence")
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

# The largest request body Django reads into memory (Django's default, 2.5 MB): a bigger JSON
# or form body answers 413 on the API (config.api.handle_exception) and 400 on a page. Files
# in a multipart upload do not count: evidence files have their own 5 MB limit
# (programs/evidence.py), the CSV import its own (feedback/imports).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Email: printed to the console unless EMAIL_BACKEND says otherwise; SMTP is configured
# with the EMAIL_* variables (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
# Where the tracker is reached, for the links in emails sent outside a request (the weekly
# reminders and their one-click "stop" link): scheme and host, no trailing slash.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

# The client's address: with TRUSTED_PROXY_COUNT=0 only the connection's address
# (REMOTE_ADDR); behind N proxies that each append to X-Forwarded-For, the Nth address from
# its right (what the outermost trusted proxy saw). Anything further left is the client's
# own say and never used. The API throttles (NUM_PROXIES below) and the sign-in lockout
# (config/lockout.py) both use it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must not be negative.")

# Sign-in lockout (django-axes), on the web login, the admin's and the API token door:
# after LOGIN_FAILURE_LIMIT wrong passwords for one account from one address, that account
# cannot sign in from that address for LOGIN_COOLOFF_MINUTES, or until staff delete the
# access attempt in the admin ("Access attempts") or run `manage.py axes_reset`.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
if LOGIN_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT must be at least 1.")
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
if LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_COOLOFF_MINUTES must be at least 1.")
# Two-factor sign-in (artists.twofactor): after n wrong codes an account waits FACTOR × 2^(n-1) s;
# the password step is good for TWO_FACTOR_PENDING_SECONDS; the admin never shows a device's key.
OTP_TOTP_ISSUER, OTP_ADMIN_HIDE_SENSITIVE_DATA = "Early-Access Tracker", True
OTP_TOTP_THROTTLE_FACTOR = RECOVERY_CODE_THROTTLE_FACTOR = env_int("OTP_THROTTLE_FACTOR", 1)
TWO_FACTOR_PENDING_SECONDS = env_int("TWO_FACTOR_PENDING_SECONDS", 300)
AXES_ENABLED = True
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
# Keyed by account and address together: a guesser locks out the account only from their
# own address, so they cannot lock its owner out from everywhere; spraying many accounts
# from one address is slowed by the API's per-address throttle.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Failed sign-ins are counted in the database; successful ones are not logged.
AXES_DISABLE_ACCESS_LOG = True

# HTTPS (README, "Deploying behind TLS"). With DEBUG off the defaults assume the tracker is
# reached over https: cookies are sent only over https, http is redirected to https, and
# browsers are told to use https for a year (HSTS, sent only on https responses). A stack
# served over plain http (docker-compose.yml, CI, the test server) turns SECURE_COOKIES and
# SECURE_SSL_REDIRECT off explicitly.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Behind a proxy that ends TLS, Django sees plain http; it may believe the proxy's
# X-Forwarded-Proto only if the proxy always sets that header itself (overwriting one sent by
# the client). Off by default: trusting it without such a proxy lets any client claim https.
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# One year, the tracker's subdomains included, and consent to the browsers' preload list
# (submitting the domain at hstspreload.org stays a deliberate, separate step). Set
# SECURE_HSTS_INCLUDE_SUBDOMAINS=0 and SECURE_HSTS_PRELOAD=0 where the tracker shares its
# domain with hosts that do not serve https; start with a small SECURE_HSTS_SECONDS (300)
# on a first deployment and raise it once https is known to work.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): everything from this server, no inline script or
# style anywhere, no plugins, no framing. The charts' styles are a static file
# (static/css/charts.css, tracker/charts.py). The API docs pages and the browsable API widen
# it for themselves only (config/csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

REST_FRAMEWORK = {
    # Token first, so an anonymous request is told how to authenticate (401, WWW-Authenticate).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "config.renderers.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        # REST framework's browsable API, its style= attributes allowed by the CSP (config/csp.py).
        "config.csp.BrowsableAPIRenderer",
        "config.renderers.CSVRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.renderers.ContentNegotiation",
    # JSON that cannot be read (too deep, a lone surrogate, NaN…) answers 400, never 500.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 in JSON on the API.
    "EXCEPTION_HANDLER": "config.api.handle_exception",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's, noting where the client stands for the RateLimit-* headers (config/throttling.py).
        "config.throttling.AnonRateThrottle",
        "config.throttling.UserRateThrottle",
    ],
    # Throttles count per client address from the trusted proxies only (see above).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
        "user": os.environ.get("API_USER_RATE", "600/minute"),
    },
}
# The most contributions one POST /api/v1/me/contributions/batch/ logs (all or none).
API_BATCH_MAX = env_int("API_BATCH_MAX", 500)
if API_BATCH_MAX < 1:
    raise ImproperlyConfigured("API_BATCH_MAX must be at least 1.")
SPECTACULAR_SETTINGS = {
    "TITLE": "Early-Access Tracker API",
    "DESCRIPTION": (
        "Fairness figures for AI early-access programs, the flags the tracker raises, and each "
        "artist's own ledger. Figures drawn from fewer than MIN_GROUP_SIZE artists are null. "
        "See docs/api.md for examples and docs/metrics.md for every definition."
    ),
    "VERSION": "1.0.0",
    # Swagger UI and Redoc are served from this server (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # A request body has its own component (ContributionRequest…), without the read-only
    # fields, so that a generated client can build one without inventing an id.
    "COMPONENT_SPLIT_REQUEST": True,
    # Several records have a "kind"; give each choice set its own stable name.
    "ENUM_NAME_OVERRIDES": {
        "ContributionKindEnum": "feedback.models.Contribution.Kind",
        "CompensationKindEnum": "feedback.models.Compensation.Kind",
        "FlagKindEnum": "tracker.models.Flag.Kind",
    },
}

# Domain settings.
# An aggregate drawn from fewer distinct artists than this is suppressed everywhere.
MIN_GROUP_SIZE = env_int("MIN_GROUP_SIZE", 5)
if MIN_GROUP_SIZE < 1:
    raise ImproperlyConfigured("MIN_GROUP_SIZE must be at least 1.")
# The (2, DOMINANCE_SHARE) rule: a money or hours total in which two artists account for
# more than this share is withheld too (docs/privacy.md).
DOMINANCE_SHARE = env_decimal("DOMINANCE_SHARE", "0.85")
if not 0 < DOMINANCE_SHARE <= 1:
    raise ImproperlyConfigured("DOMINANCE_SHARE must be more than 0 and at most 1.")
# Reference hourly rate (in a program's currency) for programs that publish none.
FAIR_HOURLY_RATE = env_decimal("FAIR_HOURLY_RATE", "50.00")
if FAIR_HOURLY_RATE < 0:
    raise ImproperlyConfigured("FAIR_HOURLY_RATE must not be negative.")

# Flag thresholds (docs/metrics.md, "Flags").
MASS_REVOCATION_MIN_TESTERS = env_int("MASS_REVOCATION_MIN_TESTERS", 10)
MASS_REVOCATION_SHARE = env_decimal("MASS_REVOCATION_SHARE", "0.25")
MASS_REVOCATION_WINDOW_HOURS = env_int("MASS_REVOCATION_WINDOW_HOURS", 24)

# Webhooks may not target loopback or private addresses unless this is on (tests, local use).
WEBHOOK_ALLOW_PRIVATE_HOSTS = env_bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=False)

# Stats API responses are cached per data version, and expire after this many seconds.
STATS_CACHE_SECONDS = env_int("STATS_CACHE_SECONDS", 300)
# After a write, pages and stats answers are served the last figures computed, if at most
# this old, while new ones are computed in the background (tracker/cache.py); 0: always wait.
FIGURES_STALE_SECONDS = env_int("FIGURES_STALE_SECONDS", 60)
if FIGURES_STALE_SECONDS < 0:
    raise ImproperlyConfigured("FIGURES_STALE_SECONDS must not be negative.")
# At most one background refresh of a figure set per this many seconds (all processes).
FIGURES_REFRESH_SECONDS = env_int("FIGURES_REFRESH_SECONDS", 20)
if FIGURES_REFRESH_SECONDS < 0:
    raise ImproperlyConfigured("FIGURES_REFRESH_SECONDS must not be negative.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # axes: lockouts are warnings; its start-up banner and each failure are not logged.
    "loggers": {"pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
