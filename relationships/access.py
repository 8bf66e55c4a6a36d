"""The one gate in front of every polycule URL."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse

from .models import Membership


def active_membership(user: Any, polycule_id: UUID) -> Membership:
    """The signed-in person's active membership of that polycule, or 404.

    "Missing" and "not yours" get the same answer, so an outsider cannot learn
    that a polycule exists. A former member fails here on their very next request.
    """
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.active()
        .select_related("polycule", "user")
        .filter(user=user, polycule__public_id=polycule_id)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Replaces the view's ``polycule_id`` argument with the caller's membership."""

    @wraps(view)
    def wrapper(request: HttpRequest, polycule_id: UUID, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, active_membership(request.user, polycule_id), *args, **kwargs)

    wrapper.member_required = True  # type: ignore[attr-defined]
    return wrapper
