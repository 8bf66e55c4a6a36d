"""Views of one boundary: acknowledging it, and its owner changing, sharing or retiring it."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import Request, form_status
from relationships.access import member_required
from relationships.models import Membership

from .. import rules, services
from ..forms import AcknowledgmentForm, AudienceForm, VersionedWordsForm
from ..models import Item
from .common import item_or_404, posted, submit, words
from .items import render_item


@require_POST
@member_required
def boundary_acknowledge(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    form = AcknowledgmentForm(request.POST)
    if not form.is_valid():
        # The person's note stays in the form, with its error next to it.
        invalid = "Choose an answer, and keep the note under 1000 characters."
        item = item_or_404(me, item_id)
        return render_item(request, me, item, partial="ack-panel", status=422, ack_error=invalid, ack_form=form)
    error = None
    try:
        # The service finds the boundary among those the member may see, inside its lock.
        ack = services.acknowledge(
            member=me,
            item=item_id,
            version_number=form.cleaned_data["version"],
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
        )
    except Item.DoesNotExist:
        item_or_404(me, item_id)  # logs a denial for an item that exists, and answers 404
        raise Http404 from None
    except services.RuleError as exc:  # a stale version, a double submit, one's own boundary
        error = exc.message
    if request.htmx:
        if error:
            item = item_or_404(me, item_id)  # as it is now: changed meanwhile, or answered already
        else:
            item = ack.version.item  # as the answer left it, locked by the service
            item.owed = None  # type: ignore[attr-defined]  # just answered, and nothing else owed
        status = 409 if error else 200
        done = None if error else THANKS
        return render_item(request, me, item, partial="ack-panel", status=status, ack_error=error, ack_done=done)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, THANKS)
    if request.POST.get("next") == "welcome":
        # Answered from the newcomer's welcome list: back to it, as consenting does.
        return redirect(settings.WELCOME_URL_NAME, me.polycule.public_id)
    return redirect("values:item_detail", me.polycule.public_id, item_id)


THANKS = "Thank you. Your answer is recorded with this version."


def _own_boundary(me: Membership, item_id: UUID) -> Item:
    """A boundary of the member's own that they may still change; 404 for anything else."""
    item = item_or_404(me, item_id)
    if not rules.can_edit(item, me):
        raise Http404
    return item


@require_http_methods(["GET", "POST"])
@member_required
def boundary_edit(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _own_boundary(me, item_id)
    version = item.current_version
    assert version is not None
    form = VersionedWordsForm(
        posted(request), initial={"title": version.title, "text": version.text, "base": version.number}
    ).for_a_boundary()

    def save(data: dict[str, Any]) -> HttpResponse:
        services.revise_boundary(owner=me, item=item, base_number=data["base"], **words(data))
        messages.success(request, "Saved as a new version. The others will be asked to acknowledge it.")
        return redirect(item)

    return submit(request, me, form, item=item, save=save) or render(
        request, "values/boundary_edit.html", {"me": me, "item": item, "form": form}, status=form_status(form)
    )


@require_http_methods(["GET", "POST"])
@member_required
def boundary_audience(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _own_boundary(me, item_id)
    members = item.polycule_members()
    chosen = [str(m.public_id) for m, sees in members if sees and m.pk != me.pk]
    initial = {"everyone": "1" if item.everyone else "0", "audience": chosen}
    form = AudienceForm(posted(request), initial=initial, me=me, members=[m for m, _ in members])

    def save(data: dict[str, Any]) -> HttpResponse:
        audience = [UUID(a) for a in data["audience"]]
        services.set_boundary_audience(owner=me, item=item, everyone=data["everyone"], audience=audience)
        messages.success(request, "Saved. Anyone new to it will be asked to acknowledge it.")
        return redirect(item)

    return submit(request, me, form, item=item, save=save) or render(
        request, "values/boundary_audience.html", {"me": me, "item": item, "form": form}, status=form_status(form)
    )


@require_http_methods(["GET", "POST"])
@member_required
def boundary_retire(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = item_or_404(me, item_id)
    if not (rules.rules_for(item).owner_edits and rules.can_retire(item, me)):
        raise Http404
    if request.method == "POST":
        services.retire_boundary(owner=me, item=item)
        messages.success(request, "Retired. It stays in the history.")
        return redirect(item)
    return render(request, "values/boundary_retire.html", {"me": me, "item": item})
