"""The values' part of a polycule's timeline: item events, and members joining and leaving.

Item events are stored (values.Event); joining and leaving are read from the memberships
themselves. Each part is a query of the same columns (``COLUMNS``), so that the page that
gathers the timeline (home.timeline) merges them, and the parts of the apps above, with
UNION ALL and pages in SQL; ``lines`` turns the rows of a page back into lines."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import BigIntegerField, CharField, F, QuerySet, Value
from django.db.models.functions import Cast

from relationships.models import Membership

from .models import Event, Item, Proposal, Version

# Every part's columns, in this order. ``other_ref`` is for the lines of the apps above
# (a conversation's id); values leave it empty.
COLUMNS = ("at", "kind", "actor_ref", "item_ref", "version_ref", "proposal_ref", "other_ref")
type Row = dict[str, Any]
type Part = QuerySet[Any, Row]

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
    """One line of the timeline, whichever app it comes from."""

    at: datetime
    kind: str
    actor: Membership | None
    verb: str
    item: Item | None = None
    version: Version | None = None
    proposal: Proposal | None = None
    # For the lines of the apps above: where the line leads, and in what words.
    url: str = ""
    text: str = ""


def none() -> Cast:
    """An empty id column, typed: PostgreSQL reads a bare NULL heading a UNION as text."""
    return Cast(Value(None), output_field=BigIntegerField())


def kind(name: str) -> Value:
    return Value(name, output_field=CharField())


def parts(
    membership: Membership, *, group: str = "", person: Membership | None = None, item: Item | None = None
) -> list[Part]:
    """The values' rows this member may see, unordered; none for a group that is not theirs."""
    if group and group not in KIND_GROUPS:
        return []
    events = Event.objects.filter(polycule_id=membership.polycule_id, item__in=Item.objects.visible_to(membership))
    kinds = KIND_GROUPS.get(group)
    if kinds:
        events = events.filter(kind__in=kinds)
    if person:
        events = events.filter(actor=person)
    if item:
        events = events.filter(item=item)
    found: list[Part] = []
    if group != "members":
        found.append(
            events.order_by()
            .annotate(
                at=F("created_at"),
                actor_ref=F("actor_id"),
                item_ref=F("item_id"),
                version_ref=F("version_id"),
                proposal_ref=F("proposal_id"),
                other_ref=none(),
            )
            .values(*COLUMNS)
        )
    if item or group not in {"", "members"}:
        return found
    members = Membership.objects.filter(polycule_id=membership.polycule_id).order_by()
    if person:
        members = members.filter(pk=person.pk)
    for name, moment, subset in (
        (MEMBER_JOINED, "joined_at", members),
        (MEMBER_LEFT, "left_at", members.filter(left_at__isnull=False)),
    ):
        found.append(
            subset.annotate(
                at=F(moment),
                kind=kind(name),
                actor_ref=F("id"),
                item_ref=none(),
                version_ref=none(),
                proposal_ref=none(),
                other_ref=none(),
            ).values(*COLUMNS)
        )
    return found


def _verb(kind: str) -> str:
    if kind == MEMBER_JOINED:
        return "joined the polycule"
    if kind == MEMBER_LEFT:
        return "left the polycule"
    return str(Event.Kind(kind).label)


def lines(rows: list[Row]) -> list[Line | None]:
    """The lines of the rows that are the values' (None for the others), in a fixed number of queries."""
    ours = [r for r in rows if r["kind"] in Event.Kind.values or r["kind"] in {MEMBER_JOINED, MEMBER_LEFT}]
    mine = {id(r) for r in ours}
    actors = Membership.objects.in_bulk({r["actor_ref"] for r in ours if r["actor_ref"]})
    items = Item.objects.select_related("current_version", "polycule").in_bulk(
        {r["item_ref"] for r in ours if r["item_ref"]}
    )
    versions = Version.objects.in_bulk({r["version_ref"] for r in ours if r["version_ref"]})
    proposals = Proposal.objects.select_related("revision", "item__polycule").in_bulk(
        {r["proposal_ref"] for r in ours if r["proposal_ref"]}
    )
    return [
        Line(
            at=r["at"],
            kind=r["kind"],
            actor=actors.get(r["actor_ref"]),
            verb=_verb(r["kind"]),
            item=items.get(r["item_ref"]),
            version=versions.get(r["version_ref"]),
            proposal=proposals.get(r["proposal_ref"]),
        )
        if id(r) in mine
        else None
        for r in rows
    ]
