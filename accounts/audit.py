"""The audit log: security events as structured lines, with the account, the client address and
the time, never with anyone's words, tokens, passwords or session keys.

Every line goes to the logger ``trellis.audit`` (one JSON object a line on standard output, see
``accounts.jsonlog``). Events that happened to an account (signing in, a new password, a second
factor ...) are also kept as ``SecurityEvent`` rows, so that their person sees them on
``/accounts/security/``; refusals (404 for something that exists, 403, 429) only go to the log.

Every app below ``home`` and ``notifications`` may call ``record``; ``accounts`` is the bottom
floor, so nothing here imports another app.
"""

import ipaddress
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import SecurityEvent

logger = logging.getLogger("trellis.audit")

# A field's value is an id or a fixed word: no spaces, no sentences, nothing long.
_SAFE = re.compile(r"[\w.:-]{0,64}", re.ASCII)
_STORED = frozenset(SecurityEvent.Action.values)


def _valid_ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_address(request: HttpRequest | None) -> str:
    """The address the request came from.

    ``REMOTE_ADDR``, unless Trellis runs behind proxies it trusts: with ``TRUSTED_PROXY_COUNT``
    (allauth's ``ALLAUTH_TRUSTED_PROXY_COUNT``, the same setting its sign-in throttle uses) set to
    n, the n-th address from the right of ``X-Forwarded-For``, which the nearest trusted proxy
    wrote. Addresses further left were written by the client and are never believed.
    """
    if request is None:
        return ""
    trusted = int(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.headers.get("x-forwarded-for", "")
    if trusted > 0 and forwarded:
        hops = forwarded.split(",")
        if len(hops) >= trusted:
            return _valid_ip(hops[-trusted])
    return _valid_ip(str(request.META.get("REMOTE_ADDR", "")))


def _safe(value: str | int | bool | None) -> str | int | bool | None:
    if value is None or isinstance(value, int):
        return value
    text = str(value)
    return text if _SAFE.fullmatch(text) else "(withheld)"


def _account(user: Any) -> Any:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def record(action: str, *, request: HttpRequest | None = None, user: Any = None, **fields: str | int | None) -> None:
    """Logs one security event. ``action`` is a short fixed name ("login", "export" ...);
    ``fields`` hold ids and fixed words only, never text someone wrote (anything else is
    withheld). Without a request, the one being answered is used (allauth keeps it)."""
    if request is None:
        request = allauth_context.request
    user = _account(user)
    if user is None and request is not None and hasattr(request, "user"):
        user = _account(request.user)
    ip = client_address(request)
    at = timezone.now()
    event: dict[str, str | int | bool | None] = {
        "event": action,
        "user_id": getattr(user, "pk", None),
        "ip": ip,
        "at": at.isoformat(),
    }
    event.update({key: _safe(value) for key, value in fields.items()})
    logger.info(action, extra={"audit": event})
    if action in _STORED and user is not None and user.pk is not None:
        _keep(user, action, ip, at)


def _keep(user: Any, action: str, ip: str, at: Any) -> None:
    days = int(getattr(settings, "SECURITY_EVENT_DAYS", 90))
    # Bounded: what is older than the retention goes as a new event comes (an indexed range,
    # empty most of the time).
    SecurityEvent.objects.filter(at__lt=at - timedelta(days=days)).delete()
    SecurityEvent.objects.create(user=user, action=action, ip=ip or None, at=at)


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def _csrf_refused(request: HttpRequest) -> bool:
    """CsrfViewMiddleware marks every request it lets through; a 403 without the mark, to a view
    that wants the check, is its refusal."""
    match = getattr(request, "resolver_match", None)
    exempt = match is not None and getattr(match.func, "csrf_exempt", False)
    return not exempt and not getattr(request, "csrf_processing_done", False)


class DenialMiddleware:
    """Logs every refusal: 403 (a permission, a CSRF failure) and 429 (a rate limit).

    Sits before CsrfViewMiddleware so that it sees CSRF's own refusals. Logs the view's name,
    never the path, which may carry an invitation token or a reset key.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            reason = "csrf" if _csrf_refused(request) else "permission"
            record("forbidden", request=request, view=_view_name(request), reason=reason)
        elif response.status_code == 429:
            record("rate_limited", request=request, view=_view_name(request))
        return response
