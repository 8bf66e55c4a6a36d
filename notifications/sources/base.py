"""What every source of notices shares: the candidate it finds, and what a notice is about
when the time comes to decide and to write."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.text import Truncator

from accounts.mail import site_url
from conversations.models import Round
from relationships.models import Membership
from values.models import Item, Proposal

from ..kinds import Kind
from ..models import Notice


@dataclass(frozen=True)
class Candidate:
    """Something worth telling one member: one notice, once, whatever the number of ticks."""

    membership: Membership  # the person's membership in the polycule it happened in
    kind: Kind
    key: str  # names the event: one notice per person and key
    happened_at: datetime


@dataclass(frozen=True)
class About:
    """What a notice is about, as a mail may say it: our own words, the names people go by and
    the polycule's name. ``title`` is the item's, proposal's or check-in's (or a round's prompt):
    a mail shows it only to someone who chose titles. Nobody's texts or notes are here at all."""

    kind: Kind
    polycule: str
    sentence: str
    url: str  # absolute: the page where the person can see it, or do what it asks
    title: str = ""
    # What a mail says once, however many notices are about it (a proposal opened, then
    # amended): its page, unless several things share one (people joining share the polycule's).
    thing: str = ""

    @property
    def once(self) -> tuple[Kind, str]:
        return self.kind, self.thing or self.url


@dataclass(frozen=True)
class Gone:
    """A notice that no longer matters, and why (kept on the notice, never shown to anyone)."""

    why: str


type Found = About | Gone

# The reasons a waiting notice is not sent.
LEFT = "left the polycule"
UNSEEN = "cannot see it"
MISSING = "no longer there"
DONE = "done already"
ANSWERED = "answered already"
CLOSED = "closed"
SUPERSEDED = "superseded"
RETIRED = "retired"
MOVED = "moved"
PAST = "past"
SEEN = "seen already"
MUTED = "muted"


# How much of a round's prompt a mail shows, as its title, to someone who chose titles.
PROMPT_SHOWN = 80


def prompt_title(round: Round) -> str:
    return Truncator(round.prompt).chars(PROMPT_SHOWN)


def proposal_title(proposal: Proposal) -> str:
    """Its current wording's title (``revision`` read with it)."""
    return proposal.revision.title if proposal.revision is not None else ""


def absolute(path: str) -> str:
    return site_url(path)


def number(key: str, position: int = 1) -> int:
    """The id at `position` in a key such as ``"round:12:asked"``."""
    return int(key.split(":")[position])


def among(member: Membership | int, audience: Iterable[Membership]) -> bool:
    pk = member if isinstance(member, int) else member.pk
    return any(m.pk == pk for m in audience)


def others(audience: Iterable[Membership], *but: int | None) -> list[Membership]:
    """The audience, less the people named (the one who acted, an owner)."""
    return [m for m in audience if m.pk not in but]


class Audiences:
    """Each item's audience, read once per tick or letter however many notices are about it."""

    def __init__(self) -> None:
        self._seen: dict[int, list[Membership]] = {}

    def of(self, item: Item) -> list[Membership]:
        if item.pk not in self._seen:
            self._seen[item.pk] = item.audience()
        return self._seen[item.pk]


def still_there(notice: Notice, audience: list[Membership]) -> Gone | None:
    """Why the notice's person may not be told any more, if so: they left, or cannot see it."""
    if notice.membership.left_at is not None:
        return Gone(LEFT)
    if not among(notice.membership_id, audience):
        return Gone(UNSEEN)
    return None
