"""Django settings for Étalage, read from the environment.

Every setting that differs between machines comes from an ``ETALAGE_*`` variable or
``DATABASE_URL``; nothing here needs editing to deploy.
"""

import base64
import hashlib
import ipaddress
import os
import secrets
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("ETALAGE_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = _env_bool("ETALAGE_DEBUG")
TESTING = _env_bool("ETALAGE_TESTING")


def _own_secret_key(path: Path) -> str:
    """The key kept in ``path`` (owner-only), made there the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it at this very moment
            pass
        else:
            with os.fdopen(handle, "w") as file:
                file.write(secrets.token_urlsafe(50) + "\n")
    return path.read_text().strip()


# The tests sign with a public constant. With debug on and no key, a key of the
# machine's own is made once in the data directory (as `make run` does), never a
# public one: every key derived from it would be everyone's (etalage.core.keys
# refuses to derive from this constant outside the tests).
INSECURE_TEST_SECRET_KEY = "etalage-insecure-key-for-debug-and-tests-only"  # noqa: S105
SECRET_KEY = os.environ.get("ETALAGE_SECRET_KEY", "")
# Previous secret keys while it rotates (comma-separated): sessions, links and what
# was sealed under a key derived from them still open (docs/production.md, keys).
SECRET_KEY_FALLBACKS = _env_list("ETALAGE_SECRET_KEY_FALLBACKS", "")
if not SECRET_KEY:
    if TESTING:
        SECRET_KEY = INSECURE_TEST_SECRET_KEY
    elif DEBUG:
        SECRET_KEY = _own_secret_key(DATA_DIR / "secret_key")
    else:
        raise ImproperlyConfigured(
            "ETALAGE_SECRET_KEY must be set when ETALAGE_DEBUG is off "
            "(`make run` creates one in the data directory)."
        )

ALLOWED_HOSTS = _env_list("ETALAGE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("ETALAGE_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "ninja",  # the API docs page from Étalage's own static files, not a CDN
    "django_tasks_db",
    "etalage.core",
    "etalage.events",
    "etalage.merchants",
    "etalage.accounts",
    "etalage.catalog",
    "etalage.pricing",
    "etalage.customs",
    "etalage.inventory",
    "etalage.checkout",
    "etalage.orders",
    "etalage.payments",
    "etalage.ledger",
    "etalage.logistics",
    "etalage.webhooks",
    "etalage.declarations",
    "etalage.returns",
    "etalage.analytics",
    "etalage.promotions",
    "etalage.reviews",
    "etalage.search",
    "etalage.web",
    "etalage.api",
    "etalage.demo",
]

MIDDLEWARE = [
    # The client's address behind the trusted proxies, for every limit and log.
    "etalage.core.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "etalage.web.middleware.WorkplaceLanguageMiddleware",
    "etalage.web.middleware.MarketMiddleware",
    "etalage.web.middleware.SecurityHeadersMiddleware",
    "etalage.web.middleware.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "etalage.urls"
WSGI_APPLICATION = "etalage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The back-office's own pages over Django's admin (searched before the apps).
        "DIRS": [PACKAGE_DIR / "web" / "backoffice_templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "etalage.web.context_processors.storefront",
                "etalage.web.context_processors.backoffice",
            ],
        },
    },
    {
        # Plain-text emails: the same templates, never HTML-escaped (d'abbaye, not
        # d&#x27;abbaye).
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

_default_database = f"sqlite:///{DATA_DIR / 'etalage.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_database), conn_max_age=600
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE takes the write
        # lock at BEGIN so that concurrent writers queue instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if TESTING:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# PostgreSQL streaming replicas of the primary (comma-separated URLs): the
# storefront's catalogue pages read the catalogue there (etalage.core.routing).
_connection_age = DATABASES["default"]["CONN_MAX_AGE"]
for _n, _url in enumerate(_env_list("ETALAGE_REPLICA_URLS", "")):
    DATABASES[f"replica{_n}"] = {
        **dj_database_url.parse(_url, conn_max_age=_connection_age),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["etalage.core.routing.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

# Languages: Simplified Chinese first (the China market's language), then the
# languages of Belgium and English. Codes are Django's (lower case).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("fr", "Français"),
    ("nl", "Nederlands"),
    ("en", "English"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
# Dates such as "the exchange rate in force today" follow the ECB (Central European
# Time); pages show times in the viewer's own zone.
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ETALAGE_MEDIA_ROOT", DATA_DIR / "media"))
# A single-machine deployment lets Étalage serve uploaded images itself; behind a
# CDN or a web server, turn this off and serve MEDIA_ROOT from there.
SERVE_MEDIA = _env_bool("ETALAGE_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

_redis_url = os.environ.get("ETALAGE_REDIS_URL")
# Counts shared by every worker (rate limits, sign-in lockout) go to Redis when set,
# else to the database (etalage.core.limits).
ETALAGE_REDIS_URL = _redis_url or ""
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# With Redis, sessions are read from the cache and written through to the database
# (a signed-in request reads no session row; a flushed cache loses no session).
if _redis_url:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 14 * 24 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
# Behind HTTPS (ETALAGE_HTTPS=1): secure cookies, HSTS and redirects to HTTPS; a proxy
# that terminates TLS must send X-Forwarded-Proto.
HTTPS = _env_bool("ETALAGE_HTTPS", _env_bool("ETALAGE_SECURE_COOKIES"))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(
    os.environ.get("ETALAGE_HSTS_SECONDS", 31536000 if HTTPS else 0)
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("ETALAGE_LOG_LEVEL", "INFO"),
    },
    # The task worker logs every task at INFO; follow the chosen level.
    "loggers": {
        name: {"level": os.environ.get("ETALAGE_LOG_LEVEL", "INFO")}
        for name in ("django_tasks", "django_tasks_db")
    },
}

# Text messages (one-time codes): a class with send(to, text); the console by default.
ETALAGE_SMS_BACKEND = os.environ.get(
    "ETALAGE_SMS_BACKEND",
    "etalage.accounts.sms.MemorySmsBackend"
    if TESTING
    else "etalage.accounts.sms.ConsoleSmsBackend",
)

EMAIL_BACKEND = os.environ.get(
    "ETALAGE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# With the file backend (the demo's `etalage serve --demo`), one file an email here.
EMAIL_FILE_PATH = os.environ.get("ETALAGE_EMAIL_FILE_PATH", str(DATA_DIR / "emails"))
EMAIL_HOST = os.environ.get("ETALAGE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ETALAGE_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("ETALAGE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ETALAGE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("ETALAGE_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get(
    "ETALAGE_FROM_EMAIL", "Étalage <no-reply@etalage.local>"
)

# Background work (delivering domain events, providers' notifications, imports,
# customs messages). A task is asked for once the change that needs it commits. By
# default the tasks are rows of the database taken by `etalage db_worker` (started
# by `etalage serve`), which looks for new ones every 0.2 s; with
# ETALAGE_TASK_BROKER=redis they go to Redis (RQ) and the workers (`etalage
# rqworker`) take each the moment it arrives. Either way what a task works on is
# written in the change's own transaction (the outbox, the notifications kept raw,
# the import runs, the refunds, the products to index) or read from the state it
# leaves (parcels released without a waybill, payments not declared), so the clock
# picks up anything a task lost between the commit and the queue left behind.
ETALAGE_TASK_BROKER = os.environ.get("ETALAGE_TASK_BROKER", "database")
if ETALAGE_TASK_BROKER not in ("database", "redis"):
    raise ImproperlyConfigured("ETALAGE_TASK_BROKER is 'database' or 'redis'.")
if ETALAGE_TASK_BROKER == "redis" and not _redis_url:
    raise ImproperlyConfigured("ETALAGE_TASK_BROKER=redis needs ETALAGE_REDIS_URL.")
if TESTING:
    _tasks_backend = "django_tasks.backends.immediate.ImmediateBackend"
elif ETALAGE_TASK_BROKER == "redis":
    _tasks_backend = "django_tasks_rq.RQBackend"
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": _redis_url, "DEFAULT_TIMEOUT": 3600}}
else:
    _tasks_backend = "django_tasks_db.DatabaseBackend"
TASKS = {"default": {"BACKEND": _tasks_backend}}
# The buyer's resident ID number: Fernet keys (newest first; all decrypt) and the key
# of its HMAC. Unset, both are derived from ETALAGE_SECRET_KEY.
ETALAGE_ID_ENCRYPTION_KEYS = _env_list("ETALAGE_ID_ENCRYPTION_KEYS", "")
ETALAGE_ID_HMAC_KEY = os.environ.get("ETALAGE_ID_HMAC_KEY", "")

# Files kept out of MEDIA_ROOT, which may be public: merchants' uploaded imports.
PRIVATE_ROOT = DATA_DIR / "private"

# Étalage's own settings.
# The address of the site as people reach it, for links in emails.
ETALAGE_SITE_URL = os.environ.get("ETALAGE_SITE_URL", "http://127.0.0.1:8000").rstrip(
    "/"
)
# Reverse proxies in front of Étalage (addresses or networks, comma-separated):
# only a connection from one of them has its X-Forwarded-For read, right to left,
# for the client's address (etalage.core.client_address). Empty: no proxy.
ETALAGE_TRUSTED_PROXIES = _env_list("ETALAGE_TRUSTED_PROXIES", "")
for _proxy in ETALAGE_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"ETALAGE_TRUSTED_PROXIES: {_proxy!r} is not an address or a network"
        ) from None
# Sign-in attempts for one login from one client address before a pause (seconds).
ETALAGE_LOGIN_ATTEMPTS = int(os.environ.get("ETALAGE_LOGIN_ATTEMPTS", 5))
ETALAGE_LOGIN_LOCKOUT_SECONDS = int(
    os.environ.get("ETALAGE_LOGIN_LOCKOUT_SECONDS", 900)
)
# Sign-in attempts for one login from addresses it never signed in from, in a day,
# before those are paused too (the addresses it signed in from are never paused).
ETALAGE_LOGIN_ATTEMPTS_PER_LOGIN = int(
    os.environ.get("ETALAGE_LOGIN_ATTEMPTS_PER_LOGIN", 50)
)
ETALAGE_LOGIN_PER_LOGIN_SECONDS = int(
    os.environ.get("ETALAGE_LOGIN_PER_LOGIN_SECONDS", 86400)
)
# Emails and texts that sign-up and a forgotten password send for one client
# address in an hour, at most (past it they are dropped, silently).
ETALAGE_MESSAGES_PER_ADDRESS_HOUR = int(
    os.environ.get("ETALAGE_MESSAGES_PER_ADDRESS_HOUR", 20)
)
# Requests a merchant API key may make a minute.
ETALAGE_API_REQUESTS_PER_MINUTE = int(
    os.environ.get("ETALAGE_API_REQUESTS_PER_MINUTE", 600)
)
# Orders a signed-in buyer may place or cancel through the API in a minute.
ETALAGE_BUYER_ORDER_WRITES_PER_MINUTE = int(
    os.environ.get("ETALAGE_BUYER_ORDER_WRITES_PER_MINUTE", 20)
)
# The commission proposed at approval when none of the merchant's categories has one.
ETALAGE_DEFAULT_COMMISSION_PERCENT = os.environ.get(
    "ETALAGE_DEFAULT_COMMISSION_PERCENT", "15.00"
)
# The back-office's and the merchant portal's language when the browser names none.
ETALAGE_WORKPLACE_LANGUAGE = "en"
ETALAGE_DEFAULT_MARKET = os.environ.get("ETALAGE_DEFAULT_MARKET", "CN")
ETALAGE_PAGE_SIZE = 24
# Catalogue files up to this size import while the merchant waits; larger ones and
# ZIP archives run in the background with their progress shown.
ETALAGE_IMPORT_INLINE_BYTES = int(
    os.environ.get("ETALAGE_IMPORT_INLINE_BYTES", 512 * 1024)
)
# How long every page may reuse the markets, rates and category tree (seconds).
ETALAGE_REFERENCE_CACHE_SECONDS = int(
    os.environ.get("ETALAGE_REFERENCE_CACHE_SECONDS", 0 if TESTING else 60)
)
# How long the storefront keeps a rendered product or category body (web.fragments;
# seconds; 0: off). They are shared by every worker and renewed when what they show
# changes, so they need the shared cache: off without Redis.
ETALAGE_FRAGMENT_CACHE_SECONDS = int(
    os.environ.get(
        "ETALAGE_FRAGMENT_CACHE_SECONDS", 30 if _redis_url and not TESTING else 0
    )
)
ETALAGE_SITE_NAME = _("Étalage")

# Payments. The embedded sandbox (Étalage's own stand-in for Antom, with test keys
# made in the data directory) is on in the demo (`make run`) and the tests, never
# by default: production sets the real provider's settings instead.
ETALAGE_PAYMENT_SANDBOX = _env_bool("ETALAGE_PAYMENT_SANDBOX", TESTING)
ETALAGE_ANTOM_CLIENT_ID = os.environ.get("ETALAGE_ANTOM_CLIENT_ID", "")
ETALAGE_ANTOM_PRIVATE_KEY = os.environ.get("ETALAGE_ANTOM_PRIVATE_KEY", "")
ETALAGE_ANTOM_PUBLIC_KEY = os.environ.get("ETALAGE_ANTOM_PUBLIC_KEY", "")
# Antom's gateway: the domain Antom publishes for the region (europe, asia or
# north-america; payments.antom.GATEWAYS), or another published one named in full.
ETALAGE_ANTOM_REGION = os.environ.get("ETALAGE_ANTOM_REGION", "europe")
ETALAGE_ANTOM_GATEWAY = os.environ.get("ETALAGE_ANTOM_GATEWAY", "")
ETALAGE_WECHAT_MCHID = os.environ.get("ETALAGE_WECHAT_MCHID", "")
ETALAGE_WECHAT_APPID = os.environ.get("ETALAGE_WECHAT_APPID", "")
ETALAGE_WECHAT_PRIVATE_KEY = os.environ.get("ETALAGE_WECHAT_PRIVATE_KEY", "")
ETALAGE_WECHAT_SERIAL_NO = os.environ.get("ETALAGE_WECHAT_SERIAL_NO", "")
ETALAGE_WECHAT_PLATFORM_KEY = os.environ.get("ETALAGE_WECHAT_PLATFORM_KEY", "")
ETALAGE_WECHAT_PLATFORM_SERIAL = os.environ.get("ETALAGE_WECHAT_PLATFORM_SERIAL", "")
ETALAGE_WECHAT_API_V3_KEY = os.environ.get("ETALAGE_WECHAT_API_V3_KEY", "")
ETALAGE_WECHAT_GATEWAY = os.environ.get(
    "ETALAGE_WECHAT_GATEWAY", "https://apihk.mch.weixin.qq.com"
)
ETALAGE_WECHAT_MERCHANT_CATEGORY_CODE = os.environ.get(
    "ETALAGE_WECHAT_MERCHANT_CATEGORY_CODE", "5499"
)
# The customs office WeChat Pay declares payments to, in WeChat Pay's own list
# (payments.wechat_customs.CUSTOMS_CODES: e.g. ZHENGZHOU_BS, Zhengzhou bonded centre).
ETALAGE_WECHAT_CUSTOMS = os.environ.get("ETALAGE_WECHAT_CUSTOMS", "ZHENGZHOU_BS")
# Sign in with WeChat and JSAPI payments: the official account's secret (its app id
# is ETALAGE_WECHAT_APPID) for WeChat's web authorization, and a mini-program's app
# id and secret (code2session). accounts.wechat_oauth; empty: off.
ETALAGE_WECHAT_APP_SECRET = os.environ.get("ETALAGE_WECHAT_APP_SECRET", "")
ETALAGE_WECHAT_MINI_PROGRAM_APPID = os.environ.get(
    "ETALAGE_WECHAT_MINI_PROGRAM_APPID", ""
)
ETALAGE_WECHAT_MINI_PROGRAM_SECRET = os.environ.get(
    "ETALAGE_WECHAT_MINI_PROGRAM_SECRET", ""
)
# The payment's declaration to customs (through the provider, one per parcel): the
# customs office it goes to and the platform's registration there.
ETALAGE_CUSTOMS_OFFICE = os.environ.get("ETALAGE_CUSTOMS_OFFICE", "ZHENGZHOU")
ETALAGE_MERCHANT_CUSTOMS_CODE = os.environ.get(
    "ETALAGE_MERCHANT_CUSTOMS_CODE", "4101960ETL"
)
ETALAGE_MERCHANT_CUSTOMS_NAME = os.environ.get(
    "ETALAGE_MERCHANT_CUSTOMS_NAME", "Étalage cross-border platform"
)
# Customs declarations (CEB messages) and the single window. The embedded simulator
# (on with the payment sandbox: the demo and the tests) receives the messages and
# answers like the gateway; production turns it off, names its gateway (files
# exchanged with the customs client software in ETALAGE_CUSTOMS_GATEWAY_DIR) and its
# signer (the certificate in a hardware device, ETALAGE_CUSTOMS_SIGNER). The codes
# are the installation's registration with customs and the office it declares at.
ETALAGE_CUSTOMS_SANDBOX = _env_bool("ETALAGE_CUSTOMS_SANDBOX", ETALAGE_PAYMENT_SANDBOX)
# The worker declares paid parcels (off: the operator declares by hand).
ETALAGE_CUSTOMS_DECLARE = _env_bool("ETALAGE_CUSTOMS_DECLARE", True)
ETALAGE_CUSTOMS_GATEWAY = os.environ.get(
    "ETALAGE_CUSTOMS_GATEWAY", "simulator" if ETALAGE_CUSTOMS_SANDBOX else "files"
)
ETALAGE_CUSTOMS_GATEWAY_DIR = os.environ.get("ETALAGE_CUSTOMS_GATEWAY_DIR", "")
ETALAGE_CUSTOMS_SIGNER = os.environ.get("ETALAGE_CUSTOMS_SIGNER", "")
# The signature algorithm of the simulator's software signer: rsa-sha1 (as E-Port
# cards sign), rsa-sha256 or sm2-sm3 (etalage.declarations.signing).
ETALAGE_CUSTOMS_SIGNATURE = os.environ.get("ETALAGE_CUSTOMS_SIGNATURE", "rsa-sha1")
ETALAGE_CUSTOMS_DECLARING_OFFICE = os.environ.get(
    "ETALAGE_CUSTOMS_DECLARING_OFFICE", "4600"
)
ETALAGE_CUSTOMS_PORT = os.environ.get("ETALAGE_CUSTOMS_PORT", "4600")
ETALAGE_CUSTOMS_DXP_ID = os.environ.get("ETALAGE_CUSTOMS_DXP_ID", "")
ETALAGE_CUSTOMS_LOGISTICS_CODE = os.environ.get(
    "ETALAGE_CUSTOMS_LOGISTICS_CODE", "4101980ETH"
)
ETALAGE_CUSTOMS_LOGISTICS_NAME = os.environ.get(
    "ETALAGE_CUSTOMS_LOGISTICS_NAME", "Étalage Liège hub logistics"
)
# The payment companies' registration codes with customs (payCode), by provider.
ETALAGE_CUSTOMS_PAY_COMPANIES = {
    "alipay": (
        os.environ.get("ETALAGE_CUSTOMS_ALIPAY_CODE", "31222699S7"),
        "支付宝（中国）网络技术有限公司",
    ),
    "wechat": (
        os.environ.get("ETALAGE_CUSTOMS_WECHAT_CODE", "4403169D3W"),
        "财付通支付科技有限公司",
    ),
}
# Told to, the simulator misbehaves as the real gateway does: "reorder", "duplicate"
# or "drop" (comma-separated).
ETALAGE_CUSTOMS_SANDBOX_MISBEHAVE = os.environ.get(
    "ETALAGE_CUSTOMS_SANDBOX_MISBEHAVE", ""
)
# A declared message with no final answer after this long is asked about again.
ETALAGE_CUSTOMS_QUERY_AFTER = int(os.environ.get("ETALAGE_CUSTOMS_QUERY_AFTER", 600))
# The simulator answers a step every few seconds (entered, audited, released).
ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS = int(
    os.environ.get("ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS", 5)
)
# How long a payment or a refund may wait for the provider's notification before
# Étalage asks the provider about it (a lost notification, a crash mid-request).
ETALAGE_PAYMENT_ASK_AFTER = int(os.environ.get("ETALAGE_PAYMENT_ASK_AFTER", 120))

# The ledger and payouts. Commission is invoiced to Belgian merchants with Belgian
# VAT; a sub-order's net becomes available for payout once delivered and the
# return window is over; a payout run pays merchants owed at least the minimum.
ETALAGE_COMMISSION_VAT_PERCENT = Decimal(
    os.environ.get("ETALAGE_COMMISSION_VAT_PERCENT", "21")
)
ETALAGE_RETURN_WINDOW_DAYS = int(os.environ.get("ETALAGE_RETURN_WINDOW_DAYS", 30))
# How long a buyer may change their review after writing it (then: one follow-up).
ETALAGE_REVIEW_EDIT_DAYS = int(os.environ.get("ETALAGE_REVIEW_EDIT_DAYS", 30))
# Where buyers send returns, by route: the cross-border return warehouse in China
# for parcels flown from Liège (9610), the bonded warehouse for bonded stock (1210).
# Where returned parcels go, as the courier in China reads it: Chinese first, then
# the same in Latin letters (a line break between them is kept on the label).
ETALAGE_RETURN_ADDRESS_DIRECT = os.environ.get(
    "ETALAGE_RETURN_ADDRESS_DIRECT",
    "河南省郑州市航空港经济综合实验区 Étalage 跨境退货仓（沙盒地址）451162\n"
    "Étalage returns (sandbox address), Zhengzhou Airport Economy Zone, "
    "Henan 451162, CN",
)
ETALAGE_RETURN_ADDRESS_BONDED = os.environ.get(
    "ETALAGE_RETURN_ADDRESS_BONDED",
    "河南省郑州市新郑综合保税区 Étalage 保税仓（沙盒地址）451162\n"
    "Étalage bonded warehouse (sandbox address), Zhengzhou Xinzheng Comprehensive "
    "Bonded Zone, Henan 451162, CN",
)
ETALAGE_PAYOUT_MINIMUM_EUR = Decimal(os.environ.get("ETALAGE_PAYOUT_MINIMUM_EUR", "10"))
# Days the first payout to a newly approved payout account waits (every owner is
# emailed when an account is entered and approved).
ETALAGE_NEW_ACCOUNT_HOLD_DAYS = int(os.environ.get("ETALAGE_NEW_ACCOUNT_HOLD_DAYS", 7))
# The operator: who invoices the commission and pays the payouts (the debtor of the
# pain.001 files), with a structured address (town and country are required). In
# the sandbox (the demo), a fictitious operator with the ISO 13616 example account,
# said so on every page and document; in production these come from the
# environment and a payout run refuses to start without ETALAGE_PAYOUT_IBAN.
ETALAGE_BANK_SANDBOX = _env_bool("ETALAGE_BANK_SANDBOX", ETALAGE_PAYMENT_SANDBOX)
_demo = ETALAGE_BANK_SANDBOX
ETALAGE_OPERATOR = {
    "name": os.environ.get(
        "ETALAGE_OPERATOR_NAME", "Etalage demo operator" if _demo else ""
    ),
    "vat_number": os.environ.get(
        "ETALAGE_OPERATOR_VAT", "BE0987654394" if _demo else ""
    ),
    "street_name": os.environ.get("ETALAGE_OPERATOR_STREET", "Rue Montoyer"),
    "building_number": os.environ.get("ETALAGE_OPERATOR_BUILDING", "63"),
    "postcode": os.environ.get("ETALAGE_OPERATOR_POSTCODE", "1000"),
    "town": os.environ.get("ETALAGE_OPERATOR_TOWN", "Bruxelles"),
    "country": os.environ.get("ETALAGE_OPERATOR_COUNTRY", "BE"),
}
ETALAGE_PAYOUT_DEBTOR = {
    **ETALAGE_OPERATOR,
    "IBAN": os.environ.get("ETALAGE_PAYOUT_IBAN", "BE68539007547034" if _demo else ""),
    "BIC": os.environ.get("ETALAGE_PAYOUT_BIC", "BBRUBEBB" if _demo else ""),
}
# The Liège hub: its address on labels, and how far a parcel's weight at the hub may
# be from the weight the merchant packed (whichever of the two is larger).
ETALAGE_HUB_ADDRESS = os.environ.get(
    "ETALAGE_HUB_ADDRESS",
    "Étalage hub, Liège Airport, Rue de l'Aéroport, 4460 Grâce-Hollogne, BE",
)
ETALAGE_HUB_WEIGHT_TOLERANCE_PERCENT = Decimal(
    os.environ.get("ETALAGE_HUB_WEIGHT_TOLERANCE_PERCENT", "10")
)
ETALAGE_HUB_WEIGHT_TOLERANCE_GRAMS = int(
    os.environ.get("ETALAGE_HUB_WEIGHT_TOLERANCE_GRAMS", 50)
)
# Days a merchant has to hand a paid parcel to the hub before it is flagged late to
# the merchant and the operator.
ETALAGE_HANDLING_DAYS = int(os.environ.get("ETALAGE_HANDLING_DAYS", 3))
# How often each process adds the product page views it counted to the table
# (``analytics.product_views``); unset in tests, which flush when they mean to.
ETALAGE_PRODUCT_VIEWS_FLUSH_SECONDS: float | None = (
    None
    if TESTING
    else float(os.environ.get("ETALAGE_PRODUCT_VIEWS_FLUSH_SECONDS", 10))
)
# The delivery promise: deliveries of the last days measured, how often (seconds).
ETALAGE_PROMISE_PERIOD_DAYS = int(os.environ.get("ETALAGE_PROMISE_PERIOD_DAYS", 90))
ETALAGE_PROMISE_MEASURE_SECONDS = int(
    os.environ.get("ETALAGE_PROMISE_MEASURE_SECONDS", 3600)
)
# The demo's clock (`etalage serve --demo` turns it on): demo parcels move a step
# every few seconds through the same services people use.
ETALAGE_DEMO_CLOCK = _env_bool("ETALAGE_DEMO_CLOCK", False)
ETALAGE_DEMO_STEP_SECONDS = int(os.environ.get("ETALAGE_DEMO_STEP_SECONDS", 30))
# The demo merchant whose parcels the clock leaves to people, from packing to flight.
ETALAGE_DEMO_BY_HAND_MERCHANT = os.environ.get(
    "ETALAGE_DEMO_BY_HAND_MERCHANT", "maison-verhaeghe"
)
# The last mile in China: the carrier parcels are handed to once released, and each
# carrier's Standard Webhooks secret for its tracking pushes. The embedded sandbox
# carrier (on with the payment sandbox) pushes a step every few seconds.
ETALAGE_CARRIER_SANDBOX = _env_bool("ETALAGE_CARRIER_SANDBOX", ETALAGE_PAYMENT_SANDBOX)
# The sandbox carrier is the default, and registered, only with its sandbox on.
ETALAGE_CARRIER = os.environ.get(
    "ETALAGE_CARRIER", "sandbox" if ETALAGE_CARRIER_SANDBOX else ""
)
ETALAGE_CARRIER_SANDBOX_STEP_SECONDS = int(
    os.environ.get("ETALAGE_CARRIER_SANDBOX_STEP_SECONDS", 20)
)
ETALAGE_CARRIERS = {
    "sandbox": {
        "secret": os.environ.get("ETALAGE_CARRIER_SANDBOX_SECRET")
        or "whsec_"
        + base64.b64encode(
            hashlib.sha256(f"carrier-sandbox:{SECRET_KEY}".encode()).digest()
        ).decode()
    }
}
# Search: each node's own index (tantivy) in this folder; the node's name in the
# back-office's list of replicas; how often a web worker looks for a newer commit
# (the tests read their own writes at once); the writer's memory.
ETALAGE_SEARCH_DIR = Path(os.environ.get("ETALAGE_SEARCH_DIR", DATA_DIR / "search"))
ETALAGE_SEARCH_NODE = os.environ.get("ETALAGE_SEARCH_NODE", "")
ETALAGE_SEARCH_RELOAD_SECONDS = float(
    os.environ.get("ETALAGE_SEARCH_RELOAD_SECONDS", 0 if TESTING else 1)
)
ETALAGE_SEARCH_WRITER_MB = int(os.environ.get("ETALAGE_SEARCH_WRITER_MB", 200))
# Notifications and carrier pushes: the largest body kept, and how many one client
# address may post a minute.
ETALAGE_NOTIFY_MAX_BYTES = int(os.environ.get("ETALAGE_NOTIFY_MAX_BYTES", 65536))
ETALAGE_NOTIFY_PER_MINUTE = int(os.environ.get("ETALAGE_NOTIFY_PER_MINUTE", 300))
# Refused notifications and carrier pushes (kept cut short) are deleted after this.
ETALAGE_REFUSED_POSTS_KEEP_DAYS = int(
    os.environ.get("ETALAGE_REFUSED_POSTS_KEEP_DAYS", 14)
)
# Calls to parties outside (etalage.core.outbound): seconds an answer may take.
ETALAGE_OUTBOUND_TIMEOUT = float(os.environ.get("ETALAGE_OUTBOUND_TIMEOUT", 10))
