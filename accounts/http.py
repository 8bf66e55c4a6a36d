import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import cast

from allauth.account import app_settings as account_settings
from allauth.account.decorators import reauthentication_required as allauth_reauthentication_required
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from django import forms
from django.http import HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from .models import User


class Request(HttpRequest):
    """What a view behind LoginRequiredMiddleware receives."""

    user: User
    htmx: HtmxDetails


def uuid_or_none(text: str | None) -> uuid.UUID | None:
    """A posted id as a UUID, or None for anything else (absent, empty, made up)."""
    try:
        return uuid.UUID(text or "")
    except ValueError:
        return None


def form_status(form: forms.BaseForm) -> int:
    """422 for a form sent back with errors, so that htmx swaps it in and tests can tell."""
    return 422 if form.is_bound and form.errors else 200


def reauthentication_required[V: Callable[..., HttpResponse]](view: V) -> V:
    """allauth's decorator (allauth ships no types), keeping the view's signature for mypy.

    A session that has confirmed nothing lately is sent to confirm it at once. allauth would
    first ask the database which ways the person has to confirm it (four queries), then again
    to choose where to send them; it still decides every other case, so nobody gets through
    that allauth would stop."""
    checked = allauth_reauthentication_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and not _confirmed_lately(request):
            raise ReauthenticationRequired
        return cast(HttpResponse, checked(request, *args, **kwargs))

    return cast(V, wrapper)


def _confirmed_lately(request: HttpRequest) -> bool:
    """Whether the session holds any re-authentication within allauth's time-out: a looser test
    than allauth's own (which also asks that the way be one still allowed)."""
    since = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    records = get_authentication_records(request, request.user)
    return any(record.get("reauthenticated") and record.get("at", 0) > since for record in records)
