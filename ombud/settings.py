"""Settings come from the environment; defaults give a zero-setup SQLite install."""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("OMBUD_DATA_DIR", BASE_DIR.parent / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Keys anyone can read in this repository's history: a server must never sign with one.
WEAK_SECRET_KEYS = {"dev-only-insecure-key-change-me", "change-me", "secret", ""}


def _secret_key():
    """OMBUD_SECRET_KEY, else the key generated on first start and kept in DATA_DIR/secret_key (0600).
    Several processes may start at once: the first to link its file in place wins, the others read it."""
    import secrets
    import tempfile

    given = os.environ.get("OMBUD_SECRET_KEY")
    if given is not None:
        if given in WEAK_SECRET_KEYS or len(given) < 32:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                "OMBUD_SECRET_KEY is a published or short key: anyone could forge signed links with it. Unset it "
                "(a random key is then generated under OMBUD_DATA_DIR) or give at least 32 random characters.")
        return given
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=DATA_DIR, prefix=".secret_key.")
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("OMBUD_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("OMBUD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "huey.contrib.djhuey",
    "ombud.core",
    "ombud.regions",
    "ombud.businesses",
    "ombud.taxonomy",
    "ombud.rules",
    "ombud.workdays",
    "ombud.accounts",
    "ombud.cases",
    "ombud.intake",
    "ombud.workflow",
    "ombud.notify",
    "ombud.documents",
    "ombud.correspondence",
    "ombud.analytics",
    "ombud.alerts",
    "ombud.commitments",
    "ombud.disclosure",
    "ombud.credit",
]

MIDDLEWARE = [
    "ombud.core.middleware.ApiErrorsMiddleware",  # first: JSON errors under /api/, whatever answered
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ombud.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ombud.core.middleware.SecurityHeadersMiddleware",
    "ombud.core.middleware.InputGuardMiddleware",
]

ROOT_URLCONF = "ombud.urls"
WSGI_APPLICATION = "ombud.wsgi.application"

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
                "ombud.core.context.nav",
            ]
        },
    }
]


def _database():
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'ombud.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=int(os.environ.get("OMBUD_CONN_MAX_AGE", "60")))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the single writer; synchronous=FULL makes an
        # acknowledged intake survive a power cut, not only a killed process.
        sync = os.environ.get("OMBUD_SQLITE_SYNCHRONOUS", "FULL")
        db["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                f"PRAGMA synchronous={sync};"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA temp_store=MEMORY;"
                "PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        db["CONN_MAX_AGE"] = 0 if db["NAME"] == ":memory:" else db["CONN_MAX_AGE"]
        # A file, not :memory:, so tests see WAL and real locking; one per process so runs never collide.
        db["TEST"] = {"NAME": os.environ.get("OMBUD_TEST_SQLITE", str(DATA_DIR / f"test-{os.getpid()}.sqlite3"))}
    else:
        db["CONN_HEALTH_CHECKS"] = True
        # 4 MB (the default) turns the public search's bitmap scans lossy and spills its counts to disk;
        # 32 MB kept a province + category count exact, 300 -> 65 ms (docs/benchmarks.md, issue 10).
        work_mem = os.environ.get("OMBUD_PG_WORK_MEM", "32MB")
        if work_mem:
            db.setdefault("OPTIONS", {})["options"] = f"-c work_mem={work_mem}"
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "ombud", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "ombud",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": os.environ.get("OMBUD_HUEY_IMMEDIATE", "0") == "1",
    }

# Shared by every process: Redis at scale, files under var/ on one machine (rate limits need sharing).
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(DATA_DIR / "cache")}}

LANGUAGE_CODE = os.environ.get("OMBUD_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ombud.formats"]  # a day reads the same in lists, timelines and headers
TIME_ZONE = os.environ.get("OMBUD_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # every asset is served by the app itself: no CDN on an intranet
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("OMBUD_MEDIA_ROOT", DATA_DIR / "media"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after-login"
LOGOUT_REDIRECT_URL = "home"
# Public forms: at most this many submissions per client address per hour (0 turns limits off).
OMBUD_RATE_LIMITS = os.environ.get("OMBUD_RATE_LIMITS", "1") == "1"
OMBUD_PUBLIC_FORMS_PER_HOUR = int(os.environ.get("OMBUD_PUBLIC_FORMS_PER_HOUR", "20"))
OMBUD_TRACKING_PER_HOUR = int(os.environ.get("OMBUD_TRACKING_PER_HOUR", "60"))
# Wrong phone numbers one ticket may be tracked with per hour, from all clients together.
OMBUD_TRACKING_FAILURES_PER_TICKET = int(os.environ.get("OMBUD_TRACKING_FAILURES_PER_TICKET", "10"))
# A link to an official document works this many days after it was made; the case page always has a fresh one.
OMBUD_DOCUMENT_LINK_DAYS = int(os.environ.get("OMBUD_DOCUMENT_LINK_DAYS", "30"))
# The open complaint database's API, per client (API key, else address): searches and exports.
OMBUD_PUBLIC_RATE = os.environ.get("OMBUD_PUBLIC_RATE", "120/m")
OMBUD_PUBLIC_EXPORT_RATE = os.environ.get("OMBUD_PUBLIC_EXPORT_RATE", "10/m")
# `_meta.is_data_stale` once the last publication pass is older than this (the pass runs every 5 minutes).
OMBUD_PUBLIC_STALE_MINUTES = int(os.environ.get("OMBUD_PUBLIC_STALE_MINUTES", "60"))
# Behind a load balancer that sets X-Forwarded-For (and strips clients' own), limit by that address.
OMBUD_TRUST_FORWARDED_FOR = os.environ.get("OMBUD_TRUST_FORWARDED_FOR", "0") == "1"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "ombud.core.views.csrf_failure"  # the site's own translated 403, not Django's English page
SECURE = os.environ.get("OMBUD_SECURE", "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE

# Attachments: per-file and per-case limits, and the types accepted (sniffed, not trusted).
OMBUD_ATTACHMENT_MAX_BYTES = int(os.environ.get("OMBUD_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
OMBUD_ATTACHMENT_MAX_FILES = int(os.environ.get("OMBUD_ATTACHMENT_MAX_FILES", 10))
OMBUD_ATTACHMENT_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp",
                          "audio/mpeg", "video/mp4", "text/plain"]
# Notifications. Email goes over SMTP when OMBUD_SMTP_HOST is set; otherwise into files under
# var/mail (development). SMS goes to an HTTP gateway when OMBUD_SMS_URL is set.
if os.environ.get("OMBUD_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["OMBUD_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("OMBUD_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("OMBUD_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("OMBUD_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("OMBUD_SMTP_TLS", "0") == "1"
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("OMBUD_MAIL_FROM", "Ombud <noreply@ombud.invalid>")
OMBUD_SMS_URL = os.environ.get("OMBUD_SMS_URL", "")
OMBUD_SMS_TOKEN = os.environ.get("OMBUD_SMS_TOKEN", "")
OMBUD_SMS_GATEWAY = os.environ.get("OMBUD_SMS_GATEWAY", "ombud.notify.gateways.HttpSmsGateway")
# Links in messages point here (the public portal's address).
OMBUD_PUBLIC_URL = os.environ.get("OMBUD_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# A CJK TrueType font for PDFs, from a Debian or PyPI package; the first that exists is used.
OMBUD_PDF_FONTS = [p for p in os.environ.get("OMBUD_PDF_FONT", "").split(":") if p] + [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]  # then any font fontconfig lists for Chinese (documents.pdf.find_font)

# The authority that holds cases nobody could route yet (Art. 37 intake unit).
OMBUD_NATIONAL_AUTHORITY = "100000"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OMBUD_LOG_LEVEL", "WARNING")},
}
