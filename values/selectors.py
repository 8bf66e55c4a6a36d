"""Reading items as one member sees them, always through ``Item.objects.visible_to``, and
the typed read models the pages show."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from relationships.models import Membership

from . import rules
from .diff import Piece, word_diff
from .models import (
    Acknowledgment,
    Consent,
    Item,
    ItemAudience,
    Kind,
    Proposal,
    ProposalRevision,
    Reaffirmation,
    Response,
    Suggestion,
    Version,
)
from .rules import Owed


def with_state(items: QuerySet[Item], membership: Membership) -> QuerySet[Item]:
    """What this member still owes each item, and when it was last looked at."""
    current = OuterRef("current_version")
    return items.select_related("current_version__author", "owner", "created_by", "polycule").annotate(
        acknowledged_by_me=Exists(Acknowledgment.objects.filter(version=current, member=membership)),
        consented_by_me=Exists(Consent.objects.filter(version=current, member=membership)),
        # Standing aside on the proposal that made this version: answered, though not a consent.
        answered_adoption=Exists(
            Response.objects.filter(revision__proposal__adopted_version=current, member=membership)
        ),
        last_reaffirmed_at=Subquery(
            Reaffirmation.objects.filter(item=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
        ),
        has_open_proposal=Exists(Proposal.objects.filter(item=OuterRef("pk"), status=Proposal.Status.OPEN)),
    )


def owes(item: Any, membership: Membership) -> Owed | None:
    """What the member still owes an item annotated by ``with_state``, if anything."""
    if not rules.is_live(item):
        return None
    if item.kind == Kind.BOUNDARY:
        if rules.answers(item, membership) and not item.acknowledged_by_me:
            return Owed.ACKNOWLEDGE
        return None
    if not item.consented_by_me and not item.answered_adoption:
        return Owed.CONSENT
    return None


def last_reviewed(item: Any) -> datetime:
    changed: datetime = item.current_version.created_at
    return max(changed, item.last_reaffirmed_at) if item.last_reaffirmed_at else changed


def review_due_at(item: Any) -> datetime | None:
    if not item.review_every_days or not rules.is_live(item):
        return None
    return last_reviewed(item) + timedelta(days=item.review_every_days)


def is_due(item: Any, now: datetime | None = None) -> bool:
    due = review_due_at(item)
    return due is not None and due <= (now or timezone.now())


@dataclass(frozen=True)
class ItemRow:
    """One item in a list, with what the viewer still owes it."""

    item: Item
    owes: Owed | None


@dataclass
class ItemFilters:
    kind: str = ""
    category: str = ""
    person: str = ""  # a membership public id: its boundaries, or items it wrote
    needs_me: bool = False
    due: bool = False
    retired: bool = False


def item_list(membership: Membership, filters: ItemFilters) -> list[ItemRow]:
    items = Item.objects.visible_to(membership).adopted()
    items = items.filter(retired_at__isnull=not filters.retired)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.category:
        items = items.filter(category=filters.category)
    if filters.person:
        items = items.filter(Q(owner__public_id=filters.person) | Q(versions__author__public_id=filters.person))
        items = items.distinct()
    rows = [
        ItemRow(item, owes(item, membership))
        for item in with_state(items, membership).order_by("kind", "current_version__title")
    ]
    if filters.needs_me:
        rows = [row for row in rows if row.owes]
    if filters.due:
        rows = [row for row in rows if is_due(row.item)]
    return rows


def open_proposals(membership: Membership) -> QuerySet[Proposal]:
    visible = Item.objects.visible_to(membership)
    mine = Response.objects.filter(revision=OuterRef("revision"), member=membership)
    return (
        Proposal.objects.filter(status=Proposal.Status.OPEN, item__in=visible, item__retired_at__isnull=True)
        .select_related("item__current_version", "item__polycule", "revision", "proposer")
        .annotate(answered_by_me=Exists(mine), last_nudged_at=Max("nudges__created_at"))
        .order_by("-created_at")
    )


@dataclass
class Needs:
    """What one member of one polycule is asked for now."""

    membership: Membership
    to_acknowledge: list[Item] = field(default_factory=list)
    to_consent: list[Item] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    due: list[Item] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            len(self.to_acknowledge)
            + len(self.to_consent)
            + len(self.proposals)
            + len(self.due)
            + len(self.suggestions)
        )


def needs(membership: Membership, now: datetime | None = None) -> Needs:
    found = Needs(membership=membership)
    items = with_state(Item.objects.visible_to(membership).live(), membership)
    now = now or timezone.now()
    for item in items:
        match owes(item, membership):
            case Owed.ACKNOWLEDGE:
                found.to_acknowledge.append(item)
            case Owed.CONSENT:
                found.to_consent.append(item)
        if is_due(item, now):
            found.due.append(item)
    found.proposals = [p for p in open_proposals(membership) if not p.answered_by_me]  # type: ignore[attr-defined]
    found.suggestions = list(
        Suggestion.objects.filter(
            item__owner=membership, item__retired_at__isnull=True, status=Suggestion.Status.OPEN
        ).select_related("item__current_version", "item__polycule", "author")
    )
    return found


def newcomer_items(membership: Membership) -> list[ItemRow]:
    """Items set before this member joined or was added, still waiting for their answer."""
    items = with_state(Item.objects.visible_to(membership).live(), membership).filter(
        Q(current_version__created_at__lt=membership.joined_at)
        | Q(created_at__lt=membership.joined_at)
        | Exists(
            ItemAudience.objects.filter(item=OuterRef("pk"), membership=membership, added_at__gt=OuterRef("created_at"))
        )
    )
    rows = (ItemRow(item, owes(item, membership)) for item in items.order_by("kind", "current_version__title"))
    return [row for row in rows if row.owes]


# Proposals: who has answered the current wording


def latest_responses(proposal: Proposal) -> dict[int, Response]:
    """Each member's latest answer to the proposal's current wording, by membership id."""
    if proposal.revision is None:
        return {}
    latest: dict[int, Response] = {}
    for response in proposal.revision.responses.order_by("created_at", "id"):
        latest[response.member_id] = response
    return latest


def waiting_on(proposal: Proposal) -> list[Membership]:
    """The audience members who have not answered the current wording."""
    answered = latest_responses(proposal)
    return [m for m in proposal.item.audience() if m.pk not in answered]


def last_nudged_at(proposal: Proposal) -> datetime | None:
    return proposal.nudges.order_by("-created_at").values_list("created_at", flat=True).first()


# Read models of the pages


@dataclass(frozen=True)
class Stamp:
    """An item's context: set when, changed when, reaffirmed by whom, who came later."""

    set_at: datetime
    changed_at: datetime | None
    reaffirmed: list[Reaffirmation]
    joined_after: list[Membership]


def stamp(item: Item, audience: list[Membership]) -> Stamp:
    first = item.versions.order_by("number").first()
    latest: dict[int, Reaffirmation] = {}
    for r in item.reaffirmations.order_by("created_at").select_related("member"):
        latest[r.member_id] = r
    set_at = first.created_at if first else item.created_at
    current = item.current_version
    return Stamp(
        set_at=set_at,
        changed_at=current.created_at if current and current.number > 1 else None,
        reaffirmed=sorted(latest.values(), key=lambda r: r.created_at, reverse=True),
        joined_after=[m for m in audience if m.joined_at > set_at],
    )


@dataclass(frozen=True)
class ItemPage:
    """An item as one member sees it, with what they may do."""

    item: Item
    version: Version
    rules: rules.KindRules
    owes: Owed | None
    audience: list[Membership]
    answers: list[tuple[Membership, Acknowledgment | None]]
    consents: list[tuple[Membership, bool]]
    stamp: Stamp
    due_at: datetime | None
    is_due: bool
    proposals: QuerySet[Proposal]  # read only by the whole page, not its in-place fragments
    suggestions: list[Suggestion]  # open ones, for the owner to answer
    my_suggestions: list[Suggestion]
    can_edit: bool
    can_suggest: bool
    can_propose: bool
    can_retire: bool
    can_reaffirm: bool


def visible_item(me: Membership, **lookup: Any) -> Item | None:
    """An adopted item this member may see, with their state, or None."""
    return with_state(Item.objects.visible_to(me).adopted(), me).filter(**lookup).first()


def item_page(me: Membership, item: Item) -> ItemPage:
    """``item`` comes from ``visible_item``: annotated with the member's state."""
    version = item.current_version
    assert version is not None
    audience = item.audience()
    acknowledgments = {a.member_id: a for a in version.acknowledgments.all()}
    consents = {c.member_id for c in version.consents.all()}
    # Open suggestions are the owner's to answer; each author follows their own, and reads the reply.
    suggestions = list(
        item.suggestions.filter(Q(status=Suggestion.Status.OPEN) | Q(author=me)).select_related("author")
    )
    return ItemPage(
        item=item,
        version=version,
        rules=rules.rules_for(item),
        owes=owes(item, me),
        audience=audience,
        answers=[(m, acknowledgments.get(m.pk)) for m in audience if rules.answers(item, m)],
        consents=[(m, m.pk in consents) for m in audience],
        stamp=stamp(item, audience),
        due_at=review_due_at(item),
        is_due=is_due(item),
        proposals=item.proposals.filter(status=Proposal.Status.OPEN).select_related(
            "proposer", "revision", "item__polycule"
        ),
        suggestions=[s for s in suggestions if s.status == Suggestion.Status.OPEN]
        if rules.can_answer_suggestion(item, me)
        else [],
        my_suggestions=[s for s in suggestions if s.author_id == me.pk],
        can_edit=rules.can_edit(item, me),
        can_suggest=rules.can_suggest(item, me),
        can_propose=rules.can_propose(item, me),
        can_retire=rules.can_retire(item, me),
        can_reaffirm=rules.can_reaffirm(item, me),
    )


def visible_proposal(me: Membership, **lookup: Any) -> Proposal | None:
    proposals = Proposal.objects.filter(item__in=Item.objects.visible_to(me)).select_related(
        "item__current_version", "item__polycule", "revision", "proposer", "base_version"
    )
    return proposals.filter(**lookup).first()


@dataclass(frozen=True)
class ProposalPage:
    """A proposal as one member sees it: the wording, who answered how, what they may do."""

    proposal: Proposal
    item: Item
    revision: ProposalRevision
    new_audience: list[Membership] | None  # None when it leaves the audience alone
    tally: list[tuple[Membership, Response | None]]
    waiting: list[Membership]
    mine: Response | None
    stale_base: bool
    text_diff: list[Piece] | None
    revisions: QuerySet[ProposalRevision]  # read only by the whole page
    nudged_at: datetime | None
    can_respond: bool
    can_amend: bool
    can_withdraw: bool
    can_nudge: bool


def proposal_page(me: Membership, proposal: Proposal) -> ProposalPage:
    answered = latest_responses(proposal)
    audience = proposal.item.audience()
    revision = proposal.revision
    assert revision is not None
    base = proposal.base_version
    waiting = [m for m in audience if m.pk not in answered]
    nudged_at = last_nudged_at(proposal)
    return ProposalPage(
        proposal=proposal,
        item=proposal.item,
        revision=revision,
        new_audience=None if revision.everyone is None else list(revision.audience.all()),
        tally=[(m, answered.get(m.pk)) for m in audience],
        waiting=waiting,
        mine=answered.get(me.pk),
        stale_base=base is not None and proposal.item.current_version_id != base.pk,
        text_diff=word_diff(base.text, revision.text) if base else None,
        revisions=proposal.revisions.order_by("-number"),
        nudged_at=nudged_at,
        can_respond=rules.can_respond(proposal, me, audience),
        can_amend=rules.can_amend(proposal, me),
        can_withdraw=rules.can_withdraw(proposal, me),
        can_nudge=rules.can_nudge(proposal, me, waiting=len(waiting), last_nudged_at=nudged_at),
    )
