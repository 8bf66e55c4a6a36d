"""Reading what-if rounds as one participant sees them, always through ``Round.objects.visible_to``
(the rounds they take part in: nobody else learns a round exists).

Before the reveal an answer's words are read for one person only, its author: the read models
here say who has answered, never what, nor how much."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from relationships.models import Membership

from .. import rules
from ..models import Discussion, Round, RoundAnswer, RoundParticipant
from ..prompts.whatif import Theme
from .discussions import Thread, thread


def visible_round(me: Membership, public_id: UUID) -> Round | None:
    return Round.objects.visible_to(me).select_related("asker", "polycule").filter(public_id=public_id).first()


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


def round_page(me: Membership, round: Round) -> RoundPage:
    """``round`` comes from ``visible_round``: the viewer takes part in it."""
    members = [
        p.membership
        for p in RoundParticipant.objects.filter(round=round)
        .select_related("membership")
        .order_by("membership__joined_at", "membership__id")
    ]
    audience = [m for m in members if m.is_active]
    revealed = rules.is_revealed(round)
    answers: list[RoundAnswer] = []
    mine = None
    conversation = None
    if revealed:
        by_member = {a.member_id: a for a in RoundAnswer.objects.filter(round=round).select_related("member")}
        answered = set(by_member)
        answers = [by_member[m.pk] for m in members if m.pk in by_member]
        mine = by_member.get(me.pk)
        discussion = Discussion.objects.filter(round=round).first()
        if discussion is not None:
            discussion.round = round
        comment_url = reverse("conversations:round_comment", args=[round.polycule.public_id, round.public_id])
        conversation = thread(me, discussion, comment_url=comment_url, audience=audience)
    else:
        # Who has answered, never what: only the viewer's own words are read.
        answered = set(RoundAnswer.objects.filter(round=round).values_list("member_id", flat=True))
        if me.pk in answered:
            mine = RoundAnswer.objects.filter(round=round, member=me).first()
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
    )


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


def waiting(membership: Membership) -> list[Round]:
    """Rounds not revealed yet that wait for this member's answer."""
    rounds = _rounds(membership).filter(revealed_at__isnull=True).exclude(Exists(_mine(membership)))
    return list(rounds.order_by("-created_at", "-id"))


def revealed_unseen(membership: Membership) -> list[Round]:
    """Revealed rounds this member takes part in and has not opened since the reveal, counting
    those everyone still in the polycule has answered, which opening reveals."""
    unseen = RoundParticipant.objects.filter(round=OuterRef("pk"), membership=membership, seen_reveal_at__isnull=True)
    revealed = Q(Exists(unseen), revealed_at__isnull=False)
    ready = Q(~Exists(_blocking()), revealed_at__isnull=True)
    return list(_rounds(membership).filter(revealed | ready).order_by("-created_at", "-id"))


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
    seen = RoundParticipant.objects.filter(round=OuterRef("pk"), membership=membership, seen_reveal_at__isnull=False)
    rounds = _rounds(membership).annotate(answered_by_me=Exists(_mine(membership)), seen_by_me=Exists(seen))
    annotated: list[Any] = list(rounds.order_by("-created_at", "-id")[:limit])
    return [RoundRow(r, r.answered_by_me, rules.is_revealed(r) and not r.seen_by_me) for r in annotated]
