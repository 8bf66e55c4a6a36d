"""Boundaries: the owner sets and changes them; the others acknowledge each version, and may
suggest a change, which the owner takes or declines."""

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Exists, OuterRef
from django.utils import timezone

from relationships.acting import acting
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError

from .. import rules
from ..models import Acknowledgment, Category, Event, Item, Kind, Suggestion, Version
from .items import (
    audience_choice,
    check_current,
    event,
    lock,
    new_item,
    next_version,
    rejoin,
    require_audience,
    set_audience,
)


@acting("owner")
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
    item = new_item(
        by=owner,
        kind=Kind.BOUNDARY,
        category=category,
        everyone=everyone,
        audience=audience,
        review_every_days=review_every_days,
    )
    version = next_version(item, title=title, text=text, why=why, author=owner)
    event(Event.Kind.ITEM_CREATED, owner, item, version=version)
    return item


@acting("owner")
def revise_boundary(*, owner: Membership, item: Item, base_number: int, title: str, text: str, why: str) -> Version:
    return _next_words(owner, lock(item), base_number, title=title, text=text, why=why)


def _next_words(owner: Membership, item: Item, base_number: int, *, title: str, text: str, why: str) -> Version:
    """The boundary's next version, by its owner; ``item`` is locked by the caller."""
    if not rules.can_edit(item, owner):
        raise NotAllowed("Only the person whose boundary this is can change it.")
    check_current(item, base_number)
    version = next_version(item, title=title, text=text, why=why, author=owner)
    event(Event.Kind.VERSION_ADOPTED, owner, item, version=version)
    return version


@acting("member")
def acknowledge(
    *, member: Membership, item: Item | UUID, version_number: int, answer: Acknowledgment.Answer, note: str = ""
) -> Acknowledgment:
    """The member's answer to the boundary's current version. ``item`` may be its public id,
    found inside the lock among those the member may see (``lock``). The answer's version comes
    with the item as it was locked (``acknowledgment.version.item``), for the page after it."""
    # Whether the member answered already is read with the lock: the member's own lock
    # (@acting) keeps a second answer of theirs from being written meanwhile.
    answered = Acknowledgment.objects.filter(version=OuterRef("current_version"), member=member)
    item = lock(item, seen_by=member, answered=Exists(answered))
    if not rules.rules_for(item).acknowledged:
        raise RuleError("Only boundaries are acknowledged; values and agreements are consented to.")
    if not rules.can_acknowledge(item, member):
        raise RuleError("This is your own boundary: the others answer it.")
    version = check_current(item, version_number)
    if item.answered:  # type: ignore[attr-defined]
        raise RuleError("You have already answered this version.")
    ack = Acknowledgment.objects.create(version=version, member=member, answer=answer, note=note)
    event(Event.Kind.ACKNOWLEDGED, member, item, version=version)
    version.item = item
    return ack


@acting("author")
def suggest_change(*, author: Membership, item: Item, base_number: int, text: str, why: str) -> Suggestion:
    item = lock(item)
    require_audience(item, author)
    if not rules.can_suggest(item, author):
        if item.retired_at is not None:
            raise RuleError("This boundary was retired.")
        raise RuleError("Suggestions are for other people's boundaries; change your own directly.")
    version = check_current(item, base_number)
    suggestion = Suggestion.objects.create(item=item, author=author, base_version=version, text=text, why=why)
    event(Event.Kind.SUGGESTED, author, item, version=version)
    return suggestion


def _open_suggestion(owner: Membership, suggestion: Suggestion) -> Suggestion:
    # Its boundary is locked with it, as ``lock`` locks an item: taking it writes the next version.
    suggestion = (
        Suggestion.objects.select_for_update(of=("self", "item"))
        .select_related("item__current_version", "item__polycule")
        .get(pk=suggestion.pk)
    )
    rejoin(suggestion.item, "current_version")
    if not rules.can_answer_suggestion(suggestion.item, owner):
        raise NotAllowed("Only the person whose boundary this is can answer a suggestion.")
    if suggestion.status != Suggestion.Status.OPEN:
        raise RuleError("This suggestion was already answered.")
    return suggestion


@acting("owner")
def take_suggestion(
    *, owner: Membership, suggestion: Suggestion, base_number: int, title: str, text: str, why: str
) -> Version:
    suggestion = _open_suggestion(owner, suggestion)
    version = _next_words(owner, suggestion.item, base_number, title=title, text=text, why=why)
    suggestion.status = Suggestion.Status.TAKEN
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_at"])
    return version


@acting("owner")
def decline_suggestion(*, owner: Membership, suggestion: Suggestion, reply: str) -> Suggestion:
    suggestion = _open_suggestion(owner, suggestion)
    if not reply.strip():
        raise RuleError("Say a few words about why, so the talk can go on.")
    suggestion.status = Suggestion.Status.DECLINED
    suggestion.reply = reply
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "reply", "decided_at"])
    event(Event.Kind.SUGGESTION_DECLINED, owner, suggestion.item)
    return suggestion


@acting("owner")
def set_boundary_audience(*, owner: Membership, item: Item, everyone: bool, audience: Iterable[UUID]) -> Item:
    """The owner chooses who sees their boundary; people added now are asked to acknowledge it."""
    item = lock(item)
    if not rules.can_edit(item, owner):
        raise NotAllowed("Only the person whose boundary this is can choose who sees it.")
    chosen, linked = (set(), set()) if everyone else audience_choice(item, owner, audience)
    set_audience(item, everyone=everyone, chosen=chosen, linked=linked)
    event(Event.Kind.AUDIENCE_CHANGED, owner, item, version=item.current_version)
    return item


@acting("owner")
def retire_boundary(*, owner: Membership, item: Item) -> Item:
    item = lock(item)
    if not (rules.rules_for(item).owner_edits and rules.can_retire(item, owner)):
        raise NotAllowed("Only the person whose boundary this is can retire it.")
    item.retired_at = timezone.now()
    item.save(update_fields=["retired_at"])
    event(Event.Kind.ITEM_RETIRED, owner, item, version=item.current_version)
    return item
