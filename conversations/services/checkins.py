"""Check-ins: planning one (or starting it now), its agenda, the notes on each topic, the actions
agreed, the reconnect round, and marking it held. Each workflow locks the check-in it adds to, so
that nothing lands on a check-in after it was held, and refuses with the rules' predicates."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from relationships.acting import acting
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError
from values.services.items import chosen_audience

from .. import rules
from ..models import (
    NOTE_MAX,
    PROMPT_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Action,
    CheckIn,
    CheckInAudience,
    Reconnect,
    Topic,
    TopicNote,
)
from ..selectors import checkins as selectors
from .words import words

# A check-in planned for further ahead than this is more likely a typo than a plan.
FURTHEST = timedelta(days=2 * 366)
# The same title planned again this close in time, by the same person, is a double submit.
SAME_TIME = timedelta(minutes=15)


class Invalid(RuleError):
    """Input the rules refuse: a time zone that does not exist, an owner the check-in is not for."""


class BadTime(Invalid):
    """A day or time that cannot be a check-in's: past, too far ahead, or skipped by the clocks.
    ``field`` says which: "day" or "time"."""

    def __init__(self, message: str, *, field: str = "day") -> None:
        super().__init__(message)
        self.field = field


class Duplicate(RuleError):
    """The same thing sent twice."""


def zone(name: str) -> ZoneInfo:
    """The IANA time zone of that name, or Invalid."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(f"“{name[:64]}” isn't a time zone we know. Choose one from the list.") from exc


def scheduled_at(*, day: date, at: time, time_zone: str, now: datetime | None = None) -> datetime:
    """The instant a check-in set for ``day`` at ``at`` on the clocks of ``time_zone`` happens,
    refused when that day is past there, too far ahead, or the time does not exist that day."""
    tz = zone(time_zone)
    today = (now or timezone.now()).astimezone(tz).date()
    if day < today:
        raise BadTime("That day has already passed. Choose today or a later day, or start it now.")
    if day > today + FURTHEST:
        raise BadTime("That's a long way off. Choose a day within the next two years.")
    wall = datetime.combine(day, at.replace(tzinfo=None))
    instant = wall.replace(tzinfo=tz)
    # A time the clocks skip (they go forward) comes back as another time: refuse it, not guess.
    if instant.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise BadTime(
            f"The clocks go forward that night in {time_zone}, so {at:%H:%M} doesn't exist then. Choose another time.",
            field="time",
        )
    return instant.astimezone(UTC)


def _words(text: str, *, limit: int, empty: str, what: str) -> str:
    return words(text, limit=limit, empty=empty, too_long=f"Keep {what} under {{limit}} characters.", refuse=Invalid)


def _chosen(by: Membership, audience: Iterable[UUID]) -> list[Membership]:
    try:
        chosen = chosen_audience(by, audience)
    except RuleError as exc:
        raise Invalid(exc.message) from None
    return [m for m in chosen if m.pk != by.pk]


def _create(
    *, by: Membership, title: str, scheduled_for: datetime, time_zone: str, everyone: bool, audience: Iterable[UUID]
) -> CheckIn:
    if not by.is_active:
        raise NotAllowed("You are no longer in this polycule.")
    title = _words(title, limit=TITLE_MAX, empty="Give the check-in a name.", what="its name")
    zone(time_zone)
    chosen = [] if everyone else _chosen(by, audience)
    if not everyone and not chosen:
        raise Invalid("Choose at least one other person, or make it for everyone.")
    # Two submits of the same form wait for each other here; the second finds the first.
    Membership.objects.select_for_update().get(pk=by.pk)
    twin = CheckIn.objects.filter(
        polycule_id=by.polycule_id,
        created_by=by,
        held_at__isnull=True,
        title__iexact=title,
        scheduled_for__gt=scheduled_for - SAME_TIME,
        scheduled_for__lt=scheduled_for + SAME_TIME,
    )
    if twin.exists():
        raise Duplicate(f"You've already planned “{title}” for then. It's in the list of check-ins.")
    checkin = CheckIn.objects.create(
        polycule_id=by.polycule_id,
        created_by=by,
        title=title,
        scheduled_for=scheduled_for,
        time_zone=time_zone,
        everyone=everyone,
    )
    CheckInAudience.objects.bulk_create(CheckInAudience(checkin=checkin, membership=m) for m in chosen)
    return checkin


@acting("by")
def plan_checkin(
    *,
    by: Membership,
    title: str,
    day: date,
    at: time,
    time_zone: str,
    everyone: bool = True,
    audience: Iterable[UUID] = (),
    now: datetime | None = None,
) -> CheckIn:
    """A check-in on ``day`` at ``at`` as the clocks of ``time_zone`` say, for everyone or the
    chosen members (and the person who plans it)."""
    scheduled_for = scheduled_at(day=day, at=at, time_zone=time_zone, now=now)
    return _create(
        by=by, title=title, scheduled_for=scheduled_for, time_zone=time_zone, everyone=everyone, audience=audience
    )


@acting("by")
def start_checkin(
    *,
    by: Membership,
    title: str,
    time_zone: str,
    everyone: bool = True,
    audience: Iterable[UUID] = (),
    now: datetime | None = None,
) -> CheckIn:
    """A check-in starting now."""
    scheduled_for = now or timezone.now()
    return _create(
        by=by, title=title, scheduled_for=scheduled_for, time_zone=time_zone, everyone=everyone, audience=audience
    )


def _lock(checkin: CheckIn | UUID, *members: Membership) -> tuple[CheckIn, list[Membership]]:
    """The check-in, locked, with its audience as far as the rules ask it about ``members`` (the
    acting one first), in one statement: those of them the gate (``visible_to``, which agrees with
    ``audience()``) lets in and who are still in the polycule. Spares reading the whole audience.
    Given by its public id, it is found among those the acting member may see, inside the lock
    (``CheckIn.DoesNotExist`` for any other), read as its page shows it: the view that acts on it
    need not look it up first, which would read the same row once more."""
    gates = {
        f"lets_in_{i}": Exists(CheckIn.objects.visible_to(m).filter(pk=OuterRef("pk"))) for i, m in enumerate(members)
    }
    still = {f"still_{i}": Exists(Membership.objects.active().filter(pk=m.pk)) for i, m in enumerate(members)}
    rows: QuerySet[CheckIn]
    found: dict[str, object]
    if isinstance(checkin, CheckIn):
        rows, found = CheckIn.objects.select_related("polycule"), {"pk": checkin.pk}
    else:
        rows, found = selectors.seen_by(members[0], with_since=True), {"public_id": checkin}
    locked = rows.select_for_update(of=("self",)).annotate(**gates, **still).get(**found)
    row: Any = locked
    audience = [m for i, m in enumerate(members) if getattr(row, f"lets_in_{i}") and getattr(row, f"still_{i}")]
    return locked, audience


def _open_to(checkin: CheckIn, member: Membership, audience: list[Membership]) -> list[Membership]:
    """The check-in's audience, from ``_lock``, when the member may still add to it."""
    if not rules.can_add_to(checkin, member, audience):
        if not rules.can_take_part(checkin, member, audience):
            raise NotAllowed("This check-in isn't one you're part of.")
        raise RuleError("This check-in has been held, so it stays as it was. Bring it to the next one.")
    return audience


@acting("member")
def add_topic(*, member: Membership, checkin: CheckIn, title: str) -> Topic:
    """A topic for the agenda, from anyone the check-in is for, until it is held."""
    checkin, audience = _lock(checkin, member)
    _open_to(checkin, member, audience)
    title = _words(title, limit=TITLE_MAX, empty="Give the topic a few words.", what="a topic")
    if checkin.topics.filter(title__iexact=title).exists():
        raise Duplicate(f"“{title}” is already on the agenda.")
    return Topic.objects.create(checkin=checkin, added_by=member, title=title)


@acting("member")
def add_note(*, member: Membership, topic: Topic, text: str) -> TopicNote:
    """A note on a topic, said while talking it through."""
    checkin, audience = _lock(topic.checkin, member)
    _open_to(checkin, member, audience)
    text = _words(text, limit=TEXT_MAX, empty="Write a few words for the note.", what="a note")
    if topic.notes.filter(author=member, text=text).exists():
        raise Duplicate("You've already added this note.")
    return TopicNote.objects.create(topic=topic, author=member, text=text)


@acting("member")
def agree_action(
    *, member: Membership, checkin: CheckIn, owner: Membership, text: str, due_on: date | None = None
) -> Action:
    """A follow-up agreed at the check-in, owned by someone it is for; carried to every later
    check-in until its owner marks it done."""
    checkin, audience = _lock(checkin, member, owner)
    _open_to(checkin, member, audience)
    if not owner.is_active or not rules.among(owner, audience):
        raise Invalid("Choose someone this check-in is for to take it on.")
    text = _words(text, limit=PROMPT_MAX, empty="Say what will be done.", what="an action")
    if due_on is not None:
        today = timezone.now().astimezone(zone(checkin.time_zone)).date()
        if due_on < today:
            raise BadTime("That day has already passed. Choose today or a later day, or leave it open.")
        if due_on > today + FURTHEST:
            raise BadTime("That's a long way off. Choose a day within the next two years, or leave it open.")
    if checkin.actions.filter(owner=owner, text=text, done_at__isnull=True).exists():
        raise Duplicate("This action is already on the list.")
    return Action.objects.create(checkin=checkin, owner=owner, text=text, due_on=due_on, created_by=member)


@acting("member")
def finish_action(*, member: Membership, action: Action) -> Action:
    """Its owner marks an action done; until then it is carried from check-in to check-in."""
    action = Action.objects.select_for_update(of=("self",)).select_related("owner").get(pk=action.pk)
    if action.owner_id != member.pk or not member.is_active:
        raise NotAllowed(f"This one is {action.owner.display_name}'s to mark done.")
    if not rules.can_finish(action, member):
        raise RuleError("This was already marked done.")
    action.done_at = timezone.now()
    action.save(update_fields=["done_at"])
    return action


@acting("member")
def reconnect(*, member: Membership, checkin: CheckIn, text: str) -> Reconnect:
    """How the member is, said in the closing round: one line each, theirs to change until held."""
    checkin, audience = _lock(checkin, member)
    _open_to(checkin, member, audience)
    text = _words(text, limit=NOTE_MAX, empty="Say a few words about how you are.", what="it")
    line, created = Reconnect.objects.get_or_create(checkin=checkin, member=member, defaults={"text": text})
    if not created and line.text != text:
        line.text = text
        line.save(update_fields=["text"])
    return line


@acting("member")
def hold_checkin(*, member: Membership, checkin: CheckIn | UUID) -> CheckIn:
    """Marks the check-in held: from then on it is a record, and its open actions move on.
    Returns it as locked (by its public id: as its page shows it)."""
    checkin, audience = _lock(checkin, member)
    if not rules.can_hold(checkin, member, audience):
        if not rules.can_take_part(checkin, member, audience):
            raise NotAllowed("This check-in isn't one you're part of.")
        raise RuleError("This check-in was already marked as held.")
    checkin.held_at = timezone.now()
    checkin.held_by = member
    checkin.save(update_fields=["held_at", "held_by"])
    return checkin
