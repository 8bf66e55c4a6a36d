"""What the values views share: finding what a member may see, and sending a form that
writes against a version."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render

from accounts.http import Request
from relationships.access import log_denial
from relationships.models import Membership

from .. import selectors, services
from ..forms import AudienceForm
from ..models import Item, Proposal

type Save = Callable[[dict[str, Any]], HttpResponse]


def item_or_404(me: Membership, item_id: UUID) -> Item:
    """An adopted item this member may see, with their state; 404 for anything else."""
    item = selectors.visible_item(me, public_id=item_id)
    if item is None:
        log_denial(me.user, "item", Item.objects.filter(polycule_id=me.polycule_id, public_id=item_id), me.polycule_id)
        raise Http404
    return item


def proposal_or_404(me: Membership, proposal_id: UUID) -> Proposal:
    proposal = selectors.visible_proposal(me, public_id=proposal_id)
    if proposal is None:
        existing = Proposal.objects.filter(item__polycule_id=me.polycule_id, public_id=proposal_id)
        log_denial(me.user, "proposal", existing, me.polycule_id)
        raise Http404
    return proposal


def posted(request: Request) -> QueryDict | None:
    """The posted data, bound even when empty: an empty post is refused, not shown a blank form."""
    return request.POST if request.method == "POST" else None


def words(data: dict[str, Any]) -> dict[str, str]:
    """The words of a version from a cleaned form: its title, text and why."""
    return {"title": data["title"], "text": data["text"], "why": data["why"]}


def submit(request: Request, me: Membership, form: forms.Form, *, item: Item, save: Save) -> HttpResponse | None:
    """Sends a form written against a version or wording: ``save`` runs the service when the form
    is valid and answers; a stale base gets the 409 page with both texts; a rule's refusal goes
    into the form. None means: show the form again."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except services.Stale as exc:
        return conflict(request, me, item, form, exc)
    except services.RuleError as exc:
        form.add_error(None, exc.message)
        return None


def conflict(request: Request, me: Membership, item: Item, form: forms.Form, exc: services.Stale) -> HttpResponse:
    """409: both texts side by side, and the person's words kept in a form based on the current
    version, which posts to the same URL again."""
    initial = {**form.cleaned_data, "base": getattr(exc.current, "number", 0)}
    if isinstance(form, AudienceForm):
        initial["everyone"] = "1" if initial.get("everyone") else "0"
        again: forms.Form = type(form)(initial=initial, me=me)
    else:
        again = type(form)(initial=initial)
    context = {
        "me": me,
        "item": item,
        "message": exc.message,
        "yours": form.cleaned_data,
        "current": exc.current,
        "form": again,
        "action": request.get_full_path(),
    }
    return render(request, "values/conflict.html", context, status=409)
