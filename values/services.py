"""Workflows of values, agreements and boundaries. Each runs in one transaction,
locking the item or proposal it changes so that two people acting at once
cannot both win."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from relationships.models import Membership
from relationships.services import NotAllowed, RuleError

from . import rules
from .models import (
    Acknowledgment,
    Category,
    Consent,
    Event,
    Item,
    ItemAudience,
    Kind,
    Nudge,
    Proposal,
    ProposalRevision,
    Reaffirmation,
    Response,
    Suggestion,
    Version,
)

NUDGE_EVERY = timedelta(hours=12)

__all__ = ["NotAllowed", "RuleError", "Stale"]


class Stale(RuleError):
    """The change was written against a version that is no longer current."""

    def __init__(self, message: str, *, current: Version | ProposalRevision | None) -> None:
        super().__init__(message)
        self.current = current


def _event(kind: Event.Kind, actor: Membership | None, item: Item, **links: object) -> None:
    Event.objects.create(polycule_id=item.polycule_id, kind=kind, actor=actor, item=item, **links)


def _lock(item: Item) -> Item:
    locked = Item.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=item.pk)
    _rejoin(locked, "current_version")
    return locked


def _rejoin(row: Any, field: str) -> None:
    """After waiting for another transaction's lock, PostgreSQL returns the locked row as that
    transaction left it, but the rows joined to it as they were before: a version or revision
    made meanwhile comes back missing. Only then, fetch it again."""
    pk = getattr(row, f"{field}_id")
    joined = getattr(row, field)
    if pk is not None and (joined is None or joined.pk != pk):
        setattr(row, field, row._meta.get_field(field).related_model.objects.get(pk=pk))


def _require_in_audience(item: Item, member: Membership) -> list[Membership]:
    members = rules.audience(item)
    if member.pk not in {m.pk for m in members}:
        # Same answer as for an item that does not exist.
        raise NotAllowed("You are not among the people this is shared with.")
    return members


def _chosen_audience(by: Membership, audience: Iterable[UUID]) -> list[Membership]:
    ids = set(audience)
    chosen = list(Membership.objects.active().filter(polycule_id=by.polycule_id, public_id__in=ids))
    if len(chosen) != len(ids):
        raise RuleError("Choose people from this polycule.")
    return chosen


def _check_current(item: Item, base_number: int) -> None:
    current = item.current_version
    if current is None or current.number != base_number:
        raise Stale(
            f"This {rules.rules_for(item).noun} changed while you were writing: it is now at version"
            f" {current.number if current else 0}. Your text is kept below; start again from the current one.",
            current=current,
        )


def _next_version(item: Item, *, title: str, text: str, why: str, author: Membership, **extra: object) -> Version:
    number = item.current_version.number + 1 if item.current_version else 1
    version = Version.objects.create(item=item, number=number, title=title, text=text, why=why, author=author, **extra)
    item.current_version = version
    item.save(update_fields=["current_version"])
    return version


def _new_item(
    *,
    by: Membership,
    kind: Kind,
    category: Category,
    everyone: bool,
    audience: Iterable[UUID],
    review_every_days: int | None,
) -> Item:
    chosen = [] if everyone else _chosen_audience(by, audience)
    item = Item.objects.create(
        polycule_id=by.polycule_id,
        kind=kind,
        category=category,
        owner=by if kind == Kind.BOUNDARY else None,
        everyone=everyone,
        review_every_days=review_every_days,
        created_by=by,
    )
    # The author always sees what they wrote. Added with the item, not after it:
    # only someone added later is asked as a newcomer (selectors.newcomer_items).
    links = {m.pk for m in chosen} | ({by.pk} if not everyone else set())
    ItemAudience.objects.bulk_create(
        ItemAudience(item=item, membership_id=pk, added_at=item.created_at) for pk in links
    )
    return item


# Boundaries: the owner edits; the others acknowledge each version.


@transaction.atomic
def create_boundary(
    *,
    owner: Membership,
    title: str,
    text: str,
    why: str,
    category: Category = Category.OTHER,
    everyone: bool = True,
    audience: Iterable[UUID] = (),
    review_every_days: int | None = None,
) -> Item:
    item = _new_item(
        by=owner,
        kind=Kind.BOUNDARY,
        category=category,
        everyone=everyone,
        audience=audience,
        review_every_days=review_every_days,
    )
    version = _next_version(item, title=title, text=text, why=why, author=owner)
    _event(Event.Kind.ITEM_CREATED, owner, item, version=version)
    return item


@transaction.atomic
def revise_boundary(*, owner: Membership, item: Item, base_number: int, title: str, text: str, why: str) -> Version:
    item = _lock(item)
    if not rules.can_edit(item, owner):
        raise NotAllowed("Only the person whose boundary this is can change it.")
    _check_current(item, base_number)
    version = _next_version(item, title=title, text=text, why=why, author=owner)
    _event(Event.Kind.VERSION_ADOPTED, owner, item, version=version)
    return version


@transaction.atomic
def acknowledge(
    *, member: Membership, item: Item, version_number: int, answer: Acknowledgment.Answer, note: str = ""
) -> Acknowledgment:
    item = _lock(item)
    if item.kind != Kind.BOUNDARY:
        raise RuleError("Only boundaries are acknowledged; values and agreements are consented to.")
    _require_in_audience(item, member)
    if item.owner_id == member.pk:
        raise RuleError("This is your own boundary: the others answer it.")
    _check_current(item, version_number)
    assert item.current_version is not None
    if Acknowledgment.objects.filter(version=item.current_version, member=member).exists():
        raise RuleError("You have already answered this version.")
    ack = Acknowledgment.objects.create(version=item.current_version, member=member, answer=answer, note=note)
    _event(Event.Kind.ACKNOWLEDGED, member, item, version=item.current_version)
    return ack


@transaction.atomic
def suggest_change(*, author: Membership, item: Item, base_number: int, text: str, why: str) -> Suggestion:
    item = _lock(item)
    _require_in_audience(item, author)
    if item.kind != Kind.BOUNDARY or item.owner_id == author.pk:
        raise RuleError("Suggestions are for other people's boundaries; change your own directly.")
    if item.retired_at is not None:
        raise RuleError("This boundary was retired.")
    _check_current(item, base_number)
    assert item.current_version is not None
    suggestion = Suggestion.objects.create(
        item=item, author=author, base_version=item.current_version, text=text, why=why
    )
    _event(Event.Kind.SUGGESTED, author, item, version=item.current_version)
    return suggestion


def _open_suggestion(owner: Membership, suggestion: Suggestion) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().select_related("item").get(pk=suggestion.pk)
    if suggestion.item.owner_id != owner.pk:
        raise NotAllowed("Only the person whose boundary this is can answer a suggestion.")
    if suggestion.status != Suggestion.Status.OPEN:
        raise RuleError("This suggestion was already answered.")
    return suggestion


@transaction.atomic
def take_suggestion(
    *, owner: Membership, suggestion: Suggestion, base_number: int, title: str, text: str, why: str
) -> Version:
    suggestion = _open_suggestion(owner, suggestion)
    version = revise_boundary(
        owner=owner, item=suggestion.item, base_number=base_number, title=title, text=text, why=why
    )
    suggestion.status = Suggestion.Status.TAKEN
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_at"])
    return version


@transaction.atomic
def decline_suggestion(*, owner: Membership, suggestion: Suggestion, reply: str) -> Suggestion:
    suggestion = _open_suggestion(owner, suggestion)
    if not reply.strip():
        raise RuleError("Say a few words about why, so the talk can go on.")
    suggestion.status = Suggestion.Status.DECLINED
    suggestion.reply = reply
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "reply", "decided_at"])
    _event(Event.Kind.SUGGESTION_DECLINED, owner, suggestion.item)
    return suggestion


@transaction.atomic
def set_boundary_audience(*, owner: Membership, item: Item, everyone: bool, audience: Iterable[UUID]) -> Item:
    """The owner chooses who sees their boundary; people added now are asked to acknowledge it."""
    item = _lock(item)
    if not rules.can_edit(item, owner):
        raise NotAllowed("Only the person whose boundary this is can choose who sees it.")
    chosen = {m.pk for m in ([] if everyone else _chosen_audience(owner, audience))} | {owner.pk}
    _set_audience(item, everyone=everyone, chosen=chosen)
    _event(Event.Kind.AUDIENCE_CHANGED, owner, item, version=item.current_version)
    return item


@transaction.atomic
def retire_boundary(*, owner: Membership, item: Item) -> Item:
    item = _lock(item)
    if not rules.can_edit(item, owner):
        raise NotAllowed("Only the person whose boundary this is can retire it.")
    item.retired_at = timezone.now()
    item.save(update_fields=["retired_at"])
    _event(Event.Kind.ITEM_RETIRED, owner, item, version=item.current_version)
    return item


# Values and agreements: proposals, responses, adoption.


type AudienceChange = tuple[bool, list[Membership]] | None


def _audience_change(by: Membership, everyone: bool | None, audience: Iterable[UUID]) -> AudienceChange:
    """A proposal's new audience, validated; None when it leaves the audience alone."""
    if everyone is None:
        return None
    if everyone:
        return True, []
    chosen = _chosen_audience(by, audience)
    return False, [*chosen, *([by] if by not in chosen else [])]


def _revise(
    proposal: Proposal, *, title: str, text: str, why: str, audience: AudienceChange = None
) -> ProposalRevision:
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
        revision.audience.set(audience[1])
    proposal.revision = revision
    proposal.save(update_fields=["revision"])
    # Putting a proposal forward is the proposer's own consent to it.
    Response.objects.create(revision=revision, member=proposal.proposer, answer=Response.Answer.CONSENT)
    return revision


@transaction.atomic
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
    if kind == Kind.BOUNDARY:
        raise RuleError("A boundary is yours to set; it needs no proposal.")
    item = _new_item(
        by=proposer,
        kind=kind,
        category=category,
        everyone=everyone,
        audience=audience,
        review_every_days=review_every_days,
    )
    proposal = Proposal.objects.create(item=item, change=Proposal.Change.CREATE, proposer=proposer)
    _revise(proposal, title=title, text=text, why=why)
    _event(Event.Kind.PROPOSAL_OPENED, proposer, item, proposal=proposal)
    _maybe_adopt(proposal)
    return proposal


@transaction.atomic
def propose_change(
    *,
    proposer: Membership,
    item: Item,
    base_number: int,
    title: str,
    text: str,
    why: str,
    retire: bool = False,
    everyone: bool | None = None,
    audience: Iterable[UUID] = (),
) -> Proposal:
    """A change to a value or agreement: new words, a new audience, or retiring it."""
    item = _lock(item)
    _require_in_audience(item, proposer)
    if not rules.can_propose(item):
        raise RuleError("Boundaries change by their owner's hand; suggest a change instead.")
    _check_current(item, base_number)
    change = None if retire else _audience_change(proposer, everyone, audience)
    proposal = Proposal.objects.create(
        item=item,
        change=Proposal.Change.RETIRE if retire else Proposal.Change.REVISE,
        proposer=proposer,
        base_version=item.current_version,
    )
    _revise(proposal, title=title, text=text, why=why, audience=change)
    _event(Event.Kind.PROPOSAL_OPENED, proposer, item, proposal=proposal)
    _maybe_adopt(proposal)
    return proposal


def _lock_open(proposal: Proposal) -> Proposal:
    # The item is locked too: adopting writes its next version, and two proposals on one
    # item adopted at once must not both write the same number.
    proposal = (
        Proposal.objects.select_for_update(of=("self", "item"))
        .select_related("item__current_version", "revision", "base_version")
        .get(pk=proposal.pk)
    )
    for row, field in ((proposal.item, "current_version"), (proposal, "revision"), (proposal, "base_version")):
        _rejoin(row, field)
    if not proposal.is_open:
        raise RuleError(f"This proposal is closed: it was {proposal.get_status_display().lower()}.")
    return proposal


@transaction.atomic
def respond(
    *, member: Membership, proposal: Proposal, revision_number: int, answer: Response.Answer, note: str = ""
) -> Response:
    proposal = _lock_open(proposal)
    _require_in_audience(proposal.item, member)
    if proposal.item.retired_at is not None:
        raise RuleError("This was retired while the proposal was open, so it can no longer be adopted.")
    assert proposal.revision is not None
    if proposal.revision.number != revision_number:
        raise Stale(
            "The proposal was amended while you were answering. Read the new wording and answer again.",
            current=proposal.revision,
        )
    if answer == Response.Answer.OBJECT and not note.strip():
        raise RuleError("An objection needs a note: what would need to change for you?")
    response = Response.objects.create(revision=proposal.revision, member=member, answer=answer, note=note)
    _maybe_adopt(proposal)
    return response


@transaction.atomic
def amend(
    *, proposer: Membership, proposal: Proposal, revision_number: int, title: str, text: str, why: str
) -> ProposalRevision:
    proposal = _lock_open(proposal)
    if proposal.proposer_id != proposer.pk:
        raise NotAllowed("Only the person who made the proposal can amend it.")
    assert proposal.revision is not None
    if proposal.revision.number != revision_number:
        raise Stale("The proposal was amended in the meantime.", current=proposal.revision)
    if proposal.change != Proposal.Change.CREATE:
        # Amending brings the proposal up to date with the item as it is now.
        proposal.base_version = proposal.item.current_version
        proposal.save(update_fields=["base_version"])
    previous = proposal.revision
    # The new wording keeps the audience change the proposal was made with.
    carried = None if previous.everyone is None else (previous.everyone, list(previous.audience.all()))
    revision = _revise(proposal, title=title, text=text, why=why, audience=carried)
    _event(Event.Kind.PROPOSAL_AMENDED, proposer, proposal.item, proposal=proposal)
    _maybe_adopt(proposal)
    return revision


@transaction.atomic
def withdraw(*, proposer: Membership, proposal: Proposal) -> Proposal:
    proposal = _lock_open(proposal)
    if proposal.proposer_id != proposer.pk:
        raise NotAllowed("Only the person who made the proposal can withdraw it.")
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    _event(Event.Kind.PROPOSAL_WITHDRAWN, proposer, proposal.item, proposal=proposal)
    return proposal


@transaction.atomic
def nudge(*, proposer: Membership, proposal: Proposal) -> Nudge:
    proposal = _lock_open(proposal)
    if proposal.proposer_id != proposer.pk:
        raise NotAllowed("Only the person who made the proposal can send a reminder.")
    last = proposal.nudges.order_by("-created_at").first()
    if last and timezone.now() - last.created_at < NUDGE_EVERY:
        raise RuleError("You sent a reminder recently. Give people a little time.")
    if not waiting_on(proposal):
        raise RuleError("Everyone has answered already.")
    return Nudge.objects.create(proposal=proposal, by=proposer)


def latest_responses(proposal: Proposal) -> dict[int, Response]:
    """Each member's latest answer to the proposal's current wording, by membership id."""
    if proposal.revision is None:
        return {}
    latest: dict[int, Response] = {}
    for response in proposal.revision.responses.order_by("created_at", "id"):
        latest[response.member_id] = response
    return latest


def waiting_on(proposal: Proposal) -> list[Membership]:
    answered = latest_responses(proposal)
    return [m for m in rules.audience(proposal.item) if m.pk not in answered]


def _maybe_adopt(proposal: Proposal) -> bool:
    """Adopt when every audience member has answered the current wording and none objects."""
    item = proposal.item
    if item.retired_at is not None:
        return False  # retired by another proposal while this one was open
    answers = latest_responses(proposal)
    members = rules.audience(item)
    if any(m.pk not in answers for m in members):
        return False
    if any(answers[m.pk].answer == Response.Answer.OBJECT for m in members):
        return False
    if proposal.change != Proposal.Change.CREATE and item.current_version_id != proposal.base_version_id:
        return False  # written against an older version: the proposer amends it first
    revision = proposal.revision
    assert revision is not None
    now = timezone.now()
    if proposal.change == Proposal.Change.RETIRE:
        item.retired_at = now
        item.save(update_fields=["retired_at"])
        _event(Event.Kind.ITEM_RETIRED, proposal.proposer, item, proposal=proposal)
        version = None
    elif revision.everyone is not None:
        version = _adopt_words(proposal, revision, members, answers, now)
        _set_audience(item, everyone=revision.everyone, chosen={m.pk for m in revision.audience.all()})
        _event(Event.Kind.AUDIENCE_CHANGED, proposal.proposer, item, proposal=proposal, version=version)
    else:
        version = _adopt_words(proposal, revision, members, answers, now)
    proposal.status = Proposal.Status.ADOPTED
    proposal.decided_at = now
    proposal.save(update_fields=["status", "decided_at"])
    _event(Event.Kind.PROPOSAL_ADOPTED, proposal.proposer, item, proposal=proposal, version=version)
    return True


def _adopt_words(
    proposal: Proposal,
    revision: ProposalRevision,
    members: list[Membership],
    answers: dict[int, Response],
    now: datetime,
) -> Version:
    version = _next_version(
        proposal.item,
        title=revision.title,
        text=revision.text,
        why=revision.why,
        author=proposal.proposer,
        proposal=proposal,
    )
    # Adopting counts as the consent of all who consented.
    Consent.objects.bulk_create(
        Consent(version=version, member_id=m.pk, created_at=now)
        for m in members
        if answers[m.pk].answer == Response.Answer.CONSENT
    )
    return version


def _set_audience(item: Item, *, everyone: bool, chosen: set[int]) -> None:
    """People added now are newcomers to the item: asked to acknowledge or consent."""
    if everyone:
        chosen = set()
    current = set(item.audience_links.values_list("membership_id", flat=True))
    item.audience_links.exclude(membership_id__in=chosen).delete()
    ItemAudience.objects.bulk_create(ItemAudience(item=item, membership_id=pk) for pk in chosen - current)
    item.everyone = everyone
    item.save(update_fields=["everyone"])


@transaction.atomic
def consent(*, member: Membership, item: Item, version_number: int) -> Consent:
    """A newcomer's consent to a value or agreement made before them."""
    item = _lock(item)
    if rules.rules_for(item).answer != "consent":
        raise RuleError("Boundaries are acknowledged, not consented to.")
    _require_in_audience(item, member)
    _check_current(item, version_number)
    assert item.current_version is not None
    existing = Consent.objects.filter(version=item.current_version, member=member).first()
    if existing:
        return existing
    created = Consent.objects.create(version=item.current_version, member=member)
    _event(Event.Kind.CONSENTED, member, item, version=item.current_version)
    return created


@transaction.atomic
def reaffirm(*, member: Membership, item: Item) -> Reaffirmation:
    item = _lock(item)
    _require_in_audience(item, member)
    if item.current_version is None or item.retired_at is not None:
        raise RuleError("Only a current item can be reaffirmed.")
    reaffirmation = Reaffirmation.objects.create(item=item, member=member)
    _event(Event.Kind.REAFFIRMED, member, item, version=item.current_version)
    return reaffirmation
