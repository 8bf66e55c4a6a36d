"""Reading choices as one member sees them, always through ``Choice.objects.visible_to``.
Answers are read for the person who shared the choice alone; anyone else reads their own."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Case, Exists, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from relationships.models import Membership
from values.models import Item

from .. import rules
from ..models import Choice, ChoiceReply, ChoiceResponse, Feeling

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


def where_i_stand(choices: QuerySet[Choice], me: Membership) -> QuerySet[Choice]:
    """Each choice with what a list shows this member of it, in the same query: how they said it
    lands (``my_feeling``, its label, "" if they have not), and whether something new waits for
    them there: answers since they last looked, for its author (``new_answers``); words back they
    have not read, for anyone else (``words_back``)."""
    labels = Case(*(When(feeling=value, then=Value(str(label))) for value, label in Feeling.choices), default=Value(""))
    latest = ChoiceResponse.objects.filter(choice=OuterRef("pk"), member=me).order_by("-created_at", "-id")
    since = ChoiceResponse.objects.filter(choice=OuterRef("pk"), created_at__gt=OuterRef("answers_seen_at"))
    unread = ChoiceReply.objects.filter(choice=OuterRef("pk"), to=me, seen_at__isnull=True)
    return choices.annotate(
        my_feeling=Coalesce(Subquery(latest.annotate(label=labels).values("label")[:1]), Value("")),
        new_answers=Exists(since.filter(choice__author=me)),
        words_back=Exists(unread),
    )


def newly_answered_query(membership: Membership) -> QuerySet[Choice]:
    """The member's own choices with an answer (or a changed one) since they last read how it
    landed: for the dashboard (unordered; ``needs`` reads it with the others)."""
    if not membership.is_active:
        return Choice.objects.none()
    since = ChoiceResponse.objects.filter(choice=OuterRef("pk"), created_at__gt=OuterRef("answers_seen_at"))
    return Choice.objects.filter(author=membership).filter(Exists(since))


def newly_answered(membership: Membership) -> list[Choice]:
    """One query, whatever the amount of data."""
    return list(newly_answered_query(membership).select_related("polycule").order_by("-created_at", "-id"))


def unread_replies_query(membership: Membership) -> QuerySet[ChoiceReply]:
    """The newest word back on each choice to the member, not read yet: for the dashboard
    (unordered; ``needs`` reads it with the others). Only someone who answered is written to."""
    if not membership.is_active:
        return ChoiceReply.objects.none()
    newer = ChoiceReply.objects.filter(choice=OuterRef("choice"), to=membership, pk__gt=OuterRef("pk"))
    return ChoiceReply.objects.filter(to=membership, seen_at__isnull=True).exclude(Exists(newer))


def unread_replies(membership: Membership) -> list[ChoiceReply]:
    """One query, whatever the amount of data."""
    rows = unread_replies_query(membership).select_related("choice__author", "choice__polycule")
    return list(rows.order_by("-created_at", "-id"))


def unanswered(membership: Membership) -> list[Choice]:
    """One query, whatever the amount of data."""
    return list(unanswered_query(membership).select_related("author", "polycule").order_by("-created_at", "-id"))


def latest_answers(responses: list[ChoiceResponse]) -> dict[int, ChoiceResponse]:
    """Each person's latest answer, by membership id, from responses in time order."""
    return {response.member_id: response for response in responses}


@dataclass(frozen=True)
class Landing:
    """How the choice landed for one person, as its author sees it: their latest answer, the
    author's latest word back to them, and whether the author may write back."""

    member: Membership
    answer: ChoiceResponse | None
    reply: ChoiceReply | None
    can_write_back: bool
    new: bool  # answered since the author last read how it landed


@dataclass(frozen=True)
class ChoicePage:
    """A choice as one member sees it: how it landed for each (its author only), their own
    answer and the author's word back to it (anyone else), and what they may do."""

    choice: Choice
    audience: list[Membership]
    items: list[Item]  # the linked items this member can see; not read for a fragment
    answers: list[Landing]  # empty unless sees_every_answer
    mine: ChoiceResponse | None
    reply: ChoiceReply | None  # the author's latest word back to this member
    sees_every_answer: bool
    can_answer: bool

    @property
    def unseen(self) -> bool:
        """Words back to this member that they had not read before this page."""
        return self.reply is not None and self.reply.seen_at is None

    @property
    def newly_answered(self) -> bool:
        """Answers its author had not read before this page (empty for anyone else)."""
        return any(landing.new for landing in self.answers)


def choice_page(me: Membership, choice: Choice, *, whole: bool = True) -> ChoicePage:
    """``choice`` comes from ``visible_choice`` (or a service's lock). ``whole=False``: the answers'
    fragment, which shows no linked items."""
    audience = choice.audience()
    every = rules.sees_every_answer(choice, me)
    responses = ChoiceResponse.objects.filter(choice=choice).order_by("created_at", "id")
    replies = ChoiceReply.objects.filter(choice=choice).order_by("created_at", "id")
    if not every:
        # Nobody else's answer, nor a word back to anyone else, is even read for this page.
        responses, replies = responses.filter(member=me), replies.filter(to=me)
    latest = latest_answers(list(responses))
    written = {reply.to_id: reply for reply in replies}
    items: list[Item] = []
    if whole:
        linked = Item.objects.visible_to(me).adopted().filter(choices=choice)
        items = list(linked.select_related("current_version", "polycule").order_by("kind", "current_title"))
    answers = [
        Landing(
            member=m,
            answer=latest.get(m.pk),
            reply=written.get(m.pk),
            can_write_back=rules.can_write_back(choice, me, m, answered=m.pk in latest),
            new=m.pk in latest and latest[m.pk].created_at > choice.answers_seen_at,
        )
        for m in audience
        if m.pk != choice.author_id
    ]
    return ChoicePage(
        choice=choice,
        audience=audience,
        items=items,
        answers=answers if every else [],
        mine=None if every else latest.get(me.pk),
        reply=None if every else written.get(me.pk),
        sees_every_answer=every,
        can_answer=rules.can_answer_choice(choice, me, audience),
    )
