"""What-if rounds: a hypothetical put to chosen members, answered privately, revealed all at once.

The reveal rule: every change to a round's answers locks the round's row first, so that the
answers are counted one transaction after another. Whoever completes the round (everyone still in
the polycule has answered) reveals it, and opens its discussion, in the same transaction: two
last answers at once reveal it exactly once. After the reveal, answers are frozen."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format

from relationships.acting import acting
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError

from .. import rules
from ..models import PROMPT_MAX, TEXT_MAX, Comment, Discussion, Round, RoundAnswer, RoundParticipant
from ..prompts.whatif import Theme
from . import discussions
from .words import words

# The same question from the same person this soon after: a double submit.

__all__ = [
    "NotAllowed",
    "RuleError",
    "answer",
    "comment",
    "mark_seen",
    "open_round",
    "reveal",
    "reveal_if_everyone_answered",
    "withdraw",
]


def _words(text: str, *, limit: int, empty: str, noun: str) -> str:
    return words(text, limit=limit, empty=empty, too_long=f"Keep {noun} under {{limit}} characters.")


@acting("asker")
def open_round(
    *,
    asker: Membership,
    prompt: str,
    participants: Iterable[UUID],
    theme: str = "",
    deadline: datetime | None = None,
) -> Round:
    """Puts a what-if to chosen members of the asker's polycule; the asker always takes part.
    Who takes part is fixed now: nobody joins a round later."""
    prompt = _words(prompt, limit=PROMPT_MAX, empty="Choose a prompt, or write your own.", noun="the prompt")
    if theme and theme not in Theme.values:
        raise RuleError("That theme is not one of the library's.")
    if deadline is not None and deadline <= timezone.now():
        raise RuleError("Choose a deadline in the future.")
    ids = set(participants)
    chosen = list(
        Membership.objects.active().filter(polycule_id=asker.polycule_id, public_id__in=ids).exclude(pk=asker.pk)
    )
    if len(chosen) != len(ids - {asker.public_id}):
        raise RuleError("Choose people who are in this polycule.")
    if not rules.can_ask(asker, chosen):
        raise RuleError("Choose at least one other person to ask.")
    # The asker's row, locked by @acting, makes the same form sent twice at once wait for the
    # first: the second sees it as the double submit it is.
    recent = Round.objects.filter(asker=asker, prompt=prompt, created_at__gte=timezone.now() - rules.DOUBLE_SUBMIT)
    if recent.filter(revealed_at__isnull=True).exists():
        raise RuleError("You've just asked this: it's already waiting for answers.")
    round = Round.objects.create(
        polycule_id=asker.polycule_id, asker=asker, prompt=prompt, theme=theme, deadline=deadline
    )
    RoundParticipant.objects.bulk_create(RoundParticipant(round=round, membership=m) for m in [asker, *chosen])
    if Membership.polycule.is_cached(asker):  # read with the asker by the gate: where the round is shown
        round.polycule = asker.polycule
    return round


def _locked(round: Round | UUID, member: Membership) -> tuple[Round, list[Membership], set[int], RoundAnswer | None]:
    """The round, read again and locked, with its audience (``round.audience()``), who has
    answered, and ``member``'s own answer (its words are not read: they are about to change).
    Two statements, in this order: the answers are read after the lock is held, so that an
    answer committed while this one waited for the lock is seen (one statement would read them
    as they were when it began, and two last answers at once would both miss the reveal).
    Given by its public id, the round is found among those ``member`` was asked into, inside the
    lock (``Round.DoesNotExist`` for any other): the view that acts on it need not look it up
    first, which would read the same row once more."""
    rounds = Round.objects.select_for_update(of=("self",)).select_related("polycule", "asker")
    locked = rounds.get(pk=round.pk) if isinstance(round, Round) else rounds.visible_to(member).get(public_id=round)
    theirs = RoundAnswer.objects.filter(round=locked, member=OuterRef("membership"))
    mine = RoundAnswer.objects.filter(round=locked, member=member)
    rows: list[Any] = list(
        RoundParticipant.objects.filter(round=locked)
        .select_related("membership")
        .annotate(
            answered=Exists(theirs),
            mine_id=Subquery(mine.values("pk")[:1]),
            mine_created=Subquery(mine.values("created_at")[:1]),
        )
        .order_by("membership__joined_at", "membership__id")
    )
    audience = [row.membership for row in rows if row.membership.is_active]
    answered = {row.membership_id for row in rows if row.answered}
    own = None
    if rows and rows[0].mine_id is not None:
        own = RoundAnswer(pk=rows[0].mine_id, round=locked, member=member, created_at=rows[0].mine_created)
    return locked, audience, answered, own


def _refuse_answering(round: Round, member: Membership, audience: list[Membership]) -> None:
    if rules.can_answer_round(round, member, audience):
        return
    if rules.is_revealed(round):
        raise RuleError("The answers are already revealed, so they can no longer change.")
    raise NotAllowed("Only the people this what-if was put to can answer it.")


def _reveal(round: Round, by: Membership, audience: list[Membership]) -> None:
    """Reveals a locked round and opens the talk under it, in the caller's transaction. Whoever
    revealed it is shown the answers at once: ``revealed_by``, so it does not wait for them as
    unread."""
    round.revealed_at, round.revealed_by = timezone.now(), by
    round.save(update_fields=["revealed_at", "revealed_by"])
    round.discussion = discussions.open_for_round(round=round, by=by, revealing=audience)


def _reveal_if_everyone_answered(round: Round, by: Membership, audience: list[Membership], answered: set[int]) -> bool:
    """``audience`` and ``answered`` as ``_locked`` reads them."""
    if not rules.is_ready_to_reveal(round, audience, answered):
        return False
    _reveal(round, by, audience)
    return True


@acting("member")
def answer(*, member: Membership, round: Round | UUID, text: str) -> RoundAnswer:
    """Saves the member's sealed answer, or changes it; the last answer reveals them all."""
    round, audience, answered, saved = _locked(round, member)
    _refuse_answering(round, member, audience)
    text = _words(text, limit=TEXT_MAX, empty="Write your answer first.", noun="your answer")
    now = timezone.now()
    if saved is None:  # the round's lock keeps a second answer from being made meanwhile
        saved = RoundAnswer.objects.create(round=round, member=member, text=text, created_at=now, updated_at=now)
    else:
        saved.text, saved.updated_at = text, now
        saved.save(update_fields=["text", "updated_at"])
    saved.round = round
    _reveal_if_everyone_answered(round, member, audience, answered | {member.pk})
    return saved


@acting("member")
def withdraw(*, member: Membership, round: Round | UUID) -> Round:
    """Takes the member's answer back, before the reveal: as if they had not answered. Returns
    the round as locked."""
    locked, audience, _, _ = _locked(round, member)
    _refuse_answering(locked, member, audience)
    deleted, _ = RoundAnswer.objects.filter(round=locked, member=member).delete()
    if not deleted:
        raise RuleError("You have no answer here to withdraw.")
    return locked


@acting("by")
def reveal(*, by: Membership, round: Round | UUID) -> Round:
    """Opens every answer at once: anyone taking part once everyone still here has answered
    (someone left), or the asker after the deadline they set."""
    round, audience, answered, _ = _locked(round, by)
    if rules.is_revealed(round):
        raise RuleError("The answers are already revealed.")
    if not rules.among(by, audience):
        raise NotAllowed("Only the people this what-if was put to can reveal it.")
    if _reveal_if_everyone_answered(round, by, audience, answered):
        return round
    if not rules.can_reveal(round, by):
        if round.asker_id != by.pk:
            raise NotAllowed(f"Only {round.asker.display_name}, who asked, can reveal the answers early.")
        if round.deadline is None:
            raise RuleError("The answers open once everyone has answered: you set no deadline.")
        when = date_format(timezone.localtime(round.deadline), "DATETIME_FORMAT")
        raise RuleError(f"You can reveal the answers once the deadline has passed ({when}).")
    _reveal(round, by, audience)
    return round


@acting("by")
def reveal_if_everyone_answered(*, round: Round, by: Membership) -> bool:
    """When someone left a round that was waiting only for them, it is revealed the next time one
    of the others opens it. Whether it was revealed now."""
    round, audience, answered, _ = _locked(round, by)
    return _reveal_if_everyone_answered(round, by, audience, answered)


@acting("member")
def mark_seen(*, member: Membership, round: Round) -> None:
    """The member opened the revealed round: it no longer waits for them on their dashboard.
    The first opening after the reveal is kept; the pages skip this once it is."""
    if rules.is_revealed(round):
        places = RoundParticipant.objects.filter(round=round, membership=member, seen_reveal_at__isnull=True)
        places.update(seen_reveal_at=timezone.now())


@acting("author")
def comment(*, author: Membership, round: Round, text: str, parent: Comment | None = None) -> Comment:
    """A comment in the talk under a revealed round, by someone taking part in it. The talk opens
    with the reveal: once it is there, ``discussions.comment`` asks the gate who takes part."""
    refused = "Only the people this what-if was put to can talk about it."
    discussion = _talk_of(round)
    if discussion is None:
        if not rules.can_talk_round(round, author, round.audience()):
            if not rules.is_revealed(round):
                raise RuleError("The talk opens once the answers are revealed.")
            raise NotAllowed(refused)
        discussion = discussions.open_for_round(round=round, by=author)
    return discussions.comment(author=author, discussion=discussion, text=text, parent=parent, refused=refused)


def _talk_of(round: Round) -> Discussion | None:
    """The talk under the round: read with it (``selectors.rounds.visible_round``), else asked for."""
    try:
        return round.discussion
    except Discussion.DoesNotExist:
        return None
