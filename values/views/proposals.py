"""Proposals: changing or retiring a value or agreement, answering, amending, withdrawing
and reminding."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import Request, form_status
from relationships.access import member_required
from relationships.models import Membership

from .. import rules, selectors, services
from ..forms import ProposalForm, ResponseForm, RetireForm, VersionedWordsForm
from ..models import Item, Proposal
from .common import item_or_404, posted, proposal_or_404, submit, words


def _proposable(me: Membership, item_id: UUID, may: Callable[[Item, Membership], bool]) -> Item:
    item = item_or_404(me, item_id)
    if rules.rules_for(item).owner_edits or not may(item, me):
        raise Http404
    return item


@require_http_methods(["GET", "POST"])
@member_required
def proposal_create(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _proposable(me, item_id, rules.can_propose)
    version = item.current_version
    assert version is not None
    members = item.polycule_members()
    others = [str(m.public_id) for m, sees in members if sees and m.pk != me.pk]
    initial = {
        "title": version.title,
        "text": version.text,
        "base": version.number,
        "everyone": "1" if item.everyone else "0",
        "audience": [] if item.everyone else others,
    }
    form = ProposalForm(posted(request), initial=initial, me=me, members=[m for m, _ in members])

    def save(data: dict[str, Any]) -> HttpResponse:
        everyone = data["everyone"]
        if everyone is not None and everyone == item.everyone and (everyone or set(data["audience"]) == set(others)):
            everyone = None  # the audience stays as it is
        proposal = services.propose_change(
            proposer=me,
            item=item,
            base_number=data["base"],
            **words(data),
            everyone=everyone,
            audience=[UUID(a) for a in data["audience"]],
        )
        messages.success(request, "Your proposal is open.")
        return redirect(proposal)

    return submit(request, me, form, item=item, save=save) or render(
        request, "values/proposal_create.html", {"me": me, "item": item, "form": form}, status=form_status(form)
    )


@require_http_methods(["GET", "POST"])
@member_required
def proposal_retire(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _proposable(me, item_id, rules.can_retire)
    version = item.current_version
    assert version is not None
    form = RetireForm(posted(request), initial={"base": version.number})

    def save(data: dict[str, Any]) -> HttpResponse:
        proposal = services.propose_retiring(proposer=me, item=item, base_number=data["base"], why=data["why"])
        messages.success(request, "Your proposal is open.")
        return redirect(proposal)

    return submit(request, me, form, item=item, save=save) or render(
        request, "values/proposal_retire.html", {"me": me, "item": item, "form": form}, status=form_status(form)
    )


def render_proposal(
    request: Request,
    me: Membership,
    proposal: Proposal,
    *,
    partial: str = "",
    status: int = 200,
    counted: selectors.Tally | None = None,
    **extra: Any,
) -> HttpResponse:
    """``counted``: the proposal's tally, when the request has it already."""
    page = selectors.proposal_page(me, proposal, counted=counted)
    answer = page.mine.answer if page.mine else None
    form = ResponseForm(initial={"revision": page.revision.number, "answer": answer})
    template = "values/proposal_detail.html" + (f"#{partial}" if partial and request.htmx else "")
    return render(request, template, {"me": me, "page": page, "respond_form": form, **extra}, status=status)


@require_safe
@member_required
def proposal_detail(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    return render_proposal(request, me, proposal_or_404(me, proposal_id))


@require_POST
@member_required
def proposal_respond(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return _respond_again(request, me, proposal_id, form, status=422)
    try:
        # The service finds the proposal among those the member may see, inside its lock.
        answered = services.respond(
            member=me,
            proposal=proposal_id,
            revision_number=form.cleaned_data["revision"],
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
        )
    except Proposal.DoesNotExist:
        proposal_or_404(me, proposal_id)  # logs a denial for a proposal that exists, and answers 404
        raise Http404 from None
    except services.RuleError as exc:
        form.add_error(None, exc.message)
        return _respond_again(request, me, proposal_id, form, status=409)
    if not request.htmx:
        # The page says it is adopted under its title: the message is about the answer alone.
        messages.success(request, "Your answer is recorded.")
        return redirect(answered.proposal)
    # The proposal as the answer left it (the copy the service locked and wrote), and its tally.
    adopted = answered.proposal.status == Proposal.Status.ADOPTED
    # The panel says the answer is recorded (and, for the answer that adopted it, that it is
    # adopted, with the header above sent out of band), as the page without JavaScript does.
    return render_proposal(
        request,
        me,
        answered.proposal,
        partial="respond-panel",
        counted=answered.tally,
        answered=True,
        just_adopted=adopted,
    )


def _respond_again(
    request: Request, me: Membership, proposal_id: UUID, form: ResponseForm, status: int
) -> HttpResponse:
    """The answer refused: the proposal as it is now, with the form and what was wrong."""
    proposal = proposal_or_404(me, proposal_id)
    return render_proposal(request, me, proposal, partial="respond-panel", status=status, respond_form=form)


@require_http_methods(["GET", "POST"])
@member_required
def proposal_amend(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    proposal = proposal_or_404(me, proposal_id)
    if not rules.can_amend(proposal, me):
        raise Http404
    revision = proposal.revision
    assert revision is not None
    initial = {"title": revision.title, "text": revision.text, "why": revision.why, "base": revision.number}
    form = VersionedWordsForm(posted(request), initial=initial)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.amend(proposer=me, proposal=proposal, revision_number=data["base"], **words(data))
        messages.success(request, "Amended. Everyone is asked to respond again to the new wording.")
        return redirect(proposal)

    context = {"me": me, "proposal": proposal, "item": proposal.item, "form": form}
    return submit(request, me, form, item=proposal.item, save=save) or render(
        request, "values/proposal_amend.html", context, status=form_status(form)
    )


def _proposer_action(
    request: Request, me: Membership, proposal_id: UUID, action: Callable[..., object], done: str
) -> HttpResponse:
    """Withdraw or nudge: only the proposer; anyone else is told the page does not exist."""
    proposal = proposal_or_404(me, proposal_id)
    try:
        action(proposer=me, proposal=proposal)
    except services.NotAllowed:
        raise Http404 from None
    except services.RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(proposal)


@require_POST
@member_required
def proposal_withdraw(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    return _proposer_action(request, me, proposal_id, services.withdraw, "Withdrawn. It stays in the timeline.")


@require_POST
@member_required
def proposal_nudge(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    done = "A gentle reminder will show on their dashboards."
    return _proposer_action(request, me, proposal_id, services.nudge, done)
