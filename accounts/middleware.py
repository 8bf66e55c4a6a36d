import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

_STARTED = "trellis_session_started"
_RENEWED = "trellis_session_renewed"


def session_started(request: HttpRequest | None, **kwargs: Any) -> None:
    """On signing in (``user_logged_in``): the session starts now and is fresh, so that the
    pages right after signing in do not write it again."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[_STARTED] = now
        request.session[_RENEWED] = now


class SessionLimitsMiddleware:
    """Ends a signed-in session after SESSION_ABSOLUTE_SECONDS, however active it is, and
    renews its idle limit (SESSION_COOKIE_AGE) at most every SESSION_RENEW_SECONDS: saving
    the session on every request would make every page a database write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(_STARTED, now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
            elif now - request.session.get(_RENEWED, 0) >= settings.SESSION_RENEW_SECONDS:
                # A changed session is saved with a fresh expiry, and its cookie sent again.
                request.session[_RENEWED] = now
        return self.get_response(request)


class PrivateCacheMiddleware:
    """No page of Trellis may be stored by a browser or a proxy (promise 5)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
