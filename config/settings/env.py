"""Tiny helpers that read deploy values from the environment and fail loudly."""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def mailer_from_url(url: str) -> dict[str, object]:
    """Turn EMAIL_URL into one MAILERS entry.

    console://                       print mail (development)
    smtp://user:pass@host:587        SMTP with STARTTLS (the default for smtp://)
    smtp+ssl://user:pass@host:465    SMTP over TLS
    smtp+plain://host:25             SMTP without encryption (a local relay only)
    """
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme not in {"smtp", "smtp+ssl", "smtp+plain"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with console://, smtp://, smtp+ssl:// or smtp+plain://, not {parts.scheme!r}."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host.")
    query = parse_qs(parts.query)
    options: dict[str, object] = {
        "host": parts.hostname,
        "port": parts.port or (465 if parts.scheme == "smtp+ssl" else 587),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": parts.scheme == "smtp",
        "use_ssl": parts.scheme == "smtp+ssl",
        "timeout": int(query.get("timeout", ["10"])[0]),
    }
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
