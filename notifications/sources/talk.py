"""Notices from the conversations: "what if" rounds asked, still waiting, or revealed; actions
coming due; check-ins planned, and coming up. Read from what conversations keeps; it never calls here.

A round's answers are never read: only who has answered (member ids), as the round's page
shows it. A prompt travels only as a title, to someone who chose titles. Nothing here reads a
journal; choices and comments have modules of their own (``choices``, ``comments``)."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from django.utils import dateformat

from conversations.models import Action, CheckIn, Round, RoundAnswer, RoundParticipant
from conversations.selectors.checkins import when

from .. import selectors
from ..kinds import Kind
from ..models import Notice
from .base import (
    ANSWERED,
    CLOSED,
    DONE,
    LEFT,
    MISSING,
    MOVED,
    PAST,
    SEEN,
    UNSEEN,
    About,
    Candidate,
    Found,
    Gone,
    absolute,
    among,
    number,
    others,
    prompt_title,
    still_there,
)

ROUND = "round"
ACTION = "action"
CHECKIN = "checkin"
PREFIXES = (ROUND, ACTION, CHECKIN)
PLANNED = "planned"

# A round still waiting this long after it was asked reminds those who have not answered, once.
REMIND_AFTER = timedelta(days=3)
# A check-in this close is worth a word to everyone it is for.
CHECKIN_AHEAD = timedelta(hours=24)


def candidates(since: datetime, now: datetime) -> Iterator[Candidate]:
    yield from _rounds(since, now)
    yield from _actions(now)
    yield from _checkins(since, now)


def _rounds(since: datetime, now: datetime) -> Iterator[Candidate]:
    for round in Round.objects.filter(created_at__gt=since, created_at__lte=now):
        for member in others(round.audience(), round.asker_id):
            yield Candidate(member, Kind.ROUND, f"{ROUND}:{round.pk}:asked", round.created_at)
    for round in Round.objects.filter(revealed_at__gt=since, revealed_at__lte=now):
        # Whoever revealed it saw the answers then: nobody is told of their own doing.
        assert round.revealed_at is not None
        for member in others(round.audience(), round.revealed_by_id):
            yield Candidate(member, Kind.REVEALED, f"{ROUND}:{round.pk}:revealed", round.revealed_at)
    waiting = Round.objects.filter(
        revealed_at__isnull=True, created_at__gt=since - REMIND_AFTER, created_at__lte=now - REMIND_AFTER
    )
    for round in waiting:
        answered = set(RoundAnswer.objects.filter(round=round).values_list("member_id", flat=True))
        for member in round.audience():
            if member.pk not in answered:
                key = f"{ROUND}:{round.pk}:reminder"
                yield Candidate(member, Kind.ROUND, key, round.created_at + REMIND_AFTER)


def _actions(now: datetime) -> Iterator[Candidate]:
    """Open actions due today or tomorrow on their owner's clocks: once per action and due date."""
    today = now.date()
    actions = list(
        Action.objects.filter(
            done_at__isnull=True,
            due_on__gte=today - timedelta(days=1),
            due_on__lte=today + timedelta(days=2),
            owner__left_at__isnull=True,
        ).select_related("owner", "checkin")
    )
    choices = selectors.choices_for(a.owner.user_id for a in actions)
    for action in actions:
        assert action.due_on is not None
        local_today = now.astimezone(choices[action.owner.user_id].clock.zone).date()
        if local_today <= action.due_on <= local_today + timedelta(days=1) and among(
            action.owner, action.checkin.audience()
        ):
            yield Candidate(action.owner, Kind.ACTION, f"{ACTION}:{action.pk}:{action.due_on.isoformat()}", now)


def _checkins(since: datetime, now: datetime) -> Iterator[Candidate]:
    # Planned more than a day ahead: told when planned, to keep the day free (nearer than that,
    # the day before's notice below says it).
    planned = CheckIn.objects.filter(
        created_at__gt=since, created_at__lte=now, held_at__isnull=True, scheduled_for__gt=now + CHECKIN_AHEAD
    )
    for checkin in planned:
        for member in others(checkin.audience(), checkin.created_by_id):
            yield Candidate(member, Kind.CHECKIN, f"{CHECKIN}:{checkin.pk}:{PLANNED}", checkin.created_at)
    soon = CheckIn.objects.filter(held_at__isnull=True, scheduled_for__gt=now, scheduled_for__lte=now + CHECKIN_AHEAD)
    for checkin in soon:
        for member in checkin.audience():
            yield Candidate(member, Kind.CHECKIN, f"{CHECKIN}:{checkin.pk}", now)


# What each notice is about, read again when it is about to go and when its mail is written


def about(notices: Sequence[Notice], now: datetime) -> dict[int, Found]:
    by_prefix: dict[str, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_prefix[notice.key.split(":")[0]].append(notice)
    return (
        _about_rounds(by_prefix[ROUND]) | _about_actions(by_prefix[ACTION]) | _about_checkins(by_prefix[CHECKIN], now)
    )


def _about_rounds(notices: list[Notice]) -> dict[int, Found]:
    if not notices:
        return {}
    ids = {number(n.key) for n in notices}
    rounds = Round.objects.select_related("asker", "polycule").in_bulk(ids)
    places = {
        (p.round_id, p.membership_id): p
        for p in RoundParticipant.objects.filter(round_id__in=ids, membership_id__in={n.membership_id for n in notices})
    }
    # Who has answered, never what.
    answered = set(RoundAnswer.objects.filter(round_id__in=ids).values_list("round_id", "member_id"))
    found: dict[int, Found] = {}
    for notice in notices:
        round = rounds.get(number(notice.key))
        place = places.get((number(notice.key), notice.membership_id))
        if round is None:
            found[notice.pk] = Gone(MISSING)
        elif notice.membership.left_at is not None:
            found[notice.pk] = Gone(LEFT)
        elif place is None:
            found[notice.pk] = Gone(UNSEEN)
        else:
            found[notice.pk] = _about_round(notice, round, place, (round.pk, notice.membership_id) in answered)
    return found


def _about_round(notice: Notice, round: Round, place: RoundParticipant, answered: bool) -> Found:
    url = absolute(round.get_absolute_url())
    prompt = prompt_title(round)
    polycule = round.polycule.name
    if notice.key.endswith(":revealed"):
        if place.seen_reveal_at is not None:
            return Gone(SEEN)
        sentence = "Everyone has answered a “what if” you were asked: the answers are revealed."
        return About(Kind.REVEALED, polycule, sentence, url, prompt)
    if round.revealed_at is not None:
        return Gone(CLOSED)
    if answered:
        return Gone(ANSWERED)
    if notice.key.endswith(":reminder"):
        sentence = "A “what if” is still waiting for your answer; the answers stay sealed until everyone has answered."
    else:
        sentence = (
            f"{round.asker.display_name} asked a “what if” and would like your answer;"
            " answers stay sealed until everyone has answered."
        )
    return About(Kind.ROUND, polycule, sentence, url, prompt)


def _about_actions(notices: list[Notice]) -> dict[int, Found]:
    if not notices:
        return {}
    actions = Action.objects.select_related("checkin__polycule").in_bulk({number(n.key) for n in notices})
    found: dict[int, Found] = {}
    for notice in notices:
        action = actions.get(number(notice.key))
        if action is None:
            found[notice.pk] = Gone(MISSING)
            continue
        checkin = action.checkin
        gone = still_there(notice, checkin.audience())
        if gone is None and action.owner_id != notice.membership_id:
            gone = Gone(UNSEEN)
        if gone is None and action.done_at is not None:
            gone = Gone(DONE)
        if gone is None and (action.due_on is None or notice.key.split(":")[2] != action.due_on.isoformat()):
            gone = Gone(MOVED)
        if gone is not None:
            found[notice.pk] = gone
            continue
        assert action.due_on is not None
        sentence = f"An action of yours from a check-in is due on {dateformat.format(action.due_on, 'l j F')}."
        url = absolute(checkin.get_absolute_url())
        found[notice.pk] = About(Kind.ACTION, checkin.polycule.name, sentence, url, checkin.title)
    return found


def _about_checkins(notices: list[Notice], now: datetime) -> dict[int, Found]:
    if not notices:
        return {}
    checkins = CheckIn.objects.select_related("polycule", "created_by").in_bulk({number(n.key) for n in notices})
    found: dict[int, Found] = {}
    for notice in notices:
        checkin = checkins.get(number(notice.key))
        if checkin is None:
            found[notice.pk] = Gone(MISSING)
            continue
        gone = still_there(notice, checkin.audience())
        if gone is None and checkin.held_at is not None:
            gone = Gone(DONE)
        if gone is None and checkin.scheduled_for <= now:
            gone = Gone(PAST)
        if gone is not None:
            found[notice.pk] = gone
            continue
        at = when(checkin)
        sentence = f"A check-in is planned for {at.local} ({at.zone} time)."
        if notice.key.endswith(f":{PLANNED}"):
            sentence = f"{checkin.created_by.display_name} planned a check-in for {at.local} ({at.zone} time)."
        url = absolute(checkin.get_absolute_url())
        found[notice.pk] = About(Kind.CHECKIN, checkin.polycule.name, sentence, url, checkin.title)
    return found
