"""Settings, read from the environment.

With nothing set the portal runs on its embedded default: SQLite, Celery tasks executed eagerly,
e-mail written to var/mail. DATABASE_URL, REDIS_URL and the SMTP variables switch to the real
services; BOTP_ENV=production refuses the demo secrets.

Settings fail closed: a value that cannot be read (an unknown BOTP_ENV, a boolean or number that
is not one, a secret file that is missing) stops the portal with ImproperlyConfigured rather than
run on a guess.
"""

import os
import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BOTP_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    # A typo such as DEBUG=flase must not quietly mean "off" (or "on").
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off, not {value!r}")


def _env_number(name, default, minimum, kind, what):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = kind(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {what}, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_int(name, default, minimum=None):
    return _env_number(name, default, minimum, int, "a whole number")


def env_float(name, default, minimum=None):
    return _env_number(name, default, minimum, float, "a number")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name, default=""):
    """A secret from ``NAME``, or from the file ``NAME_FILE`` names (Docker and systemd
    secrets), so that it need not sit in the process environment. An empty variable counts as
    unset; the file's content is the value without its trailing newline."""
    value = os.environ.get(name, "")
    file_variable = f"{name}_FILE"
    path = os.environ.get(file_variable, "")
    if not path:
        return value or default
    if value:
        raise ImproperlyConfigured(f"Set {name} or {file_variable}, not both")
    try:
        content = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        # The path is not a secret; what the file holds is, and is never shown.
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise ImproperlyConfigured(
            f"{file_variable}: cannot read {path} ({reason})") from None
    content = content.rstrip("\r\n")
    if not content:
        raise ImproperlyConfigured(f"{file_variable}: {path} is empty")
    return content


DEMO_SECRET_KEY = "demo-only-not-secret-botp"
DEMO_PERSONAL_DATA_KEY = "demo-only-personal-data-key"

# Exactly one of two values: a deployment that writes "prod" or "staging" must not get the demo
# secrets, DEBUG and no two-factor authentication.
ENVIRONMENTS = ("demo", "production")
BOTP_ENV = os.environ.get("BOTP_ENV", "demo")
if BOTP_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"BOTP_ENV must be \"demo\" or \"production\", not {BOTP_ENV!r}")
PRODUCTION = BOTP_ENV == "production"

SECRET_KEY = env_secret("SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
# Keys for the national register number: one encrypts it, the other makes the keyed hash used to
# find duplicates. Both are derived from this one secret so a deployment manages a single value.
PERSONAL_DATA_KEY = env_secret("PERSONAL_DATA_KEY", DEMO_PERSONAL_DATA_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if not PRODUCTION else "")

if PRODUCTION:
    problems = []
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 32:
        problems.append("SECRET_KEY must be set to a long random value")
    if PERSONAL_DATA_KEY == DEMO_PERSONAL_DATA_KEY or len(PERSONAL_DATA_KEY) < 32:
        problems.append("PERSONAL_DATA_KEY must be set to a long random value")
    if DEBUG:
        problems.append("DEBUG must be off")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must name the portal's host")
    if problems:
        raise ImproperlyConfigured("Production settings refused: " + "; ".join(problems))

# Demo mode relaxes what only makes sense with real people: two-factor authentication is not
# forced and every demo account is pre-verified.
DEMO_MODE = not PRODUCTION

INSTALLED_APPS = [
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
    "allauth.mfa",
    "allauth.socialaccount",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "botp",
    "botp.fas",
    "intake",
    "diagnosis",
    "treatment",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Changes to accounts and the directory are recorded as made by the request's user.
    "botp.audit.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "botp.middleware.PreferredLanguageMiddleware",
    "botp.middleware.RequireTwoFactorMiddleware",
    # A refusal of the state machine that no page answered itself: 403 or 409, never a 500.
    "botp.pages.RefusalMiddleware",
]

ROOT_URLCONF = "botp.urls"
WSGI_APPLICATION = "botp.wsgi.application"

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
                "django.template.context_processors.i18n",
                "botp.context_processors.portal",
            ],
        },
    }
]

# Lower case, so that the URL (and its password) is not a setting shown on a debug page.
database_url = env_secret("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    DATABASES = {
        "default": dj_database_url.parse(
            database_url,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0),
            # A kept connection that died (PostgreSQL restarted) is replaced before a request
            # uses it, instead of failing that request.
            conn_health_checks=True,
        )
    }
except ValueError as error:
    # The URL holds the password: name the problem, not the value.
    raise ImproperlyConfigured(
        f"DATABASE_URL cannot be read ({type(error).__name__})") from None
random_page_cost = env_float("PG_RANDOM_PAGE_COST", 1.1, minimum=0.1)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
else:
    # An unreachable database host must not hold a request (or the readiness probe) for the
    # operating system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # PostgreSQL's default cost of a random read (4) is a spinning disk's: with the portal's
    # data in memory or on SSD it prefers to scan every case over reading a provider's few
    # hundred by their key. 1.1 is PostgreSQL's own advice for SSD.
    DATABASES["default"]["OPTIONS"].setdefault("options", f"-c random_page_cost={random_page_cost}")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "botp.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: e-mail is the login; accounts are created by Fedris or by invitation, never by
# open sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "botp.accounts.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Failed logins count per client address and per account (the e-mail, allauth's "key").
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "reset_password": "5/m/ip,3/m/key",
    # The re-integration monitor starts without an account (evaluation.monitor.views.start):
    # each start keeps a person and a measurement. Generous for a ministry behind one address,
    # where people start one by one; a script filling the database is held back.
    "monitor_start": "30/10m/ip",
}
# Behind a reverse proxy every request comes from the proxy's address, and the whole site would
# share one limit: say how the proxy passes on the client's own address. Either the number of
# proxies that append to X-Forwarded-For, or the header a proxy sets (and overwrites) itself.
# Unset, X-Forwarded-For is ignored: any client can write it.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("BOTP_TRUSTED_PROXY_COUNT", 0, minimum=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("BOTP_CLIENT_IP_HEADER", "").strip() or None
if ALLAUTH_TRUSTED_CLIENT_IP_HEADER and not re.fullmatch(r"[A-Za-z0-9-]+",
                                                         ALLAUTH_TRUSTED_CLIENT_IP_HEADER):
    raise ImproperlyConfigured(
        "BOTP_CLIENT_IP_HEADER must be a header's name as the proxy sends it, e.g. X-Real-IP, "
        f"not {ALLAUTH_TRUSTED_CLIENT_IP_HEADER!r}")
if ALLAUTH_TRUSTED_PROXY_COUNT and ALLAUTH_TRUSTED_CLIENT_IP_HEADER:
    raise ImproperlyConfigured("Set BOTP_TRUSTED_PROXY_COUNT or BOTP_CLIENT_IP_HEADER, not both")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[BOTP] "

# Logging in through the Federal Authentication Service (FAS: itsme, eID), an OpenID Connect
# provider (botp/fas). Off unless FAS_ISSUER is set. FAS_ACR is the assurance level asked
# and the lowest accepted; the portal counts a FAS login as two factors, so levels below 400
# (those that include a user name and password alone) are refused here.
FAS_ISSUER = os.environ.get("FAS_ISSUER", "").strip().rstrip("/")
FAS_CLIENT_ID = os.environ.get("FAS_CLIENT_ID", "").strip()
FAS_CLIENT_SECRET = env_secret("FAS_CLIENT_SECRET")
FAS_ACR = os.environ.get("FAS_ACR", "urn:be:fedict:iam:fas:citizen:Level400").strip()
FAS_LOWEST_LEVEL = 400
if FAS_ISSUER:
    level = re.search(r":Level(\d{3})$", FAS_ACR)
    if not level or int(level.group(1)) < FAS_LOWEST_LEVEL:
        raise ImproperlyConfigured(
            f"FAS_ACR must be a FAS assurance level of at least Level{FAS_LOWEST_LEVEL} "
            f"(e.g. urn:be:fedict:iam:fas:citizen:Level450), not {FAS_ACR!r}")
    if not (FAS_CLIENT_ID and FAS_CLIENT_SECRET):
        raise ImproperlyConfigured("FAS_ISSUER needs FAS_CLIENT_ID and FAS_CLIENT_SECRET")
    if PRODUCTION and not FAS_ISSUER.startswith("https://"):
        raise ImproperlyConfigured("FAS_ISSUER must be an https:// address in production")
SOCIALACCOUNT_PROVIDERS = {"fas": {"APPS": [{
    "provider_id": "fas", "name": "FAS", "client_id": FAS_CLIENT_ID,
    "secret": FAS_CLIENT_SECRET,
    "settings": {"server_url": FAS_ISSUER, "acr_values": FAS_ACR},
}]}} if FAS_ISSUER else {}
SOCIALACCOUNT_ADAPTER = "botp.accounts.SocialAccountAdapter"
# Nobody is made, linked by e-mail or asked to sign up through FAS (botp.fas.linking), and its
# tokens are not kept.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "BOTP Fedris"

LANGUAGE_CODE = "nl"
# Fedris deals with people in the three national languages; English for everyone else.
LANGUAGES = [("nl", _("Dutch")), ("fr", _("French")), ("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["botp.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Served by whitenoise from STATICFILES_DIRS in demo mode, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION

# E-mail: SMTP when EMAIL_HOST is set, otherwise one file per message in var/mail.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "botp.mail.FolderBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "BOTP Fedris <no-reply@botp.fedris.be>")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# The letterhead of every PDF the portal issues: Fedris' address and the programme's contact.
LETTERHEAD = {
    # Empty: Fedris' own address, in the reader's language.
    "address": os.environ.get("BOTP_LETTERHEAD_ADDRESS", ""),
    "phone": os.environ.get("BOTP_LETTERHEAD_PHONE", "+32 2 226 62 11"),
    "email": os.environ.get("BOTP_LETTERHEAD_EMAIL", "burnout@fedris.be"),
    "web": os.environ.get("BOTP_LETTERHEAD_WEB", "www.fedris.be"),
}

# Celery: a real broker when REDIS_URL is set, otherwise tasks run in-process.
REDIS_URL = env_secret("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Nothing reads task results but the deployment's round-trip check (botp.tasks.ping).
CELERY_TASK_IGNORE_RESULT = True
# A request only kicks the worker after its commit (botp.outbox); when the broker is down the
# kick must fail fast, not hold the person's page: the periodic sweep delivers instead.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5,
                                   "max_retries": 0}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Two queues: "celery" for the outbox's e-mails and every other task, "heavy" for the long jobs
# (a research export, a month's statements: botp.tasks.deliver_heavy). A worker started without
# -Q takes both; a deployment gives the long jobs a worker of their own (docker-compose's
# worker-heavy), so that two of them at once never hold the e-mails up.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("celery"), Queue("heavy")]
CELERY_TASK_ROUTES = {"botp.tasks.deliver_heavy": {"queue": "heavy"}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The database scheduler adds these at start; Fedris can change the times in the back office.
CELERY_BEAT_SCHEDULE = {
    "deliver-outbox": {"task": "botp.tasks.sweep_outbox",
                       "schedule": float(env_int("OUTBOX_SWEEP_SECONDS", 60, minimum=1))},
    "check-durations": {"task": "botp.tasks.check_durations",
                        "schedule": crontab(hour=6, minute=15)},
    "reconcile-survey-waves": {"task": "evaluation.tasks.reconcile_waves",
                               "schedule": crontab(hour=9, minute=0)},
    "monitor-follow-ups": {"task": "evaluation.monitor.tasks.invite_follow_ups",
                           "schedule": crontab(hour=9, minute=30)},
    # The providers' statements of the month just ended (botp/payments), built once a month.
    "payment-statements": {"task": "botp.payments.tasks.build_monthly_statements",
                           "schedule": crontab(day_of_month=1, hour=5, minute=0)},
}

# The account Fedris pays from: the debtor of every SEPA payment file (botp/payments/sepa.py).
# The demo's values are an example account; set Fedris' own before the first payment run.
PAYMENT_DEBTOR_NAME = os.environ.get("PAYMENT_DEBTOR_NAME", "Fedris")
PAYMENT_DEBTOR_IBAN = os.environ.get("PAYMENT_DEBTOR_IBAN", "BE68539007547034")
PAYMENT_DEBTOR_BIC = os.environ.get("PAYMENT_DEBTOR_BIC", "")

# The outbox (botp/outbox.py): how long a worker holds a message it is delivering, how many
# attempts before a message is marked failed, and the first wait between attempts (doubling).
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300, minimum=5)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 10, minimum=1)
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60, minimum=1)
# How many drains of the outbox may wait for a worker at once (botp.outbox.kick): as many as
# the worker has processes, so both work through a burst of messages side by side.
OUTBOX_DRAINS = env_int("OUTBOX_DRAINS", 2, minimum=1)
# The lease of a heavy job (a research export, a month's statements), each run as its own task:
# longer than the longest such job, or the sweep would start it again while it runs.
OUTBOX_HEAVY_LEASE_SECONDS = env_int("OUTBOX_HEAVY_LEASE_SECONDS", 1800, minimum=60)
# How often a worker tries to record an outcome across a dropped database connection.
OUTBOX_RECORD_TRIES = 8

# The cache (login rate limits) lives in the database, shared by every web process: logging in
# must not depend on the broker.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                      "LOCATION": "botp_cache"}}
# How long the outcome dashboard may keep its counts over every admitted case while no case
# moved and no wave was sent or completed (evaluation.outcomes); 0 counts them at every view.
OUTCOME_CACHE_SECONDS = env_int("OUTCOME_CACHE_SECONDS", 900, minimum=0)

# How long an API token issued in the back office stays valid.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)

# The shortest and longest session a provider can record, in minutes: a guard against typing
# errors, not a programme rule (no programme limits a session's length). Forms, API and
# botp/sessions.py all read it here.
SESSION_MINUTES = (10, 480)

# How many days before a provider's Fedris accreditation ends administrators see it as a to-do.
ACCREDITATION_WARNING_DAYS = env_int("ACCREDITATION_WARNING_DAYS", 60, minimum=1)

# The evaluation shows and exports aggregates of no fewer people than this.
BOTP_MIN_GROUP_SIZE = env_int("BOTP_MIN_GROUP_SIZE", 10, minimum=1)

# Rows on a page of the portal's lists (cases, requests, review queues, messages) and of the
# API's.
LIST_PAGE_SIZE = 25

# The API (/api/v1/): browsers use their session, integrations a token that Fedris creates in
# the back office. Token first, so a request without credentials is answered 401. JSON only:
# the documentation page is /api/docs/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "botp.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "botp.api.pagination.KeysetPagination",
    "PAGE_SIZE": LIST_PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "botp.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BOTP portal API",
    "DESCRIPTION": (
        "Read access to the cases of Fedris' Burnout Treatment Programme, each user seeing "
        "what the portal's pages show them, and recording the sessions a provider gave. "
        "Authenticate with the portal session or with `Authorization: Token <key>`."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation page loads nothing from outside the portal.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "botp.models.session.SessionStatus",
        "SurveyWaveStatusEnum": "evaluation.models.InvitationStatus",
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_CONTENT_TYPE_NOSNIFF = True

# No personal data in logs: requests are logged by path only and errors carry no POST bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_request_data": {"()": "botp.logging.StripRequestData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_request_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # The development server's request log, through the same filter as everything else.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Eager tasks in demo mode would otherwise log every e-mail they send.
        "celery.app.trace": {"level": "WARNING"},
        # WeasyPrint reports every step of every render at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
