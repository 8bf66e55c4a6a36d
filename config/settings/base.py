"""Settings shared by every environment. Deploy values come from the environment."""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from .env import env_int, env_list, env_str, mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Development only; prod.py refuses to start with this value.
INSECURE_DEV_SECRET_KEY = "django-insecure-trellis-development-only"
SECRET_KEY = env_str("SECRET_KEY", INSECURE_DEV_SECRET_KEY)
# Encrypts MFA secrets at rest; falls back to a key derived from SECRET_KEY.
MFA_ENCRYPTION_KEY = env_str("MFA_ENCRYPTION_KEY")

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "django_tasks_db",
    "pgtrigger",
    "accounts",
    "relationships",
    "values",
    "conversations",
    "home",
    "notifications",
]

MIDDLEWARE = [
    # Outermost, so that every response is dressed, even one a middleware below makes itself
    # (CommonMiddleware's trailing-slash redirect, SecurityMiddleware's HTTPS redirect, a
    # static file): no-store unless already cached on purpose, X-Frame-Options, the CSP.
    "accounts.middleware.PrivateCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files answer above this line, precompressed (Brotli or gzip) by whitenoise.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and fragments gzipped when the browser asks; with random padding against BREACH
    # (docs/DECISIONS.md, "Fast at any size").
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "accounts.audit.DenialMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refuses a body Trellis cannot take before anything reads it (accounts.errors).
    "accounts.errors.BodyGuardMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After a change made in place, the header's count asks again (HX-Trigger).
    "home.middleware.CountChangedMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

# Flash messages carry names and addresses: kept in the session, never in a readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # JIT compiling pays off for long analytical queries, never for a page's: it switched on
        # for the dashboard's and cost a quarter of its time. A page reads a few rows by index
        # from data in memory or on SSD, where PostgreSQL's default random_page_cost (4, made
        # for spinning disks) steers it to read whole tables instead (docs/DECISIONS.md).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / env_str("SQLITE_NAME", "db.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

# One cache shared by every process: rate limits and TOTP replay protection live here.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "trellis_cache"}}

AUTH_USER_MODEL = "accounts.User"
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home:dashboard"
# Where a newcomer lands after accepting an invitation (given its polycule_id).
WELCOME_URL_NAME = "home:onboarding"

# Sessions: idle limit through SESSION_COOKIE_AGE, renewed at most every SESSION_RENEW_SECONDS
# (not on every request: that made every page an UPDATE and a COMMIT), and an absolute limit;
# both in accounts.middleware.SessionLimitsMiddleware.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 60 * 60 * 24 * 7)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 5 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 60 * 60 * 24 * 30)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Headers (promise 3). HSTS and HTTPS redirects are in prod.py.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (promise 2): nothing inline, nothing from elsewhere.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
# Trellis speaks English alone, and the English catalogs of Django and allauth are empty (their
# words are the ones in the code): without the translation machinery the same words come out,
# and every "3 days ago" and date on a page costs a fraction (docs/DECISIONS.md).
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail (Django 6.1 MAILERS), from EMAIL_URL.
MAILERS = {"default": mailer_from_url(env_str("EMAIL_URL", "console://"))}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Trellis <hello@trellis.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: the database-backed queue, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Accounts (django-allauth).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# allauth's forms with Trellis's labels and help; sign-up also asks for the person's name.
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "add_email": "accounts.forms.AddEmailForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Trellis: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str("HTTP_PROTOCOL", "https")
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: per address and per account, whatever address they come from.
    "login_failed": "10/m/ip,5/300s/key",
    "invite_member": "20/h/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "accounts.mfa_forms.AuthenticateForm",
    "reauthenticate": "accounts.mfa_forms.ReauthenticateForm",
    "activate_totp": "accounts.mfa_forms.ActivateTOTPForm",
    "add_webauthn": "accounts.mfa_forms.AddWebAuthnForm",
    "edit_webauthn": "accounts.mfa_forms.EditWebAuthnForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Trellis"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False

# Off: tracking costs three queries on every request; sign-in time and place are kept.
USERSESSIONS_TRACK_ACTIVITY = False

# Invitations.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# The security events a person sees on their account are kept this many days (accounts.audit).
SECURITY_EVENT_DAYS = env_int("SECURITY_EVENT_DAYS", 90)
# Host (and port) used in links inside mail sent by the background worker.
SITE_HOST = env_str("SITE_HOST", "127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
        "json": {"()": "accounts.jsonlog.JSONFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # The audit log: one JSON object a line on standard output (accounts.audit).
        "audit": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "trellis.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "trellis.audit": {"handlers": ["audit"], "level": "INFO", "propagate": False},
    },
}
