"""The one gate in front of every polycule URL."""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, Concatenate, Protocol
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404, HttpResponse

from accounts import audit
from accounts.http import Request
from accounts.models import User

from .models import Membership, Polycule


def active_membership(user: User, polycule_id: UUID) -> Membership:
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
        existing = Polycule.objects.filter(public_id=polycule_id).values_list("pk", flat=True).first()
        if existing is not None:
            # Logged only: the person gets the same 404 as for a polycule that does not exist.
            audit.record("access_denied", user=user, what="polycule", polycule_id=existing)
        raise Http404
    return membership


def log_denial(user: User, what: str, existing: QuerySet[Any], polycule_id: int | None = None) -> None:
    """Logs a 404 for something that exists but that this person may not see (outside its
    audience, or someone else's); they get the same 404 as for something that does not exist.
    Costs one query, on the refusal path only."""
    found = existing.values_list("pk", flat=True).first()
    if found is not None:
        audit.record("access_denied", user=user, what=what, polycule_id=polycule_id, object_id=found)


class PolyculeView[**P](Protocol):
    """A view as Django calls it: the request, the polycule's id, then the view's own arguments."""

    def __call__(self, request: Request, polycule_id: UUID, *args: P.args, **kwargs: P.kwargs) -> HttpResponse: ...


def member_required[**P](view: Callable[Concatenate[Request, Membership, P], HttpResponse]) -> PolyculeView[P]:
    """Replaces the view's ``polycule_id`` argument with the caller's membership."""

    def wrapper(request: Request, polycule_id: UUID, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        return view(request, active_membership(request.user, polycule_id), *args, **kwargs)

    update_wrapper(wrapper, view)
    return wrapper
