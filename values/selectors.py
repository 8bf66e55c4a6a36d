"""Reading items as one member sees them: always through Item.objects.visible_to."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from relationships.models import Membership

from .models import Acknowledgment, Consent, Item, ItemAudience, Kind, Proposal, Reaffirmation, Response, Suggestion


def with_state(items: QuerySet[Item], membership: Membership) -> QuerySet[Item]:
    """What this member still owes each item, and when it was last looked at."""
    current = OuterRef("current_version")
    return items.select_related("current_version__author", "owner", "created_by").annotate(
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


def owes(item: Any, membership: Membership) -> str | None:
    """'acknowledge', 'consent' or None, for an item annotated by with_state."""
    if item.current_version_id is None or item.retired_at is not None:
        return None
    if item.kind == Kind.BOUNDARY:
        if item.owner_id != membership.pk and not item.acknowledged_by_me:
            return "acknowledge"
        return None
    if not item.consented_by_me and not item.answered_adoption:
        return "consent"
    return None


def last_reviewed(item: Any) -> datetime:
    changed = item.current_version.created_at
    return max(changed, item.last_reaffirmed_at) if item.last_reaffirmed_at else changed


def review_due_at(item: Any) -> datetime | None:
    if not item.review_every_days or item.current_version_id is None or item.retired_at is not None:
        return None
    return last_reviewed(item) + timedelta(days=item.review_every_days)


def is_due(item: Any, now: datetime | None = None) -> bool:
    due = review_due_at(item)
    return due is not None and due <= (now or timezone.now())


@dataclass
class ItemFilters:
    kind: str = ""
    category: str = ""
    person: str = ""  # a membership public id: its boundaries, or items it wrote
    needs_me: bool = False
    due: bool = False
    retired: bool = False


def item_list(membership: Membership, filters: ItemFilters) -> list[Item]:
    items = Item.objects.visible_to(membership).adopted()
    items = items.filter(retired_at__isnull=not filters.retired)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.category:
        items = items.filter(category=filters.category)
    if filters.person:
        items = items.filter(Q(owner__public_id=filters.person) | Q(versions__author__public_id=filters.person))
        items = items.distinct()
    result = list(with_state(items, membership).order_by("kind", "current_version__title"))
    for item in result:
        item.owes = owes(item, membership)  # type: ignore[attr-defined]
    if filters.needs_me:
        result = [i for i in result if i.owes]  # type: ignore[attr-defined]
    if filters.due:
        result = [i for i in result if is_due(i)]
    return result


def open_proposals(membership: Membership) -> QuerySet[Proposal]:
    visible = Item.objects.visible_to(membership)
    mine = Response.objects.filter(revision=OuterRef("revision"), member=membership)
    return (
        Proposal.objects.filter(status=Proposal.Status.OPEN, item__in=visible, item__retired_at__isnull=True)
        .select_related("item__current_version", "revision", "proposer")
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
            case "acknowledge":
                found.to_acknowledge.append(item)
            case "consent":
                found.to_consent.append(item)
        if is_due(item, now):
            found.due.append(item)
    found.proposals = [p for p in open_proposals(membership) if not p.answered_by_me]  # type: ignore[attr-defined]
    found.suggestions = list(
        Suggestion.objects.filter(
            item__owner=membership, item__retired_at__isnull=True, status=Suggestion.Status.OPEN
        ).select_related("item__current_version", "author")
    )
    return found


def newcomer_items(membership: Membership) -> list[Item]:
    """Items set before this member joined or was added, still waiting for their answer."""
    items = with_state(Item.objects.visible_to(membership).live(), membership).filter(
        Q(current_version__created_at__lt=membership.joined_at)
        | Q(created_at__lt=membership.joined_at)
        | Exists(
            ItemAudience.objects.filter(item=OuterRef("pk"), membership=membership, added_at__gt=OuterRef("created_at"))
        )
    )
    result = []
    for item in items.order_by("kind", "current_version__title"):
        item.owes = owes(item, membership)  # type: ignore[attr-defined]
        if item.owes:  # type: ignore[attr-defined]
            result.append(item)
    return result
