"""What every kind of item shares: creating one, its versions, its audience, consenting to it
and reaffirming it, and the locking that keeps two people acting at once from both winning."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q

from relationships.acting import acting
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError

from .. import rules
from ..models import Category, Consent, Event, Item, ItemAudience, Kind, ProposalRevision, Reaffirmation, Version


class Stale(RuleError):
    """The change was written against a version that is no longer current."""

    def __init__(self, message: str, *, current: Version | ProposalRevision | None) -> None:
        super().__init__(message)
        self.current = current


NOT_IN_AUDIENCE = "You are not among the people this is shared with."


def event(kind: Event.Kind, actor: Membership | None, item: Item, **links: Any) -> None:
    record(happened(kind, actor, item, **links))


def happened(kind: Event.Kind, actor: Membership | None, item: Item, **links: Any) -> Event:
    """An event, not yet written: ``record`` writes the events of one write in one statement."""
    return Event(polycule_id=item.polycule_id, kind=kind, actor=actor, item=item, **links)


def record(*events: Event) -> None:
    Event.objects.bulk_create(events)


def lock(item: Item | UUID, *, seen_by: Membership | None = None, **annotations: Any) -> Item:
    """The item, locked until the transaction ends, with ``annotations`` read in the same query.
    With ``seen_by``, refuses a member outside its audience as ``require_audience`` does, in
    the same query too (the member is active: ``@acting`` locked and checked them). Given by its
    public id, it is found among the adopted items ``seen_by`` may see, inside the lock
    (``Item.DoesNotExist`` for any other): the view need not read it first."""
    rows = Item.objects.select_for_update(of=("self",)).select_related("current_version", "polycule")
    if not isinstance(item, Item):
        if seen_by is None:
            raise TypeError("An item's public id needs the member who may see it.")
        locked = rows.visible_to(seen_by).adopted().annotate(**annotations).get(public_id=item)
    else:
        if seen_by is not None:
            annotations["seen"] = Exists(Item.objects.visible_to(seen_by).filter(pk=OuterRef("pk")))
        locked = rows.annotate(**annotations).get(pk=item.pk)
        if seen_by is not None and not locked.seen:  # type: ignore[attr-defined]
            raise NotAllowed(NOT_IN_AUDIENCE)
    rejoin(locked, "current_version")
    return locked


def rejoin(row: Any, field: str) -> None:
    """After waiting for another transaction's lock, PostgreSQL returns the locked row as that
    transaction left it, but the rows joined to it as they were before: a version or revision
    made meanwhile comes back missing. Only then, fetch it again."""
    pk = getattr(row, f"{field}_id")
    joined = getattr(row, field)
    if pk is not None and (joined is None or joined.pk != pk):
        setattr(row, field, row._meta.get_field(field).related_model.objects.get(pk=pk))


def require_audience(item: Item, member: Membership) -> list[Membership]:
    """The item's audience, when the member is in it."""
    members = item.audience()
    if not rules.in_audience(member, members):
        # Same answer as for an item that does not exist.
        raise NotAllowed(NOT_IN_AUDIENCE)
    return members


def chosen_audience(by: Membership, audience: Iterable[UUID]) -> list[Membership]:
    ids = set(audience)
    chosen = list(Membership.objects.active().filter(polycule_id=by.polycule_id, public_id__in=ids))
    if len(chosen) != len(ids):
        raise RuleError("Choose people who are in this polycule.")
    return chosen


def audience_choice(item: Item, by: Membership, audience: Iterable[UUID]) -> tuple[set[int], set[int]]:
    """Who ``by`` chose to see ``item`` (each active in its polycule), ``by`` always among them,
    and which of them are among its audience links already: one query, for ``set_audience``."""
    ids = set(audience)
    linked = Exists(ItemAudience.objects.filter(item=item, membership=OuterRef("pk")))
    rows = list(
        Membership.objects.active()
        .filter(polycule_id=by.polycule_id)
        .filter(Q(public_id__in=ids) | Q(pk=by.pk))
        .annotate(linked=linked)
        .values_list("pk", "public_id", "linked")
    )
    if not ids <= {public_id for _, public_id, _ in rows}:
        raise RuleError("Choose people who are in this polycule.")
    return {pk for pk, _, _ in rows}, {pk for pk, _, is_linked in rows if is_linked}


def check_current(item: Item, base_number: int) -> Version:
    """The current version, if the change was written against it."""
    current = item.current_version
    if current is None or current.number != base_number:
        raise Stale(
            f"This {rules.rules_for(item).noun} changed while you were writing: it is now at version"
            f" {current.number if current else 0}. Your text is kept below; start again from the current one.",
            current=current,
        )
    return current


def next_version(
    item: Item, *, title: str, text: str, why: str, author: Membership, also: Iterable[str] = (), **extra: Any
) -> Version:
    """The item's next version, made current. ``also``: other fields of the item changed with
    it, saved in the same statement."""
    number = item.current_version.number + 1 if item.current_version else 1
    version = Version.objects.create(item=item, number=number, title=title, text=text, why=why, author=author, **extra)
    item.current_version, item.current_title = version, version.title
    item.save(update_fields=["current_version", "current_title", *also])
    return version


def new_item(
    *,
    by: Membership,
    kind: Kind,
    category: Category,
    everyone: bool,
    audience: Iterable[UUID],
    review_every_days: int | None,
) -> Item:
    chosen = [] if everyone else chosen_audience(by, audience)
    item = Item.objects.create(
        polycule=by.polycule,
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


def set_audience(
    item: Item, *, everyone: bool, chosen: set[int], linked: set[int] | None = None, save: bool = True
) -> bool:
    """People added now are newcomers to the item: asked to acknowledge or consent. ``linked``:
    which of ``chosen`` have an audience link already, when the caller read it with them;
    without it, the links are added where missing (those already there keep when they were
    added). Returns whether ``item.everyone`` changed; with ``save=False`` the caller saves it."""
    if everyone:
        chosen = set()
    item.audience_links.exclude(membership_id__in=chosen).delete()
    if linked is None:
        links = (ItemAudience(item=item, membership_id=pk) for pk in chosen)
        ItemAudience.objects.bulk_create(links, ignore_conflicts=True)
    else:
        ItemAudience.objects.bulk_create(ItemAudience(item=item, membership_id=pk) for pk in chosen - linked)
    changed = item.everyone != everyone
    item.everyone = everyone
    if changed and save:
        item.save(update_fields=["everyone"])
    return changed


@acting("member")
def consent(*, member: Membership, item: Item | UUID, version_number: int) -> Consent:
    """A newcomer's consent to a value or agreement made before them. ``item`` may be its
    public id, found inside the lock among those the member may see (``lock``)."""
    # Whether the member consented already is read with the lock: their own lock (@acting)
    # keeps a second consent of theirs from being written meanwhile.
    mine = Consent.objects.filter(version=OuterRef("current_version"), member=member)
    item = lock(item, seen_by=member, consented=Exists(mine))
    if not rules.can_consent(item, member):
        if rules.rules_for(item).acknowledged:
            raise RuleError("Boundaries are acknowledged, not consented to.")
        raise RuleError("Only a current value or agreement can be consented to.")
    version = check_current(item, version_number)
    if item.consented:  # type: ignore[attr-defined]  # a double submit: the consent it made
        return Consent.objects.get(version=version, member=member)
    created = Consent.objects.create(version=version, member=member)
    event(Event.Kind.CONSENTED, member, item, version=version)
    return created


@acting("member")
def reaffirm(*, member: Membership, item: Item) -> Reaffirmation:
    item = lock(item, seen_by=member)
    if not rules.can_reaffirm(item, member):
        raise RuleError("Only a current item can be reaffirmed.")
    reaffirmation = Reaffirmation.objects.create(item=item, member=member)
    event(Event.Kind.REAFFIRMED, member, item, version=item.current_version)
    return reaffirmation
