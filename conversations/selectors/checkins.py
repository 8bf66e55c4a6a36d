"""Reading check-ins as one member sees them, always through ``CheckIn.objects.visible_to``, and
the read models their pages show. Every function costs a fixed number of queries."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import dateformat, timezone

from relationships.models import Membership
from values import selectors as values
from values.models import Item, Proposal

from .. import rules
from ..models import Action, CheckIn, CheckInAudience, Choice, Reconnect, Topic, TopicNote

DEFAULT_ZONE = "Europe/London"
# What the dashboard calls upcoming: from a little while ago (still going) to two weeks ahead.
SOON_BEFORE = timedelta(hours=12)
SOON_AFTER = timedelta(days=14)
PAST_PAGE = 20
COMING_SHOWN = 50
CHOICES_SHOWN = 20


# For home's dashboard


def upcoming(membership: Membership, now: datetime | None = None) -> list[CheckIn]:
    """Check-ins not held yet that the member can see, from 12 hours ago to 14 days ahead,
    soonest first. One query."""
    now = now or timezone.now()
    return list(
        CheckIn.objects.visible_to(membership)
        .filter(held_at__isnull=True, scheduled_for__gte=now - SOON_BEFORE, scheduled_for__lte=now + SOON_AFTER)
        .select_related("polycule", "created_by")
        .order_by("scheduled_for", "id")
    )


def my_actions(membership: Membership) -> list[Action]:
    """Open actions the member owns, with their check-in, those with a due date first (soonest
    first), then the others, oldest first. One query."""
    return list(
        Action.objects.filter(
            owner=membership, done_at__isnull=True, checkin__in=CheckIn.objects.visible_to(membership)
        )
        .select_related("checkin__polycule", "owner")
        .order_by(F("due_on").asc(nulls_last=True), "created_at", "id")
    )


# Time, as it reads where the check-in was planned


@dataclass(frozen=True)
class When:
    at: datetime  # the instant, for "in 3 days"
    zone: str  # the IANA name it was planned in
    local: str  # "Friday 14 March 2025, 19:00" on that zone's clocks
    iso: str  # the same, with its offset, for <time datetime>


def when(checkin: CheckIn) -> When:
    try:
        tz = ZoneInfo(checkin.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    local = checkin.scheduled_for.astimezone(tz)
    return When(
        at=checkin.scheduled_for,
        zone=checkin.time_zone,
        local=dateformat.format(local, "l j F Y, H:i"),
        iso=local.isoformat(),
    )


def default_time_zone(me: Membership) -> str:
    """The zone of the polycule's last check-in the member can see, or London's."""
    last = CheckIn.objects.visible_to(me).order_by("-created_at", "-id").values_list("time_zone", flat=True).first()
    return last or DEFAULT_ZONE


# Finding what a member may see


def visible_checkin(me: Membership, public_id: UUID) -> CheckIn | None:
    return (
        CheckIn.objects.visible_to(me)
        .select_related("polycule", "created_by", "held_by")
        .filter(public_id=public_id)
        .first()
    )


def visible_topic(me: Membership, public_id: UUID) -> Topic | None:
    return (
        Topic.objects.filter(checkin__in=CheckIn.objects.visible_to(me), public_id=public_id)
        .select_related("checkin__polycule", "checkin__created_by", "checkin__held_by", "added_by")
        .first()
    )


def visible_action(me: Membership, public_id: UUID) -> Action | None:
    return (
        Action.objects.filter(checkin__in=CheckIn.objects.visible_to(me), public_id=public_id)
        .select_related("checkin__polycule", "owner")
        .first()
    )


# The list


@dataclass(frozen=True)
class CheckInRow:
    checkin: CheckIn
    when: When
    people: list[Membership] | None  # who it is for; None: everyone


@dataclass(frozen=True)
class CheckInList:
    coming: list[CheckInRow]  # not held, from 12 hours ago on, soonest first
    past: list[CheckInRow]  # held, or whose time has gone by: one page, latest first
    page: int
    has_next: bool


def _listed(checkins: QuerySet[CheckIn]) -> QuerySet[CheckIn]:
    links = Prefetch("audience_links", queryset=CheckInAudience.objects.select_related("membership"))
    return checkins.select_related("polycule", "created_by", "held_by").prefetch_related(links)


def _rows(checkins: QuerySet[CheckIn]) -> list[CheckInRow]:
    rows = []
    for checkin in checkins:
        people = None
        if not checkin.everyone:
            chosen = [checkin.created_by, *(link.membership for link in checkin.audience_links.all())]
            people = sorted({m.pk: m for m in chosen if m.is_active}.values(), key=lambda m: (m.joined_at, m.pk))
        rows.append(CheckInRow(checkin, when(checkin), people))
    return rows


def checkin_list(me: Membership, *, page: int = 1, now: datetime | None = None) -> CheckInList:
    visible = _listed(CheckIn.objects.visible_to(me))
    coming = Q(held_at__isnull=True, scheduled_for__gte=(now or timezone.now()) - SOON_BEFORE)
    page = max(page, 1)
    start = (page - 1) * PAST_PAGE
    past = _rows(visible.exclude(coming).order_by("-scheduled_for", "-id")[start : start + PAST_PAGE + 1])
    return CheckInList(
        coming=_rows(visible.filter(coming).order_by("scheduled_for", "id")[:COMING_SHOWN]),
        past=past[:PAST_PAGE],
        page=page,
        has_next=len(past) > PAST_PAGE,
    )


# One check-in, in its five parts


@dataclass(frozen=True)
class Head:
    """The check-in itself, and what the viewer may do with it."""

    checkin: CheckIn
    when: When
    audience: list[Membership]
    can_take_part: bool
    can_add: bool
    can_hold: bool

    @property
    def held(self) -> bool:
        return rules.is_held(self.checkin)


def head(me: Membership, checkin: CheckIn) -> Head:
    audience = checkin.audience()
    return Head(
        checkin=checkin,
        when=when(checkin),
        audience=audience,
        can_take_part=rules.can_take_part(checkin, me, audience),
        can_add=rules.can_add_to(checkin, me, audience),
        can_hold=rules.can_hold(checkin, me, audience),
    )


@dataclass(frozen=True)
class ActionRow:
    action: Action
    carried: bool  # agreed at an earlier check-in than the one shown
    can_finish: bool


def action_row(me: Membership, action: Action, *, shown_on: UUID | None = None) -> ActionRow:
    carried = shown_on is not None and action.checkin.public_id != shown_on
    return ActionRow(action=action, carried=carried, can_finish=rules.can_finish(action, me))


@dataclass(frozen=True)
class Review:
    """What is gathered for the viewer before talking. A held check-in keeps only what belongs
    to it (the choices shared before it and the actions carried into it): what is due now is
    on the next one."""

    live: bool
    due: list[Item]
    to_acknowledge: list[Item]
    proposals: list[Proposal]
    choices: list[Choice]
    more_choices: bool
    since: CheckIn | None  # the last check-in held before this one
    carried: list[ActionRow]

    @property
    def empty(self) -> bool:
        return not (self.due or self.to_acknowledge or self.proposals or self.choices or self.carried)


def carried_actions(me: Membership, checkin: CheckIn) -> QuerySet[Action]:
    """Actions of earlier check-ins the member can see, still open: now, or, for a held
    check-in, when it was held."""
    earlier = Q(checkin__scheduled_for__lt=checkin.scheduled_for) | Q(
        checkin__scheduled_for=checkin.scheduled_for, checkin__id__lt=checkin.pk
    )
    actions = Action.objects.filter(checkin__in=CheckIn.objects.visible_to(me)).filter(earlier)
    if checkin.held_at is None:
        actions = actions.filter(done_at__isnull=True)
    else:
        actions = actions.filter(Q(done_at__isnull=True) | Q(done_at__gt=checkin.held_at))
        actions = actions.filter(created_at__lt=checkin.held_at)
    return actions.select_related("checkin__polycule", "owner").order_by(
        F("due_on").asc(nulls_last=True), "created_at", "id"
    )


def review(me: Membership, checkin: CheckIn, now: datetime | None = None) -> Review:
    held_before = CheckIn.objects.visible_to(me).filter(held_at__isnull=False).exclude(pk=checkin.pk)
    if checkin.held_at is not None:
        held_before = held_before.filter(held_at__lt=checkin.held_at)
    since = held_before.order_by("-held_at", "-id").first()
    choices = Choice.objects.visible_to(me).select_related("author", "polycule")
    if since is not None:
        assert since.held_at is not None
        choices = choices.filter(created_at__gt=since.held_at)
    if checkin.held_at is not None:
        choices = choices.filter(created_at__lte=checkin.held_at)
    shown = list(choices.order_by("-created_at", "-id")[: CHOICES_SHOWN + 1])
    carried = [action_row(me, a, shown_on=checkin.public_id) for a in carried_actions(me, checkin)]
    live = checkin.held_at is None
    needs = values.needs(me, now) if live else None
    return Review(
        live=live,
        due=needs.due if needs else [],
        to_acknowledge=needs.to_acknowledge if needs else [],
        proposals=list(values.open_proposals(me)) if live else [],
        choices=shown[:CHOICES_SHOWN],
        more_choices=len(shown) > CHOICES_SHOWN,
        since=since,
        carried=carried,
    )


@dataclass(frozen=True)
class TopicRow:
    topic: Topic
    notes: list[TopicNote]


def topics(checkin: CheckIn) -> list[TopicRow]:
    notes = Prefetch("notes", queryset=TopicNote.objects.select_related("author"))
    found = checkin.topics.select_related("added_by").prefetch_related(notes)
    return [TopicRow(topic, list(topic.notes.all())) for topic in found]


def topic_row(topic: Topic) -> TopicRow:
    return TopicRow(topic, list(topic.notes.select_related("author")))


def actions(me: Membership, checkin: CheckIn) -> list[ActionRow]:
    agreed = checkin.actions.select_related("checkin__polycule", "owner").order_by("created_at", "id")
    return [action_row(me, a, shown_on=checkin.public_id) for a in agreed]


@dataclass(frozen=True)
class ReconnectRow:
    member: Membership
    line: Reconnect | None


@dataclass(frozen=True)
class Reconnects:
    rows: list[ReconnectRow]
    mine: Reconnect | None


def reconnects(me: Membership, checkin: CheckIn, audience: list[Membership]) -> Reconnects:
    lines = {r.member_id: r for r in checkin.reconnects.select_related("member")}
    rows = [ReconnectRow(m, lines.pop(m.pk, None)) for m in audience]
    # Someone who spoke and has left since: their words stay, under their name.
    rows += [ReconnectRow(r.member, r) for r in lines.values()]
    return Reconnects(rows=rows, mine=next((row.line for row in rows if row.member.pk == me.pk), None))


REVIEW = "review"
TOPICS = "topics"
ACTIONS = "actions"
RECONNECT = "reconnect"
EVERY_PART = frozenset({REVIEW, TOPICS, ACTIONS, RECONNECT})


@dataclass(frozen=True)
class CheckInPage:
    """A check-in as one member sees it. A fragment builds only the parts it shows."""

    head: Head
    review: Review | None
    topics: list[TopicRow]
    actions: list[ActionRow]
    reconnects: Reconnects | None


def checkin_page(
    me: Membership, checkin: CheckIn, *, parts: Collection[str] = EVERY_PART, now: datetime | None = None
) -> CheckInPage:
    top = head(me, checkin)
    return CheckInPage(
        head=top,
        review=review(me, checkin, now) if REVIEW in parts else None,
        topics=topics(checkin) if TOPICS in parts else [],
        actions=actions(me, checkin) if ACTIONS in parts else [],
        reconnects=reconnects(me, checkin, top.audience) if RECONNECT in parts else None,
    )
