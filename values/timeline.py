"""A polycule's timeline: item events, and members joining and leaving, newest first.

Item events are stored (values.Event); joining and leaving are read from the
memberships themselves, merged in the database with UNION ALL so that paging
and filtering stay in SQL."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import CharField, F, IntegerField, QuerySet, Value

from relationships.models import Membership

from .models import Event, Item, Proposal, Version

PAGE_SIZE = 30

MEMBER_JOINED = "member_joined"
MEMBER_LEFT = "member_left"
KIND_GROUPS: dict[str, list[str]] = {
    "items": [
        Event.Kind.ITEM_CREATED,
        Event.Kind.VERSION_ADOPTED,
        Event.Kind.ITEM_RETIRED,
        Event.Kind.AUDIENCE_CHANGED,
    ],
    "proposals": [
        Event.Kind.PROPOSAL_OPENED,
        Event.Kind.PROPOSAL_AMENDED,
        Event.Kind.PROPOSAL_ADOPTED,
        Event.Kind.PROPOSAL_WITHDRAWN,
    ],
    "answers": [Event.Kind.ACKNOWLEDGED, Event.Kind.CONSENTED, Event.Kind.REAFFIRMED],
    "suggestions": [Event.Kind.SUGGESTED, Event.Kind.SUGGESTION_DECLINED],
    "members": [MEMBER_JOINED, MEMBER_LEFT],
}
KIND_LABELS = {
    "items": "Items set, changed or retired",
    "proposals": "Proposals",
    "answers": "Acknowledgments, consents and reaffirmations",
    "suggestions": "Suggestions",
    "members": "People joining and leaving",
}


@dataclass
class Line:
    at: datetime
    kind: str
    actor: Membership | None
    item: Item | None
    version: Version | None
    proposal: Proposal | None

    @property
    def verb(self) -> str:
        if self.kind == MEMBER_JOINED:
            return "joined the polycule"
        if self.kind == MEMBER_LEFT:
            return "left the polycule"
        return str(Event.Kind(self.kind).label)


_COLUMNS = ("at", "kind", "actor_ref", "item_ref", "version_ref", "proposal_ref")


def _none() -> Value:
    return Value(None, output_field=IntegerField())


def _rows(
    membership: Membership, *, group: str = "", person: Membership | None = None, item: Item | None = None
) -> QuerySet[Any, dict[str, Any]]:
    events = Event.objects.filter(polycule_id=membership.polycule_id, item__in=Item.objects.visible_to(membership))
    kinds = KIND_GROUPS.get(group)
    if kinds:
        events = events.filter(kind__in=kinds)
    if person:
        events = events.filter(actor=person)
    if item:
        events = events.filter(item=item)
    rows: QuerySet[Any, dict[str, Any]] = (
        events.order_by()
        .annotate(
            at=F("created_at"),
            actor_ref=F("actor_id"),
            item_ref=F("item_id"),
            version_ref=F("version_id"),
            proposal_ref=F("proposal_id"),
        )
        .values(*_COLUMNS)
    )
    ordered: QuerySet[Any, dict[str, Any]]
    if item or (kinds and group != "members"):
        ordered = rows.order_by("-at")
        return ordered
    members = Membership.objects.filter(polycule_id=membership.polycule_id).order_by()
    if person:
        members = members.filter(pk=person.pk)
    joins: QuerySet[Any, dict[str, Any]] = members.annotate(
        at=F("joined_at"),
        kind=Value(MEMBER_JOINED, output_field=CharField()),
        actor_ref=F("id"),
        item_ref=_none(),
        version_ref=_none(),
        proposal_ref=_none(),
    ).values(*_COLUMNS)
    leaves: QuerySet[Any, dict[str, Any]] = (
        members.filter(left_at__isnull=False)
        .annotate(
            at=F("left_at"),
            kind=Value(MEMBER_LEFT, output_field=CharField()),
            actor_ref=F("id"),
            item_ref=_none(),
            version_ref=_none(),
            proposal_ref=_none(),
        )
        .values(*_COLUMNS)
    )
    if group == "members":
        ordered = joins.union(leaves, all=True).order_by("-at")
    else:
        ordered = rows.union(joins, leaves, all=True).order_by("-at")
    return ordered


def timeline(
    membership: Membership,
    *,
    page: int = 1,
    group: str = "",
    person: Membership | None = None,
    item: Item | None = None,
) -> tuple[list[Line], bool]:
    """One page of lines and whether there is a next page; a fixed number of queries."""
    start = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(_rows(membership, group=group, person=person, item=item)[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    actors = Membership.objects.in_bulk({r["actor_ref"] for r in rows if r["actor_ref"]})
    items = Item.objects.select_related("current_version", "polycule").in_bulk(
        {r["item_ref"] for r in rows if r["item_ref"]}
    )
    versions = Version.objects.in_bulk({r["version_ref"] for r in rows if r["version_ref"]})
    proposals = Proposal.objects.select_related("revision", "item__polycule").in_bulk(
        {r["proposal_ref"] for r in rows if r["proposal_ref"]}
    )
    lines = [
        Line(
            at=r["at"],
            kind=r["kind"],
            actor=actors.get(r["actor_ref"]),
            item=items.get(r["item_ref"]),
            version=versions.get(r["version_ref"]),
            proposal=proposals.get(r["proposal_ref"]),
        )
        for r in rows
    ]
    return lines, has_next
