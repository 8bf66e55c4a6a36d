"""The printable "our agreements" page of a polycule: the live values, agreements and
boundaries one member can see (``Item.objects.visible_to``), each at its current version,
with who has acknowledged or consented to that version. A fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from relationships.models import Membership
from values import rules
from values.models import Acknowledgment, Consent, Item, ItemAudience, Kind, Version


@dataclass(frozen=True)
class Answered:
    member: Membership
    at: datetime | None  # None: not yet


@dataclass(frozen=True)
class PrintedItem:
    item: Item
    version: Version
    set_at: datetime
    owner: Membership | None
    shared_with: list[Membership] | None  # None: the whole polycule
    # Acknowledged (boundaries) or consented (values, agreements) the current version.
    answers: list[Answered]

    @property
    def verb(self) -> str:
        return "acknowledged" if rules.rules_for(self.item).acknowledged else "consented to"

    @property
    def done(self) -> list[Answered]:
        return [a for a in self.answers if a.at is not None]

    @property
    def waiting(self) -> list[Answered]:
        return [a for a in self.answers if a.at is None]


@dataclass(frozen=True)
class Section:
    kind: Kind
    heading: str
    items: list[PrintedItem]


@dataclass(frozen=True)
class Agreements:
    membership: Membership
    sections: list[Section]

    @property
    def empty(self) -> bool:
        return not any(section.items for section in self.sections)


HEADINGS = {Kind.VALUE: "Our values", Kind.AGREEMENT: "Our agreements", Kind.BOUNDARY: "Our boundaries"}


def agreements(me: Membership) -> Agreements:
    items = list(
        Item.objects.visible_to(me).live().select_related("current_version").order_by("kind", "current_title", "id")
    )
    members = {m.pk: m for m in Membership.objects.filter(polycule_id=me.polycule_id)}
    active = sorted((m for m in members.values() if m.is_active), key=lambda m: (m.joined_at, m.pk))
    chosen: dict[int, set[int]] = defaultdict(set)
    links = ItemAudience.objects.filter(item__in=[i.pk for i in items if not i.everyone])
    for item_id, membership_id in links.values_list("item_id", "membership_id"):
        chosen[item_id].add(membership_id)
    current = [i.current_version_id for i in items]
    answered: dict[int, dict[int, datetime]] = defaultdict(dict)
    for model in (Acknowledgment, Consent):
        rows = model.objects.filter(version__in=current).values_list("version_id", "member_id", "created_at")
        for version_id, member_id, created_at in rows:
            answered[version_id][member_id] = created_at
    first_set = dict(
        Version.objects.filter(item__in=[i.pk for i in items], number=1).values_list("item_id", "created_at")
    )
    printed: dict[str, list[PrintedItem]] = defaultdict(list)
    for item in items:
        version = item.current_version
        assert version is not None
        ids = chosen[item.pk] | ({item.owner_id} if item.owner_id else set())
        audience = active if item.everyone else [m for m in active if m.pk in ids]
        asked = [m for m in audience if rules.answers(item, m)]
        printed[item.kind].append(
            PrintedItem(
                item=item,
                version=version,
                set_at=first_set.get(item.pk, item.created_at),
                owner=members.get(item.owner_id) if item.owner_id else None,
                shared_with=None if item.everyone else audience,
                answers=[Answered(m, answered[version.pk].get(m.pk)) for m in asked],
            )
        )
        # The author's name, from the polycule's members rather than a join per item.
        version.author = members[version.author_id]
    return Agreements(
        membership=me,
        sections=[Section(kind, HEADINGS[kind], printed[kind]) for kind in (Kind.VALUE, Kind.AGREEMENT, Kind.BOUNDARY)],
    )
