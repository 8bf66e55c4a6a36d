from collections.abc import Callable
from typing import cast

from allauth.account.decorators import reauthentication_required as allauth_reauthentication_required
from django import forms
from django.http import HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from .models import User


class Request(HttpRequest):
    """What a view behind LoginRequiredMiddleware receives."""

    user: User
    htmx: HtmxDetails


def form_status(form: forms.BaseForm) -> int:
    """422 for a form sent back with errors, so that htmx swaps it in and tests can tell."""
    return 422 if form.is_bound and form.errors else 200


def reauthentication_required[V: Callable[..., HttpResponse]](view: V) -> V:
    """allauth's decorator (allauth ships no types), keeping the view's signature for mypy."""
    return cast(V, allauth_reauthentication_required(view))
