"""Settings shared by every environment. Everything that differs comes from the environment.

Without configuration the product runs embedded: SQLite, Celery in eager mode, local
memory cache. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
    "django_filters",
    "django_tables2",
    "simple_history",
    "django_celery_beat",
    "axes",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "institutions",
    "screening",
    "risklists",
    "disposal",
    "reporting",
    "portal",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the query: NUL bytes answer 400, bad page sizes fall back.
    "core.parameters.QueryParameterGuardMiddleware",
    # Django's SessionMiddleware, extending a session at most once a minute (core/sessions.py).
    "core.sessions.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Django's, keeping the POST of an ended session for after the login (core/formkeeping.py).
    "core.formkeeping.LoginRequiredMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: refuses logins of a locked-out account.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.attention",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: at province size a count with a correlated EXISTS is priced above
    # the JIT thresholds and spends longer compiling than running (docs/performance.md).
    # The statements core.db prepares (the institution page's panels, the only prepared
    # statements) are planned once per connection, not at each page: planning them cost
    # more than running them.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c plan_cache_mode=force_generic_plan"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.ComplexityValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.password_validation.CommonPatternValidator"},
]
# The demo county's logins share one published password; they are created with
# must_change_password unless this is on (config.settings.local and .test turn it on, so
# that `make run` logins work directly).
PASSWORD_CHANGE_DEMO_EXEMPT = False

# Repeated failed logins lock the account (django-axes): AXES_FAILURE_LIMIT failures lock it
# for AXES_COOLOFF_MINUTES; a successful login resets the count.
AUTHENTICATION_BACKENDS = [
    "core.lockout.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
# Per account and address together: township offices share one address behind their
# network's NAT, so a lock per address alone would shut a whole office out because of one
# person's typing; a lock per account alone would let anyone lock any account from afar.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Chinese first: the plans' wording is the product's wording; English stays available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap comes from the XStatic-Bootstrap package on PyPI, served under /static/bootstrap/.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
# Collected with hashed names, gzip and brotli copies; whitenoise serves the hashed names
# with a ten-year cache lifetime, also under `make run` (core/staticfiles.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.staticfiles.HashedStaticFilesStorage"},
}
# Source maps (Bootstrap's: 13 MB) are read by a developer's browser tools only: compressing
# them would double collectstatic's time for nothing a user downloads.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Behind nginx, uploaded files go out by X-Accel-Redirect to this internal location (see
# deploy/nginx.conf) once the view has checked who may read them; empty: Django sends them.
PROTECTED_MEDIA_PREFIX = os.environ.get("PROTECTED_MEDIA_PREFIX", "")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/lean.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis errors are cache misses (core/cache.py): pages work while Redis is down.
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker when REDIS_URL is set, otherwise tasks run inline (eager).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The database scheduler copies these into django-celery-beat's tables at start.
CELERY_BEAT_SCHEDULE = {
    # 区县方案: 逐一推动化解 — overdue disposal actions are flagged and escalated daily.
    "disposal-flag-overdue-actions": {
        "task": "disposal.flag_overdue_actions",
        "schedule": crontab(hour=1, minute=30),
    },
    # 区县方案·加强信息报送: 每周二下午17时前报送 — the county's weekly pack after the deadline.
    "reporting-build-weekly-packs": {
        "task": "reporting.build_weekly_packs",
        "schedule": crontab(day_of_week="tue", hour=17, minute=5),
    },
    # A pack whose worker died, or that never reached one, is sent again.
    "reporting-requeue-stale-runs": {
        "task": "reporting.requeue_stale_runs",
        "schedule": 60.0,
    },
}
# A message a killed worker had taken comes back to the queue after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600")),
    "socket_connect_timeout": 2,
}
# Asking for a pack while the queue is down answers in about a second, not after minutes.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
# A report run without a sign of life for this long is taken over by another attempt.
REPORT_RUN_STALE_SECONDS = int(os.environ.get("REPORT_RUN_STALE_SECONDS", "120"))
# A pack's shared reads start in threads of their own at its start, on PostgreSQL outside a
# transaction (core/background.py): the database reads while the first tables are written.
BACKGROUND_READS = env_bool("BACKGROUND_READS", True)

# A session ends after SESSION_COOKIE_AGE seconds without a request (30 minutes by default).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
# Each request extends it, written at most once a minute (core/sessions.py), not on every page.
SESSION_REFRESH_SECONDS = 60

# Content Security Policy (django-csp): scripts and styles only from our own static files;
# no inline script anywhere (templates pass data to JS with json_script). Inline style
# attributes stay allowed (progress bars' widths, Bootstrap's own markup).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Uploads: spreadsheets and visit photos; larger files are refused with a clear message.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
if not REDIS_URL:
    # Tasks run inline: a line per task succeeded ("Task … succeeded in 0.01s") and the
    # in-memory broker's "No hostname was supplied" are noise around what a command prints
    # (load_demo's logins); a real worker keeps them in its own log.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
    LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}

SITE_TITLE = _("Elder-care fraud risk screening")

# The API (/api/v1/, the app ``api``): API keys of system accounts or a person's session with
# CSRF; JSON in and out; errors as RFC 9457 problem details; a budget of requests per key.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.KeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": os.environ.get("API_RATE", "600/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
# A visit, a lead or a weekly report is a few kB: a larger body is refused before it is read.
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(256 * 1024)))
SPECTACULAR_SETTINGS = {
    "TITLE": "养老服务诈骗风险排查整治系统 API",
    "DESCRIPTION": (
        "Read and write the county's records through the same rules as its people: each "
        "key belongs to a system account with a unit and a role, and sees what such a person "
        "sees. Send `Authorization: Api-Key <key>`. Errors are RFC 9457 problem details."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
        "api.schema.drop_backend_integer_limits",
    ],
    # One name per vocabulary of the plans, wherever a field uses it.
    "ENUM_NAME_OVERRIDES": {
        "RiskLevelEnum": "risklists.levels.Level",
        "YesNoUnknownEnum": "screening.models.YesNoUnknown",
        # A visit and a weekly report are both drafts until submitted.
        "DraftStatusEnum": "screening.models.VisitStatus",
        "ActionStatusEnum": "disposal.models.ActionStatus",
        "RunStatusEnum": "reporting.choices.RunStatus",
        "LeadStatusEnum": "screening.models.LeadStatus",
        "ReviewStateEnum": "risklists.models.ReviewState",
    },
}

# /health/ (core/health.py): a worker must answer a ping when a broker is configured; the disk
# holding MEDIA_ROOT must be used below this percentage.
HEALTH_CHECK_WORKER = env_bool("HEALTH_CHECK_WORKER", True)
HEALTH_DISK_USAGE_MAX = float(os.environ.get("HEALTH_DISK_USAGE_MAX", "95"))
