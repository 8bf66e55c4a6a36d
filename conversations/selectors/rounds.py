"""Reading what-if rounds as one participant sees them, always through ``Round.objects.visible_to``
(the rounds they take part in: nobody else learns a round exists).

Before the reveal an answer's words are read for one person only, its author: the read models
here say who has answered, never what, nor how much."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from relationships.models import Membership

from .. import rules
from ..models import Discussion, Round, RoundAnswer, RoundParticipant
from ..prompts.whatif import Theme
from .discussions import Thread, thread, through_the_gate


def visible_round(me: Membership, public_id: UUID) -> Round | None:
    rounds = Round.objects.visible_to(me).select_related("asker", "polycule", "discussion")
    return rounds.filter(public_id=public_id).first()


@dataclass(frozen=True)
class Place:
    """A participant still in the polycule, and whether they have answered (never what)."""

    member: Membership
    answered: bool


@dataclass(frozen=True)
class RoundPage:
    """A round as one participant sees it, with what they may do."""

    round: Round
    theme: str
    places: list[Place]
    # Participants who left the polycule: they no longer block the reveal.
    gone: list[Membership]
    # The viewer's own answer: before the reveal, nobody else's words are read at all.
    mine: RoundAnswer | None
    # Every answer, in the order of the participants; empty until the reveal.
    answers: list[RoundAnswer]
    thread: Thread | None
    is_revealed: bool
    is_asker: bool
    deadline_passed: bool
    # Everyone still here has answered, but the round was not revealed (someone left).
    ready_to_reveal: bool
    can_answer: bool
    can_reveal: bool
    can_talk: bool
    seen: bool = False  # the viewer opened the round since its reveal

    @property
    def waiting_on(self) -> list[Membership]:
        return [place.member for place in self.places if not place.answered]

    @property
    def answered_count(self) -> int:
        return sum(place.answered for place in self.places)

    @property
    def silent(self) -> list[Membership]:
        """After a reveal at the deadline: who had not answered."""
        answered = {a.member_id for a in self.answers}
        return [place.member for place in self.places if place.member.pk not in answered]


def _participants(me: Membership, round: Round) -> list[RoundParticipant]:
    """The round's participants in the order they joined, in one query, each row carrying whether
    they answered and, once revealed, their answer; before the reveal, only the viewer's own
    answer is read (``my_*``), the same on every row."""
    theirs = RoundAnswer.objects.filter(round=round, member=OuterRef("membership"))
    mine = RoundAnswer.objects.filter(round=round, member=me)
    rows = RoundParticipant.objects.filter(round=round).select_related("membership")
    rows = rows.annotate(answered=Exists(theirs))
    if rules.is_revealed(round):
        rows = rows.annotate(
            answer_id=Subquery(theirs.values("pk")),
            answer_text=Subquery(theirs.values("text")),
            answer_created=Subquery(theirs.values("created_at")),
            answer_updated=Subquery(theirs.values("updated_at")),
        )
    else:
        rows = rows.annotate(
            my_id=Subquery(mine.values("pk")),
            my_text=Subquery(mine.values("text")),
            my_created=Subquery(mine.values("created_at")),
            my_updated=Subquery(mine.values("updated_at")),
        )
    return list(rows.order_by("membership__joined_at", "membership__id"))


def _answer(round: Round, member: Membership, pk: int, text: str, created: Any, updated: Any) -> RoundAnswer:
    return RoundAnswer(pk=pk, round=round, member=member, text=text, created_at=created, updated_at=updated)


def round_page(me: Membership, round: Round, *, after: str = "", newest: bool = False) -> RoundPage:
    """``round`` comes from ``visible_round``: the viewer takes part in it. Two queries, three
    once revealed (the talk under it; see ``discussions.thread``)."""
    places = _participants(me, round)
    members = [p.membership for p in places]
    audience = [m for m in members if m.is_active]
    revealed = rules.is_revealed(round)
    answered = {p.membership_id for p in places if p.answered}  # type: ignore[attr-defined]
    answers: list[RoundAnswer] = []
    mine = None
    conversation = None
    if revealed:
        answers = [
            _answer(round, p.membership, p.answer_id, p.answer_text, p.answer_created, p.answer_updated)  # type: ignore[attr-defined]
            for p in places
            if p.answered  # type: ignore[attr-defined]
        ]
        mine = next((a for a in answers if a.member_id == me.pk), None)
        discussion = _discussion_of(round)
        comment_url = reverse("conversations:round_comment", args=[round.polycule.public_id, round.public_id])
        conversation = thread(me, discussion, comment_url=comment_url, audience=audience, after=after, newest=newest)
    elif places and places[0].my_id is not None:  # type: ignore[attr-defined]
        # Who has answered, never what: only the viewer's own words are read.
        first = places[0]
        mine = _answer(round, me, first.my_id, first.my_text, first.my_created, first.my_updated)  # type: ignore[attr-defined]
    return RoundPage(
        round=round,
        theme=Theme(round.theme).label if round.theme in Theme.values else "",
        places=[Place(m, m.pk in answered) for m in audience],
        gone=[m for m in members if not m.is_active],
        mine=mine,
        answers=answers,
        thread=conversation,
        is_revealed=revealed,
        is_asker=round.asker_id == me.pk,
        deadline_passed=rules.deadline_passed(round),
        ready_to_reveal=rules.is_ready_to_reveal(round, audience, answered),
        can_answer=rules.can_answer_round(round, me, audience),
        can_reveal=rules.can_reveal(round, me),
        can_talk=rules.can_talk_round(round, me, audience),
        seen=round.revealed_by_id == me.pk or any(p.membership_id == me.pk and p.seen_reveal_at for p in places),
    )


def round_thread(me: Membership, round: Round, *, newest: bool = False) -> Thread | None:
    """Only the talk under the round, for its in-place fragment: None until the reveal opens it.
    ``round`` comes from ``visible_round``: the viewer takes part in it."""
    if not rules.is_revealed(round):
        return None
    discussion = _discussion_of(round)
    comment_url = reverse("conversations:round_comment", args=[round.polycule.public_id, round.public_id])
    return thread(me, discussion, comment_url=comment_url, audience=through_the_gate(me), newest=newest)


def _discussion_of(round: Round) -> Discussion | None:
    """The talk under the round: read with the round by ``visible_round``, else asked for."""
    try:
        discussion = round.discussion
    except Discussion.DoesNotExist:
        return None
    discussion.round = round
    return discussion


# For the dashboard (home) and the talk page: one query each, whatever the number of rounds.


def _mine(membership: Membership) -> Any:
    return RoundAnswer.objects.filter(round=OuterRef("pk"), member=membership)


def _blocking() -> Any:
    """Participants still in the polycule who have not answered the round."""
    answered = RoundAnswer.objects.filter(round=OuterRef("round"), member=OuterRef("membership"))
    return RoundParticipant.objects.filter(round=OuterRef("pk"), membership__left_at__isnull=True).exclude(
        Exists(answered)
    )


def _rounds(membership: Membership) -> QuerySet[Round]:
    if not membership.is_active:
        return Round.objects.none()
    return Round.objects.visible_to(membership).select_related("asker", "polycule")


def waiting_query(membership: Membership) -> QuerySet[Round]:
    """Rounds not revealed yet that wait for this member's answer (unordered; ``needs`` reads it
    with the dashboard's other lists in one query)."""
    return _rounds(membership).filter(revealed_at__isnull=True).exclude(Exists(_mine(membership)))


def waiting(membership: Membership) -> list[Round]:
    return list(waiting_query(membership).order_by("-created_at", "-id"))


def _seen(membership: Membership) -> Q:
    """The member has read the round's answers: they revealed it, or opened it since."""
    opened = RoundParticipant.objects.filter(round=OuterRef("pk"), membership=membership, seen_reveal_at__isnull=False)
    return Q(revealed_by=membership) | Q(Exists(opened))


def revealed_unseen_query(membership: Membership) -> QuerySet[Round]:
    """Revealed rounds this member takes part in and has not opened since the reveal, counting
    those everyone still in the polycule has answered, which opening reveals."""
    revealed = Q(revealed_at__isnull=False) & ~_seen(membership)
    ready = Q(~Exists(_blocking()), revealed_at__isnull=True)
    return _rounds(membership).filter(revealed | ready)


def revealed_unseen(membership: Membership) -> list[Round]:
    return list(revealed_unseen_query(membership).order_by("-created_at", "-id"))


@dataclass(frozen=True)
class RoundRow:
    """A round in a list, with where it stands for the viewer."""

    round: Round
    answered_by_me: bool
    unseen: bool  # revealed, and not opened since

    @property
    def is_revealed(self) -> bool:
        return rules.is_revealed(self.round)


def recent(membership: Membership, limit: int = 20) -> list[RoundRow]:
    """The newest rounds this member takes part in, for the talk page."""
    rounds = _rounds(membership).annotate(answered_by_me=Exists(_mine(membership)), seen_by_me=_seen(membership))
    annotated: list[Any] = list(rounds.order_by("-created_at", "-id")[:limit])
    return [RoundRow(r, r.answered_by_me, rules.is_revealed(r) and not r.seen_by_me) for r in annotated]
