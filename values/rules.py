"""The rules that differ by kind of item, in one place, and who an item's audience is."""

from dataclasses import dataclass

from relationships.models import Membership

from .models import Item, Kind


@dataclass(frozen=True)
class KindRules:
    noun: str
    # Changed by its owner directly (boundaries) or by proposal (values, agreements).
    owner_edits: bool
    # What an audience member gives each version: an acknowledgment or consent.
    answer: str  # "acknowledge" or "consent"


RULES = {
    Kind.VALUE: KindRules(noun="value", owner_edits=False, answer="consent"),
    Kind.AGREEMENT: KindRules(noun="agreement", owner_edits=False, answer="consent"),
    Kind.BOUNDARY: KindRules(noun="boundary", owner_edits=True, answer="acknowledge"),
}


def rules_for(item: Item) -> KindRules:
    return RULES[Kind(item.kind)]


def audience(item: Item) -> list[Membership]:
    """The active members who can see the item (its owner included)."""
    members = Membership.objects.active().filter(polycule_id=item.polycule_id)
    if not item.everyone:
        members = members.filter(audience_links__item=item) | members.filter(pk=item.owner_id or 0)
    return list(members.distinct().order_by("joined_at", "id"))


def can_edit(item: Item, member: Membership) -> bool:
    """Whether the member may write a new version directly."""
    return rules_for(item).owner_edits and item.owner_id == member.pk and item.retired_at is None


def can_propose(item: Item) -> bool:
    return not rules_for(item).owner_edits and item.retired_at is None


def answerers(item: Item, members: list[Membership]) -> list[Membership]:
    """Who is asked to answer each version: everyone but a boundary's owner."""
    return [m for m in members if m.pk != item.owner_id]
