"""Settings for the counselling portal.

Every deployment value comes from the environment; the defaults are safe and
make a fresh clone work against the private PostgreSQL cluster that
`make run` / `make test` start under `.data/`.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal.env import check_field_keys, data_dir_error, database_from_url, env_bool, env_int, env_list, local_secret

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PORTAL_DATA_DIR", BASE_DIR / ".data"))


RUNNING_TESTS = "pytest" in sys.modules
DEBUG = env_bool("DEBUG", default=False)
HTTPS = env_bool("HTTPS", default=not (DEBUG or RUNNING_TESTS))
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret(DATA_DIR, "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default="127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default="")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// (or http://), not {SITE_URL!r}")

PRIVATE_CLUSTER_SOCKET_DIR = DATA_DIR / "run"
DATABASE_URL = os.environ.get("DATABASE_URL") or (f"postgresql://portal@/portal?host={PRIVATE_CLUSTER_SOCKET_DIR}")
# In production the application connects as a least-privilege role (DATABASE_URL; `manage.py setup_db_roles`)
# that cannot alter tables or change the audit log. The commands that change the schema or the roles run as
# the owner, DATABASE_MIGRATE_URL, when it is set (see SECURITY.md, "Database roles").
DATABASE_MIGRATE_URL = os.environ.get("DATABASE_MIGRATE_URL", "")
if DATABASE_MIGRATE_URL:
    database_from_url(DATABASE_MIGRATE_URL, name="DATABASE_MIGRATE_URL")  # named at start, not at the next migrate
OWNER_COMMANDS = frozenset({"migrate", "setup_db_roles", "createcachetable"})
if DATABASE_MIGRATE_URL and not RUNNING_TESTS and len(sys.argv) > 1 and sys.argv[1] in OWNER_COMMANDS:
    DATABASE_URL = DATABASE_MIGRATE_URL
DATABASES = {"default": database_from_url(DATABASE_URL)}
# A streaming replica for reporting reads (see portal/routers.py); writes always go to default.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **database_from_url(DATABASE_REPLICA_URL, name="DATABASE_REPLICA_URL"),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["portal.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "portal",
    "counselling",
    "referrals",
    "jobfairs",
    "reports",
    "cms",
    "cms.returnees",
    "devtools",  # development stack, demo seeds, scale data and benchmark: management commands only
    "portal.adminsite.PortalAdminConfig",  # django.contrib.admin without personal data: see there
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.middleware.CMSAdminCSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # above the early page cache: its hits get it too
    "portal.middleware.PrivateCacheControlMiddleware",  # signed-in answers: private, no-store (see there)
    "cms.cache.EarlyPageCacheMiddleware",  # anonymous page-cache hits, before session/auth (see cms/cache.py)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.SessionActivityMiddleware",  # allauth's UserSessionsMiddleware, once a minute
    "portal.middleware.RequestContextMiddleware",
    "portal.timezones.TimeZoneMiddleware",  # the viewer's zone: chosen, centre's, or the browser's (cookie)
    "portal.middleware.RequireStaffMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.cache.PublicPageCacheMiddleware",  # after CSRF, auth and messages: it needs all three
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]
# Every form field, ours and allauth's: dir="ltr" for phones, addresses and codes, aria-required.
FORM_RENDERER = "portal.formrender.PortalFormRenderer"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: speed, never stored outside the test DB
    if RUNNING_TESTS
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

# --- Languages -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("sq", _("Albanian")),
    ("sr-latn", _("Serbian (Latin)")),
    ("ur", _("Urdu")),
    ("id", _("Indonesian")),
]
# Each language named in itself, for the switcher.
LANGUAGE_SELF_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "ar": "العربية",
    "sq": "Shqip",
    "sr-latn": "Srpski",
    "ur": "اردو",
    "id": "Bahasa Indonesia",
}
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# Day-first dates and the 24-hour clock where Django's own formats are wrong for the partner countries.
FORMAT_MODULE_PATH = ["portal.formats"]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A page submitted for translation stays a draft in the new language until a person publishes it
# (wagtail-localize would otherwise publish it at once, with the source language's text).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# --- Static and media --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
# Uploads live outside the web root and are served only through views that check access.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or RUNNING_TESTS
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Several web nodes: uploads go to S3-compatible object storage (django-storages, the `s3` extra) when a bucket
# is named. Objects stay private; the portal's views check access and stream them. Credentials come from
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the machine's role (boto3's usual chain).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION_NAME") or os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("S3_MEDIA_PREFIX", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG or RUNNING_TESTS
if WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # served from the finders; WhiteNoise wants the folder
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Cache and sessions -------------------------------------------------------
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("CACHE_URL must be a redis:// or rediss:// URL, or unset (the database cache)")
CACHES = {
    "default": (
        # Redis, or each process's memory while Redis cannot be reached: an outage never takes pages down.
        {"BACKEND": "portal.cache.FailOpenRedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://"))
        # The database cache is shared by every process (rate limits, TOTP replay guard).
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
    )
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # never the cache: its outage signs nobody out
SESSION_COOKIE_AGE = 30 * 60  # staff sessions expire after 30 idle minutes
SESSION_SAVE_EVERY_REQUEST = False  # portal.middleware.SessionActivityMiddleware refreshes it once a minute
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- HTTP security -------------------------------------------------------------
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True  # read by the server only; the portal ships no script
LANGUAGE_COOKIE_SAMESITE = "Lax"
if HTTPS:
    # A `__Host-` cookie is accepted by the browser only from HTTPS, for this host alone and path "/": no
    # sibling subdomain (or a network attacker over plain http) can plant or overwrite it. Renaming them signs
    # everyone out once, on the first deploy with the prefix.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-django_language"
MESSAGES_COOKIE_NAME = "__Host-messages" if HTTPS else "messages"
MESSAGE_STORAGE = "portal.http.MessageStorage"  # Django's, with the cookie named MESSAGES_COOKIE_NAME
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies we run in front of the portal, each appending to X-Forwarded-For (nginx: 1; a load
# balancer in front of nginx: 2). The client's address is read from that header only then (portal/http.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],  # no page has a <base>; an injected one could redirect relative URLs
    "object-src": [CSP.NONE],
}

# --- Accounts (django-allauth) ------------------------------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:staff-home"
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
# Returnees sign up with an e-mail address and a password, or with a phone number alone and sign in
# with a one-time SMS code. The sign-up form asks for one of the two (cms.returnees.forms.SignupForm);
# e-mail verification is mandatory for every account with an address (portal.adapters), phone numbers are
# verified by SMS code. Staff always sign in with e-mail, password and TOTP.
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email", "phone", "password1", "password2"]
ACCOUNT_FORMS = {
    "signup": "cms.returnees.forms.SignupForm",
    "request_login_code": "cms.returnees.forms.RequestLoginCodeForm",
}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
# The SMS code that verifies a number (and signs a phone sign-up in) lives 10 minutes, ASVS's ceiling for
# out-of-band codes (allauth's default is 15); sign-in codes by SMS or e-mail live 3 (LOGIN_BY_CODE_TIMEOUT).
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 10 * 60
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# The name allauth puts into its sentences ("You are already signed in as …"), bidi-isolated (portal/bidi.py).
ACCOUNT_USER_DISPLAY = "portal.bidi.user_display"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"  # made mandatory per account with an address: see above
SILENCED_SYSTEM_CHECKS = ["account.W001"]  # neither field is required alone: the form requires one of them
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # The key is the account *and* the address (portal/adapters.py): a stranger's guesses never lock the
    # real person out; one address is capped at 60 failures an hour across all accounts it tries.
    "login_failed": "10/m/ip,60/h/ip,5/15m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
}

# How long the author of a counselling session may correct it (days after it was logged); after 24 hours a
# correction needs a reason (counselling.services.correct_session).
SESSION_CORRECTION_DAYS = env_int("SESSION_CORRECTION_DAYS", default=14)

# Text messages (sign-in codes): a dotted path to a backend class, see portal/sms.py.
SMS_BACKEND = os.environ.get("SMS_BACKEND") or (
    "portal.sms.LocmemBackend" if RUNNING_TESTS else "portal.sms.ConsoleBackend"
)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# TOTP secrets and recovery-code seeds are stored encrypted with FIELD_ENCRYPTION_KEYS (portal/mfa.py).
check_field_keys()
MFA_ADAPTER = "portal.mfa.MFAAdapter"
# Security keys and passkeys are a second factor after the password; no passwordless sign-in, so staff have
# one way in (SECURITY.md, "WebAuthn"). Plain http is allowed for WebAuthn only on a DEBUG machine.
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Counselling portal")
# A code of the 30-second step just before (or after) this one is accepted too (RFC 6238 section 5.2): on a slow
# line a code typed at second 28 arrives in the next step. Each code is still accepted only once.
MFA_TOTP_TOLERANCE = 1
# The code box is focused when the second-factor page opens (portal/mfa_forms.py).
MFA_FORMS = {
    "authenticate": "portal.mfa_forms.PortalAuthenticateForm",
    "reauthenticate": "portal.mfa_forms.PortalReauthenticateForm",
}
USERSESSIONS_TRACK_ACTIVITY = True

# --- E-mail -------------------------------------------------------------------
# Django 6.1 configures e-mail through MAILERS. Every message is queued in the outbox by the default mailer and
# sent by the `email` worker through "delivery" (portal/mail.py), so an SMTP outage never fails a request. With
# no EMAIL_HOST, mail is printed to the console (the demo); set EMAIL_HOST (and the rest) to send through SMTP.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
MAILERS = {
    "default": {"BACKEND": "portal.mail.OutboxBackend", "OPTIONS": {"deliver_with": "delivery"}},
    "delivery": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", default=587, minimum=1),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 20,
            },
        }
        if EMAIL_HOST
        else {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
    ),
}
del EMAIL_HOST  # a deprecated setting name: it must not stay defined beside MAILERS
# The portal's name in mails and their subjects (allauth's too), in the reader's language: never the host name.
PORTAL_NAME = _("Counselling portal")
# The sender of every mail (a centre's mails carry its name beside it, and its reply address: portal/emails.py).
# Unset, it is no-reply@ the host of SITE_URL, a domain the operator's mail server can sign for.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or (
    f"Counselling portal <no-reply@{urlsplit(SITE_URL).hostname or 'localhost'}>"
)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL") or DEFAULT_FROM_EMAIL
# Server errors are mailed to these addresses (comma-separated), without personal data (portal.mail.AdminErrorHandler).
ADMINS = env_list("ADMINS", default="")
if any("@" not in address for address in ADMINS):
    raise ImproperlyConfigured("ADMINS must be e-mail addresses separated by commas: ops@example.org,it@example.org")
EMAIL_SUBJECT_PREFIX = "[portal] "

# --- Celery -------------------------------------------------------------------
# Tests get their own folder so that a running `make run` and the suite never share messages, and each
# pytest-xdist worker (PYTEST_XDIST_WORKER=gw0, gw1, ...) its own, as it has its own test database.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
BROKER_DIR = DATA_DIR / (f"broker-test{XDIST_WORKER}" if RUNNING_TESTS else "broker")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or "filesystem://"
# The transports `pip install .` brings (tests/test_packaging.py imports each in a clean virtualenv).
BROKER_SCHEMES = ("redis", "rediss", "sentinel", "amqp", "amqps", "pyamqp", "filesystem")
if urlsplit(CELERY_BROKER_URL).scheme not in BROKER_SCHEMES:
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must be a redis://host:6379/0, amqp://user:password@host:5672// or filesystem:// URL "
        f"(schemes: {', '.join(BROKER_SCHEMES)})"
    )
if CELERY_BROKER_URL == "filesystem://":
    # A broker that needs no server, for one machine: messages are files under .data/broker.
    try:
        for folder in ("queue", "control"):
            (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise data_dir_error(DATA_DIR, exc, also="where the filesystem:// broker keeps its messages") from None
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    if RUNNING_TESTS and XDIST_WORKER and CELERY_BROKER_URL.startswith("redis"):
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = f"{XDIST_WORKER}:"  # one Redis, queues per worker
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "*.send_*": {"queue": "email"},
    "*.build_report*": {"queue": "reports"},
    "*.rebuild_rollups*": {"queue": "reports"},
    "*.rebuild_and_check_rollups*": {"queue": "reports"},
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Daily jobs run again on the next hours: each is once-a-day idempotent, so a run lost while the
    # broker or the workers were down is made up for, and a run that went through sends nothing twice.
    "follow-up-reminders": {
        "task": "counselling.tasks.send_follow_up_reminders_task",
        "schedule": crontab(hour="5-9", minute=0),  # mornings from West Africa to Indonesia
    },
    "report-rollups": {
        "task": "reports.tasks.rebuild_and_check_rollups_task",
        "schedule": crontab(hour=2, minute=0),
    },
    "monthly-reports": {
        "task": "reports.tasks.build_monthly_reports_task",
        "schedule": crontab(day_of_month=1, hour="3-6", minute=0),  # after the 02:00 roll-up rebuild
    },
    "retention": {"task": "counselling.tasks.anonymise_expired_cases_task", "schedule": crontab(hour=2, minute=30)},
    "referral-reminders": {
        "task": "referrals.tasks.send_referral_reminders_task",
        "schedule": crontab(hour="5-9", minute=15),
    },
    "jobfair-slot-reminders": {"task": "jobfairs.tasks.send_slot_reminders_task", "schedule": crontab(minute="*/15")},
    "jobfair-surveys": {"task": "jobfairs.tasks.send_fair_surveys_task", "schedule": crontab(minute=5)},
    "dispatch-outbox": {"task": "portal.tasks.dispatch_outbox_task", "schedule": 60.0},
    # A report whose worker died is queued again within minutes (reports.services.builds.STALE_AFTER).
    "restart-stale-report-builds": {
        "task": "reports.tasks.restart_stale_builds_task",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
}
# One heartbeat per queue, so /healthz can tell which worker stopped consuming; an old one is dropped.
HEARTBEAT_QUEUES = ("default", "email", "reports")
HEARTBEAT_SECONDS = 30
for _queue in HEARTBEAT_QUEUES:
    CELERY_BEAT_SCHEDULE[f"heartbeat-{_queue}"] = {
        "task": "portal.tasks.heartbeat_task",
        "schedule": float(HEARTBEAT_SECONDS),
        "kwargs": {"queue": _queue},
        "options": {"queue": _queue, "expires": HEARTBEAT_SECONDS * 2},
    }
# /healthz says "worker: stale" when a queue's heartbeat is older than this (and tasks are not run inline).
WORKER_STALE_AFTER_SECONDS = env_int("WORKER_STALE_AFTER_SECONDS", default=180, minimum=1)
# PDF builds: a soft limit marks the build failed, the hard one kills a stuck renderer (its child is replaced).
CELERY_TASK_ANNOTATIONS = {
    name: {"soft_time_limit": 540, "time_limit": 600}
    for name in ("reports.tasks.build_report_task", "portal.reports.tasks.build_report_task")  # and its old name
}
# A pool child that grew past this many KiB is replaced after its task (the reports worker sets it; 0: off).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=0) or None
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# --- Wagtail --------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Counselling portal"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_LOGIN_URL = "account_login"  # the same login, with the same second factor, as the rest
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
# One way to change or reset a password and an address: allauth's (rate-limited, re-authenticated, verified).
# Wagtail's own reset form sent reset links without any limit; its account page changed passwords and e-mail
# addresses beside allauth; its user editor let an administrator set someone else's password.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no e-mail hashes to a third party
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls home from the editors' browsers
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Editors publish leaflets and forms: documents of these types only (no HTML, SVG, scripts or executables that a
# browser or a visitor's computer would run). Served as attachments with `default-src 'none'` all the same.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx"]
# The same pixel limit as case documents (counselling.documents.MAX_IMAGE_PIXELS), checked from the header
# before decoding; Wagtail's default (128 million) would let one upload take half a gigabyte.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# An image of more than 5 MB is refused at upload with Wagtail's "This file is too big" (translated in locale/).
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
# Each country's editors publish their own pages: no moderation step (its Moderators group was never staffed,
# so "Submit for moderation" sent pages to nobody). Publishing rights are per country (cms/services.py).
WAGTAIL_WORKFLOW_ENABLED = False
# The admin in all eight portal languages (Wagtail's own list lacks Albanian, Serbian (Latin) and Urdu).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# "Ask for an appointment": requests per hour from one IP address, and to one centre.
APPOINTMENT_RATE_PER_IP = 5
APPOINTMENT_RATE_PER_CENTRE = 60
# Anonymous GETs of information pages are served from the cache for this long (purged on publish).
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", default=300)

# --- Logging ---------------------------------------------------------------------
LOG_LEVEL = os.environ.get("LOG_LEVEL", "").strip().upper() or "INFO"
if LOG_LEVEL not in logging.getLevelNamesMapping():
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Django's own handler, replaced: a report without personal data, queued in the outbox like every mail.
        "mail_admins": {"level": "ERROR", "filters": ["require_debug_false"], "class": "portal.mail.AdminErrorHandler"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "INFO"}, "django.db.backends": {"level": "INFO"}},
}

# --- Portal ------------------------------------------------------------------------
DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - printed by `make run`; demo data only
