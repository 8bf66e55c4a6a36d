"""Reading one person's journal. Every query here starts from the person (``author=user``),
never from a polycule or a membership: nobody else's page can reach it."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from accounts import paging
from accounts.models import User
from relationships.models import Membership
from values.models import Item

from .. import rules
from ..models import Draft, JournalEntry
from ..prompts.journal import PROMPTS, Prompt, for_day

PER_PAGE = 20
DRAFTS_SHOWN = 20


def own_entry(user: User, **lookup: Any) -> JournalEntry | None:
    return JournalEntry.objects.filter(author=user, **lookup).first()


def own_draft(user: User, **lookup: Any) -> Draft | None:
    return Draft.objects.filter(author=user, **lookup).select_related("membership__polycule", "entry").first()


def _unsent(user: User) -> list[Draft]:
    """The newest unsent drafts, one more than shown, to say there are more."""
    drafts = Draft.objects.filter(author=user, sent_at__isnull=True).select_related("membership__polycule")
    return list(drafts.order_by("-created_at", "-id")[: DRAFTS_SHOWN + 1])


def drafts_to_look_at(user: User, today: date) -> list[Draft]:
    """Drafts the person kept to look at again, now that the day has come: for the dashboard."""
    return list(
        Draft.objects.filter(
            author=user,
            sent_at__isnull=True,
            look_again_on__lte=today,
            membership__left_at__isnull=True,
        )
        .select_related("membership__polycule")
        .order_by("look_again_on", "created_at", "id")
    )


@dataclass(frozen=True)
class JournalPage:
    entries: paging.Page[JournalEntry]  # a page of them, newest first
    drafts: list[Draft]  # not sent yet, newest first: the first DRAFTS_SHOWN, on the first page
    more_drafts: bool
    todays_prompt: Prompt
    prompts: tuple[Prompt, ...]
    today: date


def journal_page(user: User, *, after: str, today: date) -> JournalPage:
    """Two queries: a page of entries after the cursor ``after``, and (first page only) the drafts."""
    entries = paging.page(JournalEntry.objects.filter(author=user), ("-created_at", "-id"), after=after, size=PER_PAGE)
    drafts = _unsent(user) if entries.first else []
    return JournalPage(
        entries=entries,
        drafts=drafts[:DRAFTS_SHOWN],
        more_drafts=len(drafts) > DRAFTS_SHOWN,
        todays_prompt=for_day(today),
        prompts=PROMPTS,
        today=today,
    )


@dataclass(frozen=True)
class EntryPage:
    entry: JournalEntry
    drafts: list[Draft]  # made from this entry


def entry_page(user: User, entry: JournalEntry) -> EntryPage:
    drafts = Draft.objects.filter(author=user, entry=entry).select_related("membership__polycule")
    return EntryPage(entry=entry, drafts=list(drafts.order_by("-created_at", "-id")))


@dataclass(frozen=True)
class DraftPage:
    """A draft before it is sent: what it will say, to whom, and whether it still can go."""

    draft: Draft
    noun: str
    audience: list[Membership] | None  # None: everyone in the polycule
    items: list[Item]  # for a choice: what it touches
    can_send: bool


NOUNS = {
    Draft.Kind.BOUNDARY: "boundary",
    Draft.Kind.VALUE: "value",
    Draft.Kind.AGREEMENT: "agreement",
    Draft.Kind.CHOICE: "choice",
}


def draft_page(user: User, draft: Draft) -> DraftPage:
    """``draft`` comes from ``own_draft``."""
    data = draft.data
    member = draft.membership
    audience = None
    if data.get("everyone") is False:
        chosen = Membership.objects.active().filter(
            polycule_id=member.polycule_id, public_id__in=data.get("audience", [])
        )
        audience = [member, *chosen.exclude(pk=member.pk)]
    items: list[Item] = []
    if data.get("items"):
        linked = Item.objects.visible_to(member).filter(public_id__in=data["items"])
        items = list(linked.select_related("current_version"))
    return DraftPage(
        draft=draft,
        noun=NOUNS[Draft.Kind(draft.kind)],
        audience=audience,
        items=items,
        can_send=rules.can_send(draft, user),
    )
