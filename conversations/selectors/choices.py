"""Reading choices as one member sees them, always through ``Choice.objects.visible_to``.
Answers are read for the person who shared the choice alone; anyone else reads their own."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from relationships.models import Membership
from values.models import Item

from .. import rules
from ..models import Choice, ChoiceResponse

RECENT_DAYS = 14


def visible_choice(me: Membership, **lookup: Any) -> Choice | None:
    return Choice.objects.visible_to(me).select_related("author", "polycule").filter(**lookup).first()


def unanswered_query(membership: Membership) -> QuerySet[Choice]:
    """Choices told to the member in the last two weeks, not theirs, that they have not said
    how they land: for the dashboard (unordered; ``needs`` reads it with the others)."""
    if not membership.is_active:
        return Choice.objects.none()
    since = max(timezone.now() - timedelta(days=RECENT_DAYS), membership.joined_at)
    answered = ChoiceResponse.objects.filter(choice=OuterRef("pk"), member=membership)
    return (
        Choice.objects.visible_to(membership)
        .filter(created_at__gte=since)
        .exclude(author=membership)
        .exclude(Exists(answered))
    )


def unanswered(membership: Membership) -> list[Choice]:
    """One query, whatever the amount of data."""
    return list(unanswered_query(membership).select_related("author", "polycule").order_by("-created_at", "-id"))


def latest_answers(responses: list[ChoiceResponse]) -> dict[int, ChoiceResponse]:
    """Each person's latest answer, by membership id, from responses in time order."""
    return {response.member_id: response for response in responses}


@dataclass(frozen=True)
class ChoicePage:
    """A choice as one member sees it: how it landed for each (its author only), their own
    answer (anyone else), and what they may do."""

    choice: Choice
    audience: list[Membership]
    items: list[Item]  # the linked items this member can see
    answers: list[tuple[Membership, ChoiceResponse | None]]  # empty unless sees_every_answer
    mine: ChoiceResponse | None
    sees_every_answer: bool
    can_answer: bool


def choice_page(me: Membership, choice: Choice) -> ChoicePage:
    """``choice`` comes from ``visible_choice``."""
    audience = choice.audience()
    every = rules.sees_every_answer(choice, me)
    responses = ChoiceResponse.objects.filter(choice=choice).order_by("created_at", "id")
    if not every:
        # Nobody else's answer is even read for this page.
        responses = responses.filter(member=me)
    latest = latest_answers(list(responses))
    items = Item.objects.visible_to(me).adopted().filter(choices=choice).select_related("current_version", "polycule")
    return ChoicePage(
        choice=choice,
        audience=audience,
        items=list(items.order_by("kind", "current_title")),
        answers=[(m, latest.get(m.pk)) for m in audience if m.pk != choice.author_id] if every else [],
        mine=None if every else latest.get(me.pk),
        sees_every_answer=every,
        can_answer=rules.can_answer_choice(choice, me, audience),
    )
