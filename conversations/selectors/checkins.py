"""Reading check-ins as one member sees them, always through ``CheckIn.objects.visible_to``, and
the read models their pages show. Every function costs a fixed number of queries."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models import When as Then
from django.utils import dateformat, timezone

from accounts import paging
from relationships.models import Membership
from values import selectors as values
from values.models import Item, Proposal
from values.rules import Owed

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


def upcoming_query(membership: Membership, now: datetime | None = None) -> QuerySet[CheckIn]:
    """Check-ins not held yet that the member can see, from 12 hours ago to 14 days ahead
    (unordered; ``needs`` reads it with the dashboard's other lists in one query)."""
    now = now or timezone.now()
    return CheckIn.objects.visible_to(membership).filter(
        held_at__isnull=True, scheduled_for__gte=now - SOON_BEFORE, scheduled_for__lte=now + SOON_AFTER
    )


def upcoming(membership: Membership, now: datetime | None = None) -> list[CheckIn]:
    """Soonest first. One query."""
    rows = upcoming_query(membership, now).select_related("polycule", "created_by")
    return list(rows.order_by("scheduled_for", "id"))


def my_actions_query(membership: Membership) -> QuerySet[Action]:
    """Open actions the member owns in check-ins they can see (unordered)."""
    return Action.objects.filter(
        owner=membership, done_at__isnull=True, checkin__in=CheckIn.objects.visible_to(membership)
    )


def my_actions(membership: Membership) -> list[Action]:
    """With their check-in, those with a due date first (soonest first), then the others, oldest
    first. One query."""
    rows = my_actions_query(membership).select_related("checkin__polycule", "owner")
    return list(rows.order_by(F("due_on").asc(nulls_last=True), "created_at", "id"))


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
        iso=local.isoformat(timespec="seconds"),
    )


def default_time_zone(me: Membership) -> str:
    """The zone of the polycule's last check-in the member can see, or London's."""
    last = CheckIn.objects.visible_to(me).order_by("-created_at", "-id").values_list("time_zone", flat=True).first()
    return last or DEFAULT_ZONE


# Finding what a member may see


def visible_checkin(me: Membership, public_id: UUID, *, with_since: bool = False) -> CheckIn | None:
    """``with_since``: for the whole page, the last check-in held before it and the next one
    planned come with it (as ``review`` and ``next_planned`` read them otherwise), saving queries."""
    return seen_by(me, with_since=with_since).filter(public_id=public_id).first()


def seen_by(me: Membership, *, with_since: bool = False) -> QuerySet[CheckIn]:
    """The check-ins ``me`` may see, each read as its page shows it (``visible_checkin``)."""
    checkins: QuerySet[CheckIn] = CheckIn.objects.visible_to(me).select_related("polycule", "created_by", "held_by")
    return _with_since(me, checkins) if with_since else checkins


def _held_before(me: Membership, checkin: Any, held_at: datetime | OuterRef | None) -> QuerySet[CheckIn]:
    """The check-ins the member can see held before ``checkin`` (a pk, or a reference to the
    outer row's), all of them if ``held_at`` is None (the check-in is not held)."""
    held_before = CheckIn.objects.visible_to(me).filter(held_at__isnull=False).exclude(pk=checkin)
    if held_at is not None:
        held_before = held_before.filter(held_at__lt=held_at)
    return held_before.order_by("-held_at", "-id")


def _with_since(me: Membership, checkins: QuerySet[CheckIn]) -> QuerySet[CheckIn]:
    here = OuterRef("pk")
    ever = _held_before(me, here, None).values("pk")[:1]
    before = _held_before(me, here, OuterRef("held_at")).values("pk")[:1]
    since = Case(Then(held_at__isnull=True, then=Subquery(ever)), default=Subquery(before))
    that = CheckIn.objects.filter(pk=OuterRef("since_pk"))
    after = _coming_after(me, here).values("pk")[:1]
    following = CheckIn.objects.filter(pk=OuterRef("next_pk"))
    return checkins.annotate(
        since_pk=since,
        since_title=Subquery(that.values("title")),
        since_held_at=Subquery(that.values("held_at")),
        next_pk=Subquery(after),
        next_public_id=Subquery(following.values("public_id")),
        next_title=Subquery(following.values("title")),
        next_scheduled_for=Subquery(following.values("scheduled_for")),
    )


def _since(me: Membership, checkin: CheckIn) -> CheckIn | None:
    row: Any = checkin
    if hasattr(row, "since_pk"):
        if row.since_pk is None:
            return None
        values = [row.since_pk, row.since_title, row.since_held_at]
        return CheckIn.from_db(checkin._state.db, ["id", "title", "held_at"], values)
    return _held_before(me, checkin.pk, checkin.held_at).first()


def _coming_after(me: Membership, checkin: Any, now: datetime | None = None) -> QuerySet[CheckIn]:
    """The coming check-ins the member can see but ``checkin`` (a pk, or a reference to the
    outer row's), soonest first: where a held one's open actions go next."""
    return CheckIn.objects.visible_to(me).filter(_coming(now)).exclude(pk=checkin).order_by("scheduled_for", "id")


def next_planned(me: Membership, checkin: CheckIn) -> CheckIn | None:
    row: Any = checkin
    if hasattr(row, "next_pk"):
        if row.next_pk is None:
            return None
        values = [row.next_pk, row.next_public_id, row.next_title, row.next_scheduled_for]
        return CheckIn.from_db(checkin._state.db, ["id", "public_id", "title", "scheduled_for"], values)
    return _coming_after(me, checkin.pk).first()


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
    coming: list[CheckInRow]  # not held, from 12 hours ago on, soonest first (the first COMING_SHOWN)
    past: list[CheckInRow]  # held, or whose time has gone by: one page, latest first
    page: paging.Page[CheckIn]  # the past ones' page, for its "More" link


def _listed(checkins: QuerySet[CheckIn]) -> QuerySet[CheckIn]:
    links = Prefetch("audience_links", queryset=CheckInAudience.objects.select_related("membership"))
    return checkins.select_related("polycule", "created_by", "held_by").prefetch_related(links)


def _rows(checkins: Iterable[CheckIn]) -> list[CheckInRow]:
    rows = []
    for checkin in checkins:
        people = None
        if not checkin.everyone:
            chosen = [checkin.created_by, *(link.membership for link in checkin.audience_links.all())]
            people = sorted({m.pk: m for m in chosen if m.is_active}.values(), key=lambda m: (m.joined_at, m.pk))
        rows.append(CheckInRow(checkin, when(checkin), people))
    return rows


PAST_ORDER = ("-scheduled_for", "-id")


def _coming(now: datetime | None) -> Q:
    """Not held yet, from 12 hours ago on: coming, or happening now."""
    return Q(held_at__isnull=True, scheduled_for__gte=(now or timezone.now()) - SOON_BEFORE)


def checkin_list(me: Membership, *, after: str = "", now: datetime | None = None) -> CheckInList:
    """The coming check-ins (on the first page only) and a page of the past ones, after the
    cursor ``after``: three queries (with the audiences of those shared with some)."""
    visible = _listed(CheckIn.objects.visible_to(me))
    coming = _coming(now)
    past = paging.page(visible.exclude(coming), PAST_ORDER, after=after, size=PAST_PAGE)
    upcoming = visible.filter(coming).order_by("scheduled_for", "id")[:COMING_SHOWN] if past.first else []
    return CheckInList(coming=_rows(upcoming), past=_rows(past.rows), page=past)


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


def head(me: Membership, checkin: CheckIn, audience: list[Membership] | None = None) -> Head:
    """``audience``: ``checkin.audience()``, when the caller read it already."""
    if audience is None:
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


REVIEW_SHOWN = 20  # of each kind of item gathered for a live check-in's review


def _waiting(me: Membership, now: datetime) -> tuple[list[Item], list[Item]]:
    """Live items due for a look together, and boundaries whose current version waits for the
    member's acknowledgment: one query, newest first, at most REVIEW_SHOWN of each."""
    waiting = values.waiting_items(me, now).filter(Q(owed=Owed.ACKNOWLEDGE) | Q(due_at__lte=now))
    found: list[Any] = list(waiting.order_by("-current_version__created_at", "-id")[: 2 * REVIEW_SHOWN])
    due = [item for item in found if item.due_at is not None and item.due_at <= now][:REVIEW_SHOWN]
    owed = [item for item in found if item.owed == Owed.ACKNOWLEDGE][:REVIEW_SHOWN]
    return due, owed


def review(
    me: Membership, checkin: CheckIn, now: datetime | None = None, carried: list[ActionRow] | None = None
) -> Review:
    """``carried``: the actions carried into the check-in, when the caller read them already."""
    since = _since(me, checkin)
    choices = Choice.objects.visible_to(me).select_related("author", "polycule")
    if since is not None:
        assert since.held_at is not None
        choices = choices.filter(created_at__gt=since.held_at)
    if checkin.held_at is not None:
        choices = choices.filter(created_at__lte=checkin.held_at)
    shown = list(choices.order_by("-created_at", "-id")[: CHOICES_SHOWN + 1])
    if carried is None:
        carried = [action_row(me, a, shown_on=checkin.public_id) for a in carried_actions(me, checkin)]
    live = checkin.held_at is None
    due, to_acknowledge = _waiting(me, now or timezone.now()) if live else ([], [])
    return Review(
        live=live,
        due=due,
        to_acknowledge=to_acknowledge,
        proposals=values.open_proposals(me, REVIEW_SHOWN)[0] if live else [],
        choices=shown[:CHOICES_SHOWN],
        more_choices=len(shown) > CHOICES_SHOWN,
        since=since,
        carried=carried,
    )


@dataclass(frozen=True)
class TopicRow:
    topic: Topic
    notes: list[TopicNote]


def _columns(model: type[models.Model], path: str) -> dict[str, F]:
    """Every column of ``model`` reached along ``path``, as annotations named ``<path>_<column>``."""
    return {f"{path}_{f.attname}": F(f"{path}__{f.attname}") for f in model._meta.concrete_fields}


def _instance(model: type[Any], row: Any, path: str) -> Any:
    """The ``model`` instance read by ``_columns(model, path)`` on ``row``, or None (no row joined)."""
    names = [f.attname for f in model._meta.concrete_fields]
    values = [getattr(row, f"{path}_{name}") for name in names]
    if values[names.index(model._meta.pk.attname)] is None:
        return None
    return model.from_db(row._state.db, names, values)


def topics(checkin: CheckIn) -> list[TopicRow]:
    """The agenda, each topic with its notes (oldest first, with their authors), in one query:
    one row per note, or per topic without notes."""
    found = (
        checkin.topics.select_related("added_by")
        .annotate(**_columns(TopicNote, "notes"), **_columns(Membership, "notes__author"))
        .order_by("created_at", "id", "notes__created_at", "notes__id")
    )
    rows: dict[int, TopicRow] = {}
    for topic in found:
        row = rows.setdefault(topic.pk, TopicRow(topic, []))
        note = _instance(TopicNote, topic, "notes")
        if note is not None:
            note.author = _instance(Membership, topic, "notes__author")
            note.topic = row.topic
            row.notes.append(note)
    return list(rows.values())


def topic_row(topic: Topic) -> TopicRow:
    return TopicRow(topic, list(topic.notes.select_related("author")))


def actions(me: Membership, checkin: CheckIn) -> list[ActionRow]:
    agreed = checkin.actions.select_related("checkin__polycule", "owner").order_by("created_at", "id")
    return [action_row(me, a, shown_on=checkin.public_id) for a in agreed]


def actions_with_carried(me: Membership, checkin: CheckIn) -> tuple[list[ActionRow], list[ActionRow]]:
    """The check-in's own actions and those carried into it, in one query."""
    # Asked within the polycule first: else the "or" below reads every check-in there is.
    here = Action.objects.filter(checkin__polycule_id=checkin.polycule_id)
    rows = here.filter(Q(checkin=checkin) | Q(pk__in=carried_actions(me, checkin).values("pk")))
    found = rows.select_related("checkin__polycule", "owner")
    everything = list(found.order_by(F("due_on").asc(nulls_last=True), "created_at", "id"))
    own = sorted((a for a in everything if a.checkin_id == checkin.pk), key=lambda a: (a.created_at, a.pk))
    earlier = [a for a in everything if a.checkin_id != checkin.pk]
    return (
        [action_row(me, a, shown_on=checkin.public_id) for a in own],
        [action_row(me, a, shown_on=checkin.public_id) for a in earlier],
    )


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


def people(checkin: CheckIn) -> tuple[list[Membership], dict[int, Reconnect]]:
    """``checkin.audience()`` and the reconnect lines by member, in one query: the polycule's
    members in the audience or who said a line, each with their line (at most one)."""
    chosen = CheckInAudience.objects.filter(checkin=checkin, membership=OuterRef("pk"))
    listed = Q() if checkin.everyone else Q(Exists(chosen)) | Q(pk=checkin.created_by_id)
    in_audience = Q(listed, left_at__isnull=True)
    spoke = Reconnect.objects.filter(checkin=checkin, member=OuterRef("pk"))
    found = (
        Membership.objects.filter(polycule_id=checkin.polycule_id)
        .filter(in_audience | Q(Exists(spoke)))
        .annotate(
            in_audience=ExpressionWrapper(in_audience, output_field=BooleanField()),
            line=FilteredRelation("reconnects", condition=Q(reconnects__checkin=checkin)),
            **_columns(Reconnect, "line"),
        )
        .order_by("joined_at", "id")
    )
    audience: list[Membership] = []
    lines: list[Reconnect] = []
    for member in found:
        if member.in_audience:  # type: ignore[attr-defined]
            audience.append(member)
        line = _instance(Reconnect, member, "line")
        if line is not None:
            line.member = member
            lines.append(line)
    lines.sort(key=lambda line: (line.created_at, line.pk))
    return audience, {line.member_id: line for line in lines}


def _reconnects(me: Membership, audience: list[Membership], lines: dict[int, Reconnect]) -> Reconnects:
    lines = dict(lines)
    rows = [ReconnectRow(m, lines.pop(m.pk, None)) for m in audience]
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
    next_planned: CheckIn | None = None  # for a held one's whole body: the soonest coming one


def checkin_page(
    me: Membership,
    checkin: CheckIn,
    *,
    parts: Collection[str] = EVERY_PART,
    now: datetime | None = None,
    audience: list[Membership] | None = None,
) -> CheckInPage:
    """``audience``: ``checkin.audience()``, when the caller read it already."""
    lines: dict[int, Reconnect] = {}
    if RECONNECT in parts:
        audience, lines = people(checkin)
    top = head(me, checkin, audience)
    own: list[ActionRow] = []
    carried: list[ActionRow] | None = None
    if ACTIONS in parts and REVIEW in parts:
        own, carried = actions_with_carried(me, checkin)
    elif ACTIONS in parts:
        own = actions(me, checkin)
    return CheckInPage(
        head=top,
        review=review(me, checkin, now, carried) if REVIEW in parts else None,
        topics=topics(checkin) if TOPICS in parts else [],
        actions=own,
        reconnects=_reconnects(me, top.audience, lines) if RECONNECT in parts else None,
        next_planned=next_planned(me, checkin) if top.held and parts == EVERY_PART else None,
    )
