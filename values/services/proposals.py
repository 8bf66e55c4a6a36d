"""Values and agreements change by proposal: new words, a new audience, or retiring the item.
Each audience member answers; the proposal is adopted once everyone has answered the current
wording and nobody objects."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Subquery, prefetch_related_objects
from django.utils import timezone

from relationships.acting import acting
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError

from .. import rules, selectors
from ..models import (
    Category,
    Consent,
    Event,
    Item,
    Kind,
    Nudge,
    Proposal,
    ProposalRevision,
    Response,
    Version,
    seen_by_another,
)
from .items import (
    NOT_IN_AUDIENCE,
    Stale,
    check_current,
    chosen_audience,
    event,
    happened,
    lock,
    new_item,
    next_version,
    record,
    rejoin,
    set_audience,
)

type AudienceChange = tuple[bool, list[Membership]] | None


def _audience_change(by: Membership, everyone: bool | None, audience: Iterable[UUID]) -> AudienceChange:
    """A proposal's new audience, validated; None when it leaves the audience alone."""
    if everyone is None:
        return None
    if everyone:
        return True, []
    chosen = chosen_audience(by, audience)
    return False, [*chosen, *([by] if by not in chosen else [])]


def _revise(
    proposal: Proposal, *, title: str, text: str, why: str, audience: AudienceChange = None, rebased: bool = False
) -> Response:
    """A new wording, and the proposer's consent to it: the only answer it has yet. ``rebased``:
    the proposal's ``base_version`` was set anew, and is saved with its wording."""
    number = proposal.revision.number + 1 if proposal.revision else 1
    revision = ProposalRevision.objects.create(
        proposal=proposal,
        number=number,
        title=title,
        text=text,
        why=why,
        everyone=audience[0] if audience else None,
    )
    if audience and audience[1]:
        revision.audience.add(*audience[1])  # a new wording: nobody to take away
    proposal.revision = revision
    proposal.save(update_fields=["revision", "base_version"] if rebased else ["revision"])
    # Putting a proposal forward is the proposer's own consent to it.
    return Response.objects.create(
        revision=revision,
        member=proposal.proposer,
        polycule_id=proposal.proposer.polycule_id,
        item_id=proposal.item_id,
        proposal=proposal,
        answer=Response.Answer.CONSENT,
    )


def _adopt_if_alone(proposal: Proposal, consent: Response, *, others_see: bool, seen: bool = True) -> None:
    """After a new wording, whose only answer is the proposer's ``consent``: adopted at once when
    nobody else is in the audience (``others_see``, read with the lock), for nobody else is asked.
    ``seen``: whether the proposer is in it."""
    if not others_see:
        _maybe_adopt(proposal, [(proposal.proposer, consent)] if seen else [])


@acting("proposer")
def propose_new(
    *,
    proposer: Membership,
    kind: Kind,
    title: str,
    text: str,
    why: str,
    category: Category = Category.OTHER,
    everyone: bool = True,
    audience: Iterable[UUID] = (),
    review_every_days: int | None = None,
) -> Proposal:
    if rules.RULES[kind].owner_edits:
        raise RuleError("A boundary is yours to set; it needs no proposal.")
    item = new_item(
        by=proposer,
        kind=kind,
        category=category,
        everyone=everyone,
        audience=audience,
        review_every_days=review_every_days,
    )
    proposal = Proposal.objects.create(
        item=item, polycule_id=item.polycule_id, change=Proposal.Change.CREATE, proposer=proposer
    )
    _revise(proposal, title=title, text=text, why=why)
    event(Event.Kind.PROPOSAL_OPENED, proposer, item, proposal=proposal)
    _maybe_adopt(proposal)
    return proposal


def _lock_for_change(item: Item, proposer: Membership) -> Item:
    """The item, locked, when the proposer is in its audience; ``others_see`` whether anyone
    else is."""
    return lock(item, seen_by=proposer, others_see=seen_by_another(proposer))


def _open_change(proposer: Membership, item: Item, base_number: int, change: Proposal.Change) -> Proposal:
    """A proposal against the current version of a live value or agreement, not yet worded;
    ``item`` comes from ``_lock_for_change``."""
    if rules.rules_for(item).owner_edits:
        raise RuleError("Boundaries change by their owner's hand; suggest a change instead.")
    allowed = rules.can_retire if change == Proposal.Change.RETIRE else rules.can_propose
    if not allowed(item, proposer):
        raise RuleError("This was retired; it can no longer change.")
    base = check_current(item, base_number)
    return Proposal.objects.create(
        item=item, polycule_id=item.polycule_id, change=change, proposer=proposer, base_version=base
    )


@acting("proposer")
def propose_change(
    *,
    proposer: Membership,
    item: Item,
    base_number: int,
    title: str,
    text: str,
    why: str,
    everyone: bool | None = None,
    audience: Iterable[UUID] = (),
) -> Proposal:
    """A change to a value or agreement: new words, a new audience, or both."""
    item = _lock_for_change(item, proposer)
    proposal = _open_change(proposer, item, base_number, Proposal.Change.REVISE)
    change = _audience_change(proposer, everyone, audience)
    consent = _revise(proposal, title=title, text=text, why=why, audience=change)
    event(Event.Kind.PROPOSAL_OPENED, proposer, item, proposal=proposal)
    _adopt_if_alone(proposal, consent, others_see=item.others_see)  # type: ignore[attr-defined]
    return proposal


@acting("proposer")
def propose_retiring(*, proposer: Membership, item: Item, base_number: int, why: str) -> Proposal:
    """Retiring a value or agreement, which stays in the history."""
    item = _lock_for_change(item, proposer)
    proposal = _open_change(proposer, item, base_number, Proposal.Change.RETIRE)
    current = item.current_version
    assert current is not None
    consent = _revise(proposal, title=current.title, text=current.text, why=why)
    event(Event.Kind.PROPOSAL_OPENED, proposer, item, proposal=proposal)
    _adopt_if_alone(proposal, consent, others_see=item.others_see)  # type: ignore[attr-defined]
    return proposal


def _lock_open(proposal: Proposal | UUID, seen_by: Membership | None = None, **annotations: Any) -> Proposal:
    """The proposal, locked and open, with ``annotations`` read in the same query. Its current
    wording's ``current_of`` is this locked copy, which the views show once the write is made.
    Given by its public id, it is found among the proposals on items ``seen_by`` may see, inside
    the lock (``Proposal.DoesNotExist`` for any other): the view need not look it up first."""
    # The item is locked too: adopting writes its next version, and two proposals on one
    # item adopted at once must not both write the same number.
    rows = (
        Proposal.objects.select_for_update(of=("self", "item"))
        .select_related("item__current_version", "item__polycule", "revision", "base_version", "proposer")
        .annotate(**annotations)
    )
    if isinstance(proposal, Proposal):
        proposal = rows.get(pk=proposal.pk)
    elif seen_by is None:
        raise TypeError("A proposal's public id needs the member who may see it.")
    else:
        proposal = rows.filter(item__in=Item.objects.visible_to(seen_by)).get(public_id=proposal)
    for row, field in ((proposal.item, "current_version"), (proposal, "revision"), (proposal, "base_version")):
        rejoin(row, field)
    if not proposal.is_open:
        raise RuleError(f"This proposal is closed: it was {proposal.get_status_display().lower()}.")
    return proposal


def _check_wording(proposal: Proposal, revision_number: int, message: str) -> ProposalRevision:
    revision = proposal.revision
    assert revision is not None
    if revision.number != revision_number:
        raise Stale(message, current=revision)
    return revision


@dataclass(frozen=True)
class Answered:
    """What an answer left: the answer, the proposal as it wrote it (adopted, perhaps), and the
    tally with this answer in it, which the page after it shows without reading it again."""

    response: Response
    proposal: Proposal
    tally: selectors.Tally


@acting("member")
def respond(
    *, member: Membership, proposal: Proposal | UUID, revision_number: int, answer: Response.Answer, note: str = ""
) -> Answered:
    proposal = _lock_open(proposal, seen_by=member)
    counted = selectors.tally(proposal)
    audience = [m for m, _ in counted]
    if not rules.in_audience(member, audience):
        raise NotAllowed(NOT_IN_AUDIENCE)
    if not rules.can_respond(proposal, member, audience):
        raise RuleError("This was retired while the proposal was open, so it can no longer be adopted.")
    revision = _check_wording(
        proposal,
        revision_number,
        "The proposal was amended while you were answering. Read the new wording and answer again.",
    )
    if answer == Response.Answer.OBJECT and not note.strip():
        raise RuleError("An objection needs a note: what would need to change for you?")
    response = Response.objects.create(
        revision=revision,
        member=member,
        polycule_id=member.polycule_id,
        item_id=proposal.item_id,
        proposal=proposal,
        answer=answer,
        note=note,
    )
    # The proposal is locked: no other answer to it came in since the tally was read.
    after = [(m, response if m.pk == member.pk else given) for m, given in counted]
    _maybe_adopt(proposal, after)
    return Answered(response, proposal, after)


@acting("proposer")
def amend(
    *, proposer: Membership, proposal: Proposal, revision_number: int, title: str, text: str, why: str
) -> ProposalRevision:
    seen = Exists(Item.objects.visible_to(proposer).filter(pk=OuterRef("item_id")))
    proposal = _lock_open(proposal, seen=seen, others_see=seen_by_another(proposer, "item"))
    if not rules.can_amend(proposal, proposer):
        raise NotAllowed("Only the person who made the proposal can amend it.")
    previous = _check_wording(proposal, revision_number, "The proposal was amended in the meantime.")
    rebased = proposal.change != Proposal.Change.CREATE
    if rebased:
        # Amending brings the proposal up to date with the item as it is now.
        proposal.base_version = proposal.item.current_version
    # The new wording keeps the audience change the proposal was made with.
    carried = None if previous.everyone is None else (previous.everyone, list(previous.audience.all()))
    consent = _revise(proposal, title=title, text=text, why=why, audience=carried, rebased=rebased)
    event(Event.Kind.PROPOSAL_AMENDED, proposer, proposal.item, proposal=proposal)
    others_see, seen = proposal.others_see, proposal.seen  # type: ignore[attr-defined]
    _adopt_if_alone(proposal, consent, others_see=others_see, seen=seen)
    return consent.revision


@acting("proposer")
def withdraw(*, proposer: Membership, proposal: Proposal) -> Proposal:
    proposal = _lock_open(proposal)
    if not rules.can_withdraw(proposal, proposer):
        raise NotAllowed("Only the person who made the proposal can withdraw it.")
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    event(Event.Kind.PROPOSAL_WITHDRAWN, proposer, proposal.item, proposal=proposal)
    return proposal


@acting("proposer")
def nudge(*, proposer: Membership, proposal: Proposal) -> Nudge:
    newest = Nudge.objects.filter(proposal=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    proposal = _lock_open(proposal, last_nudged_at=Subquery(newest))
    waiting = [m for m, answer in selectors.tally(proposal) if answer is None]
    last = proposal.last_nudged_at  # type: ignore[attr-defined]
    if not rules.can_nudge(proposal, proposer, waiting=len(waiting), last_nudged_at=last):
        if proposal.proposer_id != proposer.pk:
            raise NotAllowed("Only the person who made the proposal can send a reminder.")
        if rules.nudged_recently(last):
            raise RuleError("You sent a reminder recently. Give people a little time.")
        raise RuleError("Everyone has answered already.")
    return Nudge.objects.create(proposal=proposal, by=proposer)


def _maybe_adopt(proposal: Proposal, counted: selectors.Tally | None = None) -> bool:
    """Adopt when every audience member has answered the current wording and none objects.
    ``counted`` is its ``selectors.tally``, when the caller has it in this transaction already."""
    item = proposal.item
    if item.retired_at is not None:
        return False  # retired by another proposal while this one was open
    if counted is None:
        counted = selectors.tally(proposal)
    members = [m for m, _ in counted]
    answers = selectors.answered(counted)
    if any(m.pk not in answers for m in members):
        return False
    if any(answers[m.pk].answer == Response.Answer.OBJECT for m in members):
        return False
    if proposal.change != Proposal.Change.CREATE and item.current_version_id != proposal.base_version_id:
        return False  # written against an older version: the proposer amends it first
    revision = proposal.revision
    assert revision is not None
    now = timezone.now()
    version: Version | None = None
    events = []
    if proposal.change == Proposal.Change.RETIRE:
        item.retired_at = now
        item.save(update_fields=["retired_at"])
        events.append(happened(Event.Kind.ITEM_RETIRED, proposal.proposer, item, proposal=proposal))
    else:
        flag: tuple[str, ...] = ()
        if revision.everyone is not None:
            # Read once, for the page after it too: it shows the audience the proposal asked for.
            prefetch_related_objects([revision], "audience")
            chosen = {m.pk for m in revision.audience.all()}
            if set_audience(item, everyone=revision.everyone, chosen=chosen, save=False):
                flag = ("everyone",)  # saved with the new version
        version = _adopt_words(proposal, revision, members, answers, now, also=flag)
        if revision.everyone is not None:
            changed = happened(Event.Kind.AUDIENCE_CHANGED, proposal.proposer, item, proposal=proposal, version=version)
            events.append(changed)
    proposal.status = Proposal.Status.ADOPTED
    proposal.decided_at = now
    proposal.save(update_fields=["status", "decided_at"])
    events.append(happened(Event.Kind.PROPOSAL_ADOPTED, proposal.proposer, item, proposal=proposal, version=version))
    record(*events)
    return True


def _adopt_words(
    proposal: Proposal,
    revision: ProposalRevision,
    members: list[Membership],
    answers: dict[int, Response],
    now: datetime,
    also: Iterable[str] = (),
) -> Version:
    version = next_version(
        proposal.item,
        title=revision.title,
        text=revision.text,
        why=revision.why,
        author=proposal.proposer,
        proposal=proposal,
        also=also,
    )
    # Adopting counts as the consent of all who consented.
    Consent.objects.bulk_create(
        Consent(version=version, member_id=m.pk, created_at=now)
        for m in members
        if answers[m.pk].answer == Response.Answer.CONSENT
    )
    return version
