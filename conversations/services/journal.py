"""The journal: one person's entries, and the drafts they turn into. Everything here is keyed to
the person (``author``), never reached through a polycule; a draft names the polycule it is
meant for, and reaches it only when its author sends it."""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from relationships.acting import acting
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError
from values import services as values
from values.models import Category, Item, Kind, Proposal

from .. import rules
from ..models import JOURNAL_MAX, PROMPT_MAX, Choice, Draft, JournalEntry
from .choices import share_choice
from .words import words

type Made = Item | Proposal | Choice


class AlreadySent(RuleError):
    """A draft goes out once."""


def _words(text: str) -> str:
    return words(
        text,
        limit=JOURNAL_MAX,
        empty="Write a few words first.",
        too_long="Keep an entry under {limit} characters; you can write another.",
    )


@transaction.atomic
def write_entry(*, author: User, text: str, prompt: str = "") -> JournalEntry:
    text, now = _words(text), timezone.now()
    # One writer of a person's journal at a time: the same entry sent twice at once waits for
    # the first, and is seen as the double submit it is.
    User.objects.select_for_update(no_key=True).filter(pk=author.pk).exists()
    if JournalEntry.objects.filter(author=author, text=text, created_at__gte=now - rules.DOUBLE_SUBMIT).exists():
        raise RuleError("You've just written this: it's already in your journal.")
    return JournalEntry.objects.create(
        author=author, text=text, prompt=prompt.strip()[:PROMPT_MAX], created_at=now, updated_at=now
    )


def _own_entry(author: User, entry: JournalEntry) -> JournalEntry:
    if not rules.can_read(entry, author):
        raise NotAllowed("This is not your journal.")
    return entry


def edit_entry(*, author: User, entry: JournalEntry, text: str) -> JournalEntry:
    entry = _own_entry(author, entry)
    entry.text = _words(text)
    entry.updated_at = timezone.now()
    entry.save(update_fields=["text", "updated_at"])
    return entry


def delete_entry(*, author: User, entry: JournalEntry) -> None:
    """Gone for good. Drafts made from it keep their own words."""
    _own_entry(author, entry).delete()


# A draft is its author's alone until sent: starting one is not counted as a change.
@acting("membership", counted=False)
def start_draft(*, author: User, entry: JournalEntry, membership: Membership, kind: Draft.Kind) -> Draft:
    """A draft of ``kind`` for one of the author's polycules, starting from the entry's words."""
    _own_entry(author, entry)
    if membership.user_id != author.pk or not membership.is_active:
        raise NotAllowed("Choose one of your polycules.")
    # Started twice (a double click, or back and again): the same draft, not a second one.
    started = Draft.objects.filter(
        author=author,
        entry=entry,
        membership=membership,
        kind=kind,
        sent_at__isnull=True,
        created_at__gte=timezone.now() - rules.DOUBLE_SUBMIT,
    ).first()
    if started is not None:
        return started
    return Draft.objects.create(author=author, entry=entry, membership=membership, kind=kind, data={"text": entry.text})


def _lock_sendable(author: User, draft: Draft) -> Draft:
    draft = Draft.objects.select_for_update(of=("self",)).select_related("membership__polycule").get(pk=draft.pk)
    if draft.author_id != author.pk:
        raise NotAllowed("This is not your draft.")
    if draft.sent_at is not None:
        raise AlreadySent("You already sent this draft.")
    if not rules.can_send(draft, author):
        raise RuleError("You are no longer in that polycule, so this draft can't go there.")
    return draft


@transaction.atomic
def save_draft(*, author: User, draft: Draft, data: dict[str, Any]) -> Draft:
    """Keeps what the form held (its cleaned fields, as JSON) until it is sent."""
    draft = _lock_sendable(author, draft)
    draft.data = data
    draft.save(update_fields=["data"])
    return draft


@transaction.atomic
def keep_draft(*, author: User, draft: Draft, today: date) -> Draft:
    """Not now: it comes back on the author's dashboard tomorrow."""
    draft = _lock_sendable(author, draft)
    draft.look_again_on = today + timedelta(days=1)
    draft.save(update_fields=["look_again_on"])
    return draft


def _item_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "text": data["text"],
        "why": data["why"],
        "category": Category(data["category"]),
        "everyone": data["everyone"],
        "audience": [UUID(a) for a in data["audience"]],
        "review_every_days": data["review_every_days"],
    }


@transaction.atomic
def send_draft(*, author: User, draft: Draft, data: dict[str, Any]) -> Made:
    """Sends the draft as what it is meant to become, with ``data`` (the saved fields, checked
    again by the form), and marks it sent. Refused once sent: a draft goes out once."""
    draft = _lock_sendable(author, draft)
    member = draft.membership
    made: Made
    match draft.kind:
        case Draft.Kind.BOUNDARY:
            made = values.create_boundary(owner=member, **_item_fields(data))
        case Draft.Kind.VALUE | Draft.Kind.AGREEMENT:
            made = values.propose_new(proposer=member, kind=Kind(draft.kind), **_item_fields(data))
        case Draft.Kind.CHOICE:
            made = share_choice(
                author=member,
                text=data["text"],
                why=data["why"],
                everyone=data["everyone"],
                audience=[UUID(a) for a in data["audience"]],
                items=[UUID(i) for i in data["items"]],
            )
        case _:
            raise RuleError("Trellis doesn't know what this draft should become.")
    draft.data = data
    draft.sent_at = timezone.now()
    draft.save(update_fields=["data", "sent_at"])
    return made
