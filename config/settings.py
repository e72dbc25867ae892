"""Settings, driven by the environment.

With no environment at all the product runs on the embedded default: SQLite and local files
under ``var/`` in the checkout, the in-process (database-backed) task worker, Bahasa Indonesia.
Set ``DATABASE_URL`` (e.g. ``postgres://postgres@127.0.0.1:5432/trantib``) for PostgreSQL.
"""

import ipaddress
from pathlib import Path
from typing import NoReturn

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("TRANTIB_VAR_DIR", default=str(BASE_DIR / "var")))
# The embedded database and uploaded files live here: a fresh checkout has no such folder yet.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Production mode, one switch: HTTPS only (redirect, HSTS, secure cookies), a key of its own,
# no debug pages. Without it the embedded default runs as a local single-machine install.
PRODUCTION = env.bool("TRANTIB_PRODUCTION", default=False)
_EMBEDDED_KEY = "trantib-embedded-default-not-for-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _EMBEDDED_KEY
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])


def _refuse(line: str) -> NoReturn:
    # One clear line on stderr and exit status 1, before anything else starts: a traceback
    # would bury the one thing the operator must fix.
    raise SystemExit(f"Trantib: {line}")


if PRODUCTION:
    if SECRET_KEY == _EMBEDDED_KEY:
        _refuse(
            "TRANTIB_PRODUCTION=1 needs a secret key of its own: set DJANGO_SECRET_KEY "
            "(e.g. the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if DEBUG:
        _refuse("TRANTIB_PRODUCTION=1 and DJANGO_DEBUG=1 cannot go together: unset DJANGO_DEBUG.")

# Our own reverse proxies (addresses or networks, e.g. "127.0.0.1,10.0.0.0/24"). Only a request
# from one of them is believed about the client's address (X-Forwarded-For, read from the right
# by trantib.core.ratelimit.client_address) and about HTTPS (X-Forwarded-Proto); from anyone
# else both headers are ignored, so a client cannot pick its own rate-limit budget.
TRANTIB_TRUSTED_PROXIES = [
    entry.strip() for entry in env.list("TRANTIB_TRUSTED_PROXIES", default=[]) if entry.strip()
]
for _proxy in TRANTIB_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        _refuse(f"TRANTIB_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network.")
if TRANTIB_TRUSTED_PROXIES:
    # trantib.web.middleware.TrustedProxyMiddleware drops this header from anyone else first.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("TRANTIB_SSL_REDIRECT", default=True)
    # A year, as the HSTS preload list asks; TRANTIB_HSTS_SECONDS=300 while trying HTTPS out.
    SECURE_HSTS_SECONDS = env.int("TRANTIB_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("TRANTIB_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("TRANTIB_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

INSTALLED_APPS = [
    "trantib.web.admin_config.TrantibAdminConfig",  # django.contrib.admin, logging in at /login/
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the Swagger UI of /api/v1/docs from static files, not a CDN
    "template_partials",
    "pgtrigger",
    "django_tasks",
    "trantib.core.apps.TasksDatabaseConfig",  # django_tasks_db, named in Indonesian
    # Named: apps.py holds two configurations, so a bare "trantib.core" got neither's ready().
    "trantib.core.apps.CoreConfig",
    "trantib.accounts",
    "trantib.sops",
    "trantib.cases",
    "trantib.outbox",
    "trantib.complaints",
    "trantib.letters",
    "trantib.enforcement",
    "trantib.patrols",
    "trantib.operations",
    "trantib.community",
    "trantib.reports",
    "trantib.backups",
    "trantib.api",
    "trantib.web",
    "trantib.demo",
]

MIDDLEWARE = [
    "trantib.web.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "trantib.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "trantib.web.middleware.LanguageMiddleware",
    # While the database cannot be reached: 503 with a clear message (trantib.core.dbdown),
    # also when the session below fails; inside the language, so the page is in the reader's.
    "trantib.core.dbdown.DatabaseDownMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "trantib.accounts.middleware.PersonMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "trantib.accounts.middleware.TwoFactorEnrolMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "trantib" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trantib.cases.context_processors.notices",
                "trantib.web.context_processors.registers",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'trantib.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# The report indexes keep extra columns (INCLUDE) for PostgreSQL's index-only scans; SQLite
# builds the same index without them, which is what this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the worker run beside one writer; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: each process keeps its connection for TRANTIB_DB_CONN_MAX_AGE
    # seconds (0: a new one per request) instead of paying the connect and login every request;
    # the health check replaces one that broke while idle (the database restarted) before a
    # request uses it, so the request does not fail. SQLite opens a file: it keeps 0.
    _conn_max_age = env.str("TRANTIB_DB_CONN_MAX_AGE", default="60").strip()
    if not (_conn_max_age.isascii() and _conn_max_age.isdigit()):
        _refuse(
            f"TRANTIB_DB_CONN_MAX_AGE: {_conn_max_age!r} is not a number of seconds (0 or more)."
        )
    DATABASES["default"]["CONN_MAX_AGE"] = int(_conn_max_age)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiler spent up to 1.4 s compiling a report's aggregate that runs in
    # 0.2 s (docs/decisions/0005-postgresql-jit-off.md); TRANTIB_PG_JIT=on gives it back.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    jit = "on" if env.bool("TRANTIB_PG_JIT", default=False) else "off"
    options["options"] = f"{options.get('options', '')} -c jit={jit}".strip()
    # A database host that does not answer at all (a cut network, not a refusal): give up
    # connecting after this many seconds, so the request gets its 503 (trantib.core.dbdown)
    # well before gunicorn's 30 s timeout kills the worker.
    options.setdefault("connect_timeout", env.int("TRANTIB_DB_CONNECT_TIMEOUT", default=10))

# The fast paths' few statements (a completion, a case's start) are prepared on PostgreSQL:
# planned once per connection (trantib/core/rows.py, run_prepared). 0 for a connection pooler
# in transaction mode that cannot keep prepared statements.
TRANTIB_DB_PREPARE = env.bool("TRANTIB_DB_PREPARE", default=True)

# The report pages' reads on a read replica: TRANTIB_DB_REPLICA_URL (config/dbrouter.py).
from config.dbrouter import DATABASE_ROUTERS, replica_databases  # noqa: E402, F401

DATABASES.update(replica_databases(DATABASES["default"], _refuse))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every password a person sets (the admin, `trantib changepassword`, /akun/sandi/) is checked
# by Django's validators; the demo loader writes its fixed password as a hash and is not.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("TRANTIB_PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins (the page /login/ and POST /api/v1/auth/token share one throttle): an account is
# locked for TRANTIB_LOGIN_LOCKOUT seconds after TRANTIB_LOGIN_ACCOUNT_FAILURES failures within
# TRANTIB_LOGIN_WINDOW seconds, whoever sent them; a client (its address) after
# TRANTIB_LOGIN_CLIENT_FAILURES, whichever accounts it tried. A wrong second-factor code
# counts as a failure of the account.
TRANTIB_LOGIN_ACCOUNT_FAILURES = env.int("TRANTIB_LOGIN_ACCOUNT_FAILURES", default=5)
TRANTIB_LOGIN_CLIENT_FAILURES = env.int("TRANTIB_LOGIN_CLIENT_FAILURES", default=20)
TRANTIB_LOGIN_WINDOW = env.int("TRANTIB_LOGIN_WINDOW", default=15 * 60)
TRANTIB_LOGIN_LOCKOUT = env.int("TRANTIB_LOGIN_LOCKOUT", default=15 * 60)
# API tokens live this many days unless their owner asks for fewer (or more, up to the max).
TRANTIB_API_TOKEN_DAYS = env.int("TRANTIB_API_TOKEN_DAYS", default=30)
TRANTIB_API_TOKEN_MAX_DAYS = env.int("TRANTIB_API_TOKEN_MAX_DAYS", default=365)
# Two-factor login (TOTP, django-otp): a unit may require it of its heads (the holders of its
# supervising positions) and of the administrators (staff logins) who hold a position in it;
# TRANTIB_TWO_FACTOR_STAFF=1 requires it of every staff login. The second step must follow
# the password within TRANTIB_TWO_FACTOR_SECONDS.
TRANTIB_TWO_FACTOR_STAFF = env.bool("TRANTIB_TWO_FACTOR_STAFF", default=False)
TRANTIB_TWO_FACTOR_SECONDS = env.int("TRANTIB_TWO_FACTOR_SECONDS", default=300)
OTP_TOTP_ISSUER = env.str("TRANTIB_TWO_FACTOR_ISSUER", default="Trantib")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "trantib" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded files: the folder above, or an S3-compatible bucket (config/storage.py).
from config.storage import STORAGES, storage_problem  # noqa: E402, F401

if storage_problem():
    _refuse(storage_problem())

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The SOP library: every *.yaml below this folder is loaded and validated at start-up.
TRANTIB_SOP_LIBRARY = Path(
    env.str("TRANTIB_SOP_LIBRARY", default=str(BASE_DIR / "trantib" / "sops" / "library"))
)
# SOP files written through the web (uploads, drafts, their published versions): loaded with the
# library above, one folder per unit (docs/sop-lifecycle.md). The library above is never written.
TRANTIB_SOP_UPLOADS = Path(env.str("TRANTIB_SOP_UPLOADS", default=str(VAR_DIR / "sop")))

# Background jobs: the database backend by default (``trantib worker`` runs them);
# TRANTIB_TASKS=rq runs them on Redis (config/jobs.py).
from config.jobs import (  # noqa: E402
    JOB_APPS,
    RQ_QUEUES,  # noqa: F401
    TASKS,  # noqa: F401
    TRANTIB_REDIS_URL,  # noqa: F401
    jobs_problem,
)

if jobs_problem():
    _refuse(jobs_problem())
INSTALLED_APPS += JOB_APPS
# ``trantib backup`` writes its archives here unless --output names a file or folder.
TRANTIB_BACKUP_DIR = Path(env.str("TRANTIB_BACKUP_DIR", default=str(VAR_DIR / "backups")))
# Attachments (photos, scans): the largest file accepted.
TRANTIB_ATTACHMENT_MAX_BYTES = env.int("TRANTIB_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# ``trantib worker``: how often the deadline sweep runs (seconds).
TRANTIB_SWEEP_SECONDS = env.int("TRANTIB_SWEEP_SECONDS", default=30)
# Officers are warned this many minutes before a task falls due (once per task).
TRANTIB_DEADLINE_LEAD_MINUTES = env.int("TRANTIB_DEADLINE_LEAD_MINUTES", default=120)
# The morning digest of what is due today goes out from this hour, in each unit's own zone;
# the worker looks every TRANTIB_DIGEST_CHECK_SECONDS whether it is time.
TRANTIB_DIGEST_HOUR = env.int("TRANTIB_DIGEST_HOUR", default=6)
TRANTIB_DIGEST_CHECK_SECONDS = env.int("TRANTIB_DIGEST_CHECK_SECONDS", default=300)

# -- Notification outbox (trantib.outbox) ------------------------------------------------------
# Which gateway sends each channel: "file" (the embedded default: one file per message under
# TRANTIB_OUTBOX_DIR), "console" (the log), "http" (the generic SMS gateway below), "email"
# (Django's mail, for the e-mail channel), or the dotted path of a Gateway class.
TRANTIB_OUTBOX_GATEWAYS = {
    "sms": env.str("TRANTIB_SMS_GATEWAY", default="file"),
    "email": env.str("TRANTIB_EMAIL_GATEWAY", default="file"),
}
TRANTIB_OUTBOX_DIR = Path(env.str("TRANTIB_OUTBOX_DIR", default=str(VAR_DIR / "outbox")))
# A message that failed this many times is dead-lettered (shown to administrators).
TRANTIB_OUTBOX_MAX_ATTEMPTS = env.int("TRANTIB_OUTBOX_MAX_ATTEMPTS", default=6)
# Retry after backoff * 2 ** (attempt - 1) seconds: 30 s, 1, 2, 4, 8 min by default.
TRANTIB_OUTBOX_BACKOFF_SECONDS = env.int("TRANTIB_OUTBOX_BACKOFF_SECONDS", default=30)
# A message claimed by a worker that died is taken again after this many seconds.
TRANTIB_OUTBOX_LEASE_SECONDS = env.int("TRANTIB_OUTBOX_LEASE_SECONDS", default=120)
# The generic HTTP SMS gateway: POST to the URL with the body template filled in
# ({to}, {body}, {key} — JSON-escaped when the content type is JSON); the Authorization header.
TRANTIB_SMS_HTTP_URL = env.str("TRANTIB_SMS_HTTP_URL", default="")
TRANTIB_SMS_HTTP_AUTH = env.str("TRANTIB_SMS_HTTP_AUTH", default="")
TRANTIB_SMS_HTTP_CONTENT_TYPE = env.str("TRANTIB_SMS_HTTP_CONTENT_TYPE", default="application/json")
TRANTIB_SMS_HTTP_BODY = env.str(
    "TRANTIB_SMS_HTTP_BODY",
    default='{{"to": "{to}", "message": "{body}", "idempotency_key": "{key}"}}',
)
TRANTIB_SMS_HTTP_TIMEOUT = env.float("TRANTIB_SMS_HTTP_TIMEOUT", default=10.0)
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="trantib@localhost")

# -- Complaints (trantib.complaints) -------------------------------------------------------------
# Where citizens reach this server: the status links in receipts and answers. Unset: a page
# links to the address it was requested on; a message written outside a request (an SMS
# receipt) to the address `trantib serve` listens on, which it exports as TRANTIB_SERVED_URL
# (else 127.0.0.1 on $PORT), so a changed PORT gives no dead links.
TRANTIB_PUBLIC_URL = env.str("TRANTIB_PUBLIC_URL", default="")
TRANTIB_SERVED_URL = env.str(
    "TRANTIB_SERVED_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
)
# The SMS gateway's webhook must send this secret (header X-Trantib-Secret); empty = webhook off.
TRANTIB_SMS_WEBHOOK_SECRET = env.str("TRANTIB_SMS_WEBHOOK_SECRET", default="")
# The public form: at most this many complaints per client in the window (seconds).
TRANTIB_PUBLIC_RATE_LIMIT = env.int("TRANTIB_PUBLIC_RATE_LIMIT", default=5)
TRANTIB_PUBLIC_RATE_WINDOW = env.int("TRANTIB_PUBLIC_RATE_WINDOW", default=3600)
# One Open311 application (its api_key) in all, whatever devices it names, per the same window.
TRANTIB_OPEN311_RATE_LIMIT = env.int("TRANTIB_OPEN311_RATE_LIMIT", default=600)
# The public letter verification page (/verifikasi/<code>/): views and uploads per client.
TRANTIB_VERIFY_RATE_LIMIT = env.int("TRANTIB_VERIFY_RATE_LIMIT", default=30)
TRANTIB_VERIFY_RATE_WINDOW = env.int("TRANTIB_VERIFY_RATE_WINDOW", default=60)
# Lookups by tracking number (/lacak/<nomor>/, Open311 tokens/, SMS CEK): per client (an SMS:
# per number), hits and misses alike, in the window (seconds). docs/PRIVACY.md.
TRANTIB_LOOKUP_RATE_LIMIT = env.int("TRANTIB_LOOKUP_RATE_LIMIT", default=30)
TRANTIB_LOOKUP_RATE_WINDOW = env.int("TRANTIB_LOOKUP_RATE_WINDOW", default=600)
# Open311 reads (requests, requests/<id>) per client in the window (seconds).
TRANTIB_OPEN311_READ_RATE_LIMIT = env.int("TRANTIB_OPEN311_READ_RATE_LIMIT", default=120)
TRANTIB_OPEN311_READ_RATE_WINDOW = env.int("TRANTIB_OPEN311_READ_RATE_WINDOW", default=600)
# Electronic signatures (PAdES): a directory of the institution's PKCS#12 files
# (<UNIT>/<NIP|NRP|username>.p12 per person, <UNIT>.p12 per unit, trust/*.pem|crt|cer CAs to
# trust); the passphrase is typed at signing. Without a file or an imported certificate,
# Trantib's own CA per unit signs (TRANTIB_SIGNING_EMBEDDED=false refuses instead).
TRANTIB_SIGNING_PKCS12 = env.str("TRANTIB_SIGNING_PKCS12", default="")
TRANTIB_SIGNING_EMBEDDED = env.bool("TRANTIB_SIGNING_EMBEDDED", default=True)
# Salt of the rate-limit client digests (default: the SECRET_KEY).
TRANTIB_CLIENT_SALT = env.str("TRANTIB_CLIENT_SALT", default="")
# Duplicates: an open complaint of the same category this near, from the last so many days.
TRANTIB_DUPLICATE_METRES = env.int("TRANTIB_DUPLICATE_METRES", default=150)
TRANTIB_DUPLICATE_DAYS = env.int("TRANTIB_DUPLICATE_DAYS", default=14)
# LAPOR!-style answer deadline for a complaint, in working days from receipt.
TRANTIB_COMPLAINT_ANSWER_DAYS = env.int("TRANTIB_COMPLAINT_ANSWER_DAYS", default=5)
# Open311 GeoReport v2: the jurisdiction this server answers for.
TRANTIB_OPEN311_JURISDICTION = env.str("TRANTIB_OPEN311_JURISDICTION", default="trantib.local")
# Maps: the tile server (empty = no tiles: markers on a blank map, as in the tests).
TRANTIB_MAP_TILE_URL = env.str(
    "TRANTIB_MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
TRANTIB_MAP_ATTRIBUTION = env.str(
    "TRANTIB_MAP_ATTRIBUTION", default="&copy; OpenStreetMap contributors"
)

# Content-Security-Policy of every page (trantib.web.middleware): scripts and styles only from
# our own files — no inline script, no inline handler, no eval — so an injected <script> or
# onerror= cannot run even if some text ever escaped unescaped. The map tile server's origin is
# added to img-src from TRANTIB_MAP_TILE_URL. A page served to be framed by our own pages (a
# PDF preview, X-Frame-Options: SAMEORIGIN) gets frame-ancestors 'self' instead of 'none'.
TRANTIB_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("TRANTIB_LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Two lines per background job (RUNNING, SUCCESSFUL); the worker logs its own summary.
        "django_tasks": {"level": env.str("TRANTIB_JOB_LOG_LEVEL", default="WARNING")},
        "django_tasks_db": {"level": env.str("TRANTIB_JOB_LOG_LEVEL", default="WARNING")},
    },
}
