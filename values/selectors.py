"""Reading items as one member sees them, always through ``Item.objects.visible_to``, and
the typed read models the pages show."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, RowNumber
from django.db.models.lookups import Exact
from django.utils import timezone

from accounts import paging
from accounts.paging import Page
from relationships.models import Membership

from . import rules
from .diff import Piece, word_diff
from .models import (
    Acknowledgment,
    Item,
    ItemAudience,
    ItemQuerySet,
    Kind,
    Nudge,
    Proposal,
    ProposalRevision,
    Reaffirmation,
    Response,
    Suggestion,
    Version,
)
from .rules import Owed


class PlusDays(Func):
    """A moment plus a whole number of days, in SQL. Django's duration arithmetic cannot
    multiply a duration on SQLite, so each database is given its own words."""

    arity = 2
    output_field = DateTimeField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        (moment, moment_params), (days, days_params) = (compiler.compile(e) for e in self.source_expressions)
        params = [*moment_params, *days_params]
        if connection.vendor == "sqlite":
            # Django keeps SQLite's moments as "YYYY-MM-DD HH:MM:SS.ffffff" text in UTC.
            return f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', {moment}, '+' || {days} || ' days')", params
        return f"({moment} + make_interval(days => {days}))", params


def visible(membership: Membership) -> ItemQuerySet:
    """``Item.objects.visible_to``, through the member's polycule: each item comes with that
    polycule already (Django's known related objects) instead of joining its table again."""
    return membership.polycule.items.visible_to(membership)


def with_state(items: QuerySet[Item], membership: Membership) -> QuerySet[Item]:
    """What this member still owes each item (``owed``), when it was last looked at and when it
    is due for a look together (``due_at``): computed by the database, so that a list can be
    filtered and paged by them without loading every item."""
    live = Q(current_version__isnull=False, retired_at__isnull=True)
    # When the current version was set: the version is joined anyway, for the member's answers.
    changed = F("current_version__created_at")
    reviewed = Greatest(changed, Coalesce("last_reaffirmed_at", changed))
    # The member's own acknowledgment and consent of the current version are joined (at most one
    # row each), not asked for item by item: the CASEs below read them many times over.
    mine = {
        "my_acknowledgment": FilteredRelation(
            "current_version__acknowledgments", condition=Q(current_version__acknowledgments__member=membership)
        ),
        "my_consent": FilteredRelation(
            "current_version__consents", condition=Q(current_version__consents__member=membership)
        ),
    }
    return (
        items.select_related("current_version", "owner")
        .annotate(**mine)
        # Read only by ``owed`` below, not selected: each would be computed once more as a column.
        .alias(
            acknowledged_by_me=Q(my_acknowledgment__isnull=False),
            consented_by_me=Q(my_consent__isnull=False),
            # Standing aside on the proposal that made this version: answered, though not a consent.
            answered_adoption=Exists(
                Response.objects.filter(proposal_id=OuterRef("current_version__proposal_id"), member=membership)
            ),
        )
        .annotate(
            last_reaffirmed_at=Subquery(
                Reaffirmation.objects.filter(item=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
            ),
        )
        .annotate(
            # A live boundary's audience, its owner aside, acknowledges each version; everyone
            # consents to each version of a live value or agreement, or stood aside on it.
            owed=Case(
                When(
                    live & Q(kind=Kind.BOUNDARY, acknowledged_by_me=False) & ~Q(owner=membership),
                    then=Value(Owed.ACKNOWLEDGE.value),
                ),
                When(
                    live & ~Q(kind=Kind.BOUNDARY) & Q(consented_by_me=False, answered_adoption=False),
                    then=Value(Owed.CONSENT.value),
                ),
                default=None,
                output_field=CharField(),
            ),
            due_at=Case(
                When(
                    live & Q(review_every_days__isnull=False),
                    then=PlusDays(reviewed, "review_every_days"),
                ),
                default=None,
                output_field=DateTimeField(),
            ),
        )
    )


def listed(items: QuerySet[Item]) -> QuerySet[Item]:
    """Items as a list shows them (templates/values/_item_card.html, the dashboard): a title, a
    version's number and date, not its words, which run to thousands of characters each."""
    return items.defer("current_version__text", "current_version__why")


def carded(items: QuerySet[Item], membership: Membership) -> QuerySet[Item]:
    """Items as a list's cards show them (templates/values/_item_card.html): with whether a
    change to each is being proposed (``has_open_proposal``). Asked within the member's
    polycule: PostgreSQL may read its open proposals once, as a hashed set, from their own index
    (``proposal_open_in_polycule``), never everyone's."""
    proposed = Proposal.objects.filter(
        item=OuterRef("pk"), polycule_id=membership.polycule_id, status=Proposal.Status.OPEN
    )
    return items.annotate(has_open_proposal=Exists(proposed))


def owes(item: Any, membership: Membership) -> Owed | None:
    """What the member still owes an item annotated by ``with_state`` for them, if anything."""
    return Owed(item.owed) if item.owed else None


def last_reviewed(item: Any) -> datetime:
    changed: datetime = item.current_version.created_at
    return max(changed, item.last_reaffirmed_at) if item.last_reaffirmed_at else changed


def review_due_at(item: Any) -> datetime | None:
    """The Python form of ``with_state``'s ``due_at``, for items loaded another way (the
    notifications' sources, the calendar feed); tests/values/test_rules.py shows they agree."""
    if not item.review_every_days or not rules.is_live(item):
        return None
    return last_reviewed(item) + timedelta(days=item.review_every_days)


def is_due(item: Any, now: datetime | None = None) -> bool:
    due = review_due_at(item)
    return due is not None and due <= (now or timezone.now())


@dataclass(frozen=True)
class ItemRow:
    """One item in a list, with what the viewer still owes it."""

    item: Item
    owes: Owed | None


@dataclass
class ItemFilters:
    kind: str = ""
    category: str = ""
    person: str = ""  # a membership public id: its boundaries, or items it wrote
    needs_me: bool = False
    due: bool = False
    retired: bool = False


# The item list's order, ending in the primary key so that keyset paging never skips a row.
ITEM_ORDER = ("kind", "current_title", "id")


def item_list(
    membership: Membership,
    filters: ItemFilters,
    *,
    after: str = "",
    now: datetime | None = None,
    size: int = paging.PAGE_SIZE,
) -> Page[ItemRow]:
    """One page of the items this member may see, filtered by the database."""
    items = carded(listed(with_state(visible(membership).adopted(), membership)), membership)
    items = items.filter(retired_at__isnull=not filters.retired)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.category:
        items = items.filter(category=filters.category)
    if filters.person:
        wrote = Version.objects.filter(item=OuterRef("pk"), author__public_id=filters.person)
        items = items.filter(Q(owner__public_id=filters.person) | Exists(wrote))
    if filters.needs_me:
        items = items.filter(Q(owed__isnull=False))
    if filters.due:
        items = items.filter(Q(due_at__lte=now or timezone.now()))
    found = paging.page(items, ITEM_ORDER, after=after, size=size)
    return Page([ItemRow(item, owes(item, membership)) for item in found.rows], found.next, found.first)


OPEN_PROPOSALS_SHOWN = 10


def open_proposals(membership: Membership, shown: int, *, unanswered: bool = False) -> tuple[list[Proposal], int]:
    """The newest ``shown`` open proposals on live items this member may see (only those they
    have not answered, if ``unanswered``), and how many there are in all: one query, within
    the member's polycule. Each proposal's item is given the member's polycule rather than
    joining its table: with one join fewer, PostgreSQL plans the query in a third of the time
    (about 12 -> 4 ms on the benchmark's data, where planning was most of its cost). The
    proposals are asked for by their own polycule (``Proposal.polycule``) as well as through
    ``seen``: PostgreSQL starts from this polycule's open proposals, newest first, in their own
    index, where it had to try each of the polycule's items once other polycules held many."""
    seen = visible(membership).filter(retired_at__isnull=True)
    mine = Response.objects.filter(revision=OuterRef("revision"), member=membership)
    newest_nudge = Nudge.objects.filter(proposal=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    proposals = (
        Proposal.objects.filter(status=Proposal.Status.OPEN, polycule_id=membership.polycule_id, item__in=seen)
        .select_related("item__current_version", "revision", "proposer")
        .annotate(answered_by_me=Exists(mine), last_nudged_at=Subquery(newest_nudge))
        .order_by("-created_at", "-id")
    )
    if unanswered:
        proposals = proposals.filter(Q(answered_by_me=False))
    first, count = _first(proposals, shown)
    for proposal in first:
        proposal.item.polycule = membership.polycule
    return list[Proposal](first), count


# What waits on a member: a few of each kind to show, and how many there are in all.
NEEDS_SHOWN = 5


@dataclass
class Needs:
    """What one member of one polycule is asked for now: the first few of each kind, and
    how many there are of each (``counts``), all counted by the database."""

    membership: Membership
    to_acknowledge: list[Item] = field(default_factory=list)
    to_consent: list[Item] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    due: list[Item] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    # Objections to the member's own open proposals, with their notes: not counted as waiting
    # on them (answering is not theirs to do), shown so that they can amend or talk.
    objections: list[Response] = field(default_factory=list)
    # The member's own boundaries whose current version someone has not read yet (``unread``).
    unread_boundaries: list[Item] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.counts.values())


def waiting_items(membership: Membership, now: datetime) -> QuerySet[Item]:
    """Live items that wait on the member: an answer owed, or due for a look together."""
    items = with_state(visible(membership).live(), membership)
    return items.filter(Q(owed__isnull=False) | Q(due_at__lte=now))


# What waits on a member item by item, in the order the dashboard lists them.
OWING = ("to_acknowledge", "to_consent", "due")


@dataclass(frozen=True)
class Owing:
    """The items that wait on a member, by kind (``OWING``): the newest ``NEEDS_SHOWN`` of each,
    newest first, and how many there are of each. Kept with the header's count
    (``home.models.WaitingCount.owing``, as ``kept``) and read back by ``owing_kept``."""

    lists: dict[str, list[Item]]
    counts: dict[str, int]

    @property
    def kept(self) -> dict[str, Any]:
        return {"ids": {kind: [item.pk for item in items] for kind, items in self.lists.items()}, "counts": self.counts}


def owing(membership: Membership, now: datetime | None = None) -> Owing:
    """The items that wait on the member, in one query: decided for every live item they may
    see (``with_state``), the newest ``NEEDS_SHOWN`` of each kind kept, each row with how many
    there are of its kind."""
    shown = NEEDS_SHOWN
    now = now or timezone.now()
    found = Owing(lists={kind: [] for kind in OWING}, counts=dict.fromkeys(OWING, 0))
    waiting = waiting_items(membership, now).annotate(
        is_due=Case(When(Q(due_at__lte=now), then=Value(True)), default=Value(False), output_field=BooleanField())
    )
    newest = [F("current_version__created_at").desc(), F("id").desc()]
    rows = (
        listed(waiting)
        .annotate(
            owed_rank=Window(RowNumber(), partition_by=[F("owed")], order_by=newest),
            owed_total=Window(Count("pk"), partition_by=[F("owed")]),
            due_rank=Window(RowNumber(), partition_by=[F("is_due")], order_by=newest),
            due_total=Window(Count("pk"), partition_by=[F("is_due")]),
        )
        .filter(Q(owed_rank__lte=shown, owed__isnull=False) | Q(due_rank__lte=shown, is_due=True))
    )
    for item in rows.order_by(*newest):
        state: Any = item
        if state.owed and state.owed_rank <= shown:
            kind = "to_acknowledge" if state.owed == Owed.ACKNOWLEDGE else "to_consent"
            found.lists[kind].append(item)
            found.counts[kind] = state.owed_total
        if state.is_due and state.due_rank <= shown:
            found.lists["due"].append(item)
            found.counts["due"] = state.due_total
    return found


def owing_kept(membership: Membership, kept: Any) -> Owing | None:
    """``Owing`` as it was kept (``Owing.kept``), its items read again by their ids: a handful
    of rows, not every item the member may see. Read through ``visible``, live ones only, so a
    kept id can never show what the member may no longer see. None for anything not kept so
    (nothing kept, or kept in a shape this code no longer writes): decided afresh then."""
    try:
        ids = {kind: [int(pk) for pk in kept["ids"][kind]] for kind in OWING}
        counts = {kind: int(kept["counts"][kind]) for kind in OWING}
    except (KeyError, TypeError, ValueError):
        return None
    wanted = {pk for kind in OWING for pk in ids[kind]}
    rows = visible(membership).live().select_related("current_version", "owner").filter(pk__in=wanted)
    read = {item.pk: item for item in listed(rows)} if wanted else {}
    return Owing(lists={kind: [read[pk] for pk in ids[kind] if pk in read] for kind in OWING}, counts=counts)


def needs(
    membership: Membership, now: datetime | None = None, *, shown: int = NEEDS_SHOWN, owed: Owing | None = None
) -> Needs:
    """What waits on the member, in a handful of queries whatever the polycule holds. ``owed``:
    the items that wait (``owing``), when the caller has them already, kept or read; of the
    rest, ``shown`` of each kind (with none, only how many there are)."""
    now = now or timezone.now()
    found = Needs(membership=membership)
    if owed is None:
        owed = owing(membership, now)
    found.to_acknowledge, found.to_consent, found.due = (owed.lists[kind] for kind in OWING)
    found.counts = dict(owed.counts)
    found.proposals, found.counts["proposals"] = open_proposals(membership, shown, unanswered=True)
    found.suggestions, found.counts["suggestions"] = _first(
        Suggestion.objects.filter(
            item__polycule_id=membership.polycule_id,
            item__owner=membership,
            item__retired_at__isnull=True,
            status=Suggestion.Status.OPEN,
        )
        .select_related("item__current_version", "item__polycule", "author")
        .order_by("-created_at", "-id"),
        shown,
    )
    if shown:
        found.objections = list(objections_to(membership)[:shown])
        found.unread_boundaries = list(unread_boundaries(membership)[:shown])
    return found


def unread_boundaries(owner: Membership) -> QuerySet[Item]:
    """``owner``'s live boundaries whose current version someone in its audience has not
    acknowledged yet, newest change first, each with how many (``unread``) and who
    (``unread_by``: their names, in the order they joined): one query."""
    not_answered = ~Exists(
        Acknowledgment.objects.filter(version=OuterRef(OuterRef("current_version")), member=OuterRef("pk"))
    )
    chosen = Exists(ItemAudience.objects.filter(item=OuterRef(OuterRef("pk")), membership=OuterRef("pk")))
    # Each of the boundary's audience but its owner: everyone active, or those it was shared with.
    others = (
        Membership.objects.active()
        .filter(polycule_id=OuterRef("polycule_id"))
        .exclude(pk=OuterRef("owner_id"))
        .filter(Q(Exact(OuterRef("everyone"), True)) | Q(chosen))
        .filter(not_answered)
    )

    def among(aggregate: Aggregate, default: Value) -> Coalesce:
        found = others.order_by().values("polycule_id").annotate(found=aggregate).values("found")[:1]
        return Coalesce(Subquery(found), default, output_field=default.output_field)

    # In the order they joined; SQLite before 3.44 cannot order an aggregate, and gathers them in
    # the order of their rows, which is nearly the same.
    ordered = connection.features.supports_aggregate_order_by_clause
    names = StringAgg("display_name", delimiter=Value(", "), order_by=("joined_at", "id") if ordered else None)
    return (
        Item.objects.filter(polycule_id=owner.polycule_id, owner=owner, kind=Kind.BOUNDARY)
        .live()
        .annotate(
            unread=among(Count("pk"), Value(0, output_field=IntegerField())),
            unread_by=among(names, Value("", output_field=TextField())),
        )
        .filter(unread__gt=0)
        .select_related("current_version", "polycule")
        .order_by("-current_version__created_at", "-id")
    )


def objections_to(proposer: Membership) -> QuerySet[Response]:
    """The standing objections to the current wording of ``proposer``'s open proposals, newest
    first: each member's latest answer, when it is "I object"."""
    changed_since = Response.objects.filter(
        revision=OuterRef("revision"), member=OuterRef("member"), created_at__gt=OuterRef("created_at")
    )
    return (
        Response.objects.filter(
            revision__proposal__proposer=proposer,
            revision__proposal__status=Proposal.Status.OPEN,
            revision__proposal__revision=F("revision"),
            answer=Response.Answer.OBJECT,
        )
        .exclude(Exists(changed_since))
        .select_related("member", "revision__proposal__item__polycule")
        .order_by("-created_at", "-id")
    )


def _first[M: Model](rows: QuerySet[M], shown: int) -> tuple[list[M], int]:
    """The first ``shown`` rows and how many there are in all, in one query (each row carries
    the count of them all)."""
    if not shown:
        return [], rows.count()
    first = list(rows.annotate(rows_in_all=Window(Count("pk")))[:shown])
    return first, (first[0].rows_in_all if first else 0)  # type: ignore[attr-defined]


def _newcomer_waiting(membership: Membership) -> QuerySet[Item]:
    """Items set before this member joined or was added, still waiting for their answer."""
    added_later = ItemAudience.objects.filter(
        item=OuterRef("pk"), membership=membership, added_at__gt=OuterRef("created_at")
    )
    return (
        listed(with_state(visible(membership).live(), membership))
        .filter(
            Q(current_version__created_at__lt=membership.joined_at)
            | Q(created_at__lt=membership.joined_at)
            | Exists(added_later)
        )
        .filter(Q(owed__isnull=False))
    )


def newcomer_items(membership: Membership, *, after: str = "") -> Page[ItemRow]:
    """One page of what was set before this member came and waits for their answer."""
    found = paging.page(carded(_newcomer_waiting(membership), membership), ITEM_ORDER, after=after)
    return Page([ItemRow(item, owes(item, membership)) for item in found.rows], found.next, found.first)


def newcomer_count(membership: Membership) -> int:
    return _newcomer_waiting(membership).count()


# Proposals: who has answered the current wording


def latest_responses(proposal: Proposal) -> dict[int, Response]:
    """Each member's latest answer to the proposal's current wording, by membership id."""
    if proposal.revision is None:
        return {}
    latest: dict[int, Response] = {}
    for response in proposal.revision.responses.order_by("created_at", "id"):
        latest[response.member_id] = response
    return latest


type Tally = list[tuple[Membership, Response | None]]


def tally(proposal: Proposal) -> Tally:
    """The item's audience (``Item.audience()``), each member with their latest answer to the
    proposal's current wording or None, in one query: every answer is joined to its member."""
    answers = FilteredRelation("responses", condition=Q(responses__revision_id=proposal.revision_id))
    rows = (
        proposal.item.audience_members()
        .annotate(answer=answers)
        .select_related("answer")  # type: ignore[misc]
        .order_by("joined_at", "id", "answer__created_at", "answer__id")
    )
    members: dict[int, Membership] = {}
    latest: dict[int, Response] = {}
    for member in rows:
        members.setdefault(member.pk, member)
        answer = _given(member, "answer")
        if answer is not None:
            latest[member.pk] = answer
    return [(member, latest.get(pk)) for pk, member in members.items()]


def answered(counted: Tally) -> dict[int, Response]:
    """``latest_responses`` from a tally: each answer by membership id."""
    return {member.pk: answer for member, answer in counted if answer is not None}


def waiting_on(proposal: Proposal) -> list[Membership]:
    """The audience members who have not answered the current wording."""
    return [member for member, answer in tally(proposal) if answer is None]


def last_nudged_at(proposal: Proposal) -> datetime | None:
    return proposal.nudges.order_by("-created_at").values_list("created_at", flat=True).first()


# Read models of the pages


@dataclass(frozen=True)
class Stamp:
    """An item's context: set when, changed when, reaffirmed by whom, who came later."""

    set_at: datetime
    changed_at: datetime | None
    reaffirmed: list[Reaffirmation]
    joined_after: list[Membership]


def stamp(item: Item, audience: list[Membership]) -> Stamp:
    """``item`` comes from ``visible_item``, which annotates when its first version was set."""
    latest: dict[int, Reaffirmation] = {}
    for r in item.reaffirmations.order_by("created_at").select_related("member"):
        latest[r.member_id] = r
    set_at = getattr(item, "first_set_at", None) or item.created_at
    current = item.current_version
    return Stamp(
        set_at=set_at,
        changed_at=current.created_at if current and current.number > 1 else None,
        reaffirmed=sorted(latest.values(), key=lambda r: r.created_at, reverse=True),
        joined_after=[m for m in audience if m.joined_at > set_at],
    )


def visible_item(me: Membership, **lookup: Any) -> Item | None:
    """An adopted item this member may see, with their state, or None."""
    first = Version.objects.filter(item=OuterRef("pk"), number=1).order_by().values("created_at")
    items = with_state(visible(me).adopted(), me).select_related("current_version__author")
    items = items.annotate(first_set_at=Subquery(first))
    return items.filter(**lookup).first()


class ItemPage:
    """An item as one member sees it, with what they may do. What costs a query is read
    when a template asks for it, so that an in-place fragment pays only for what it shows.
    ``item`` comes from ``visible_item``: annotated with the member's state."""

    def __init__(self, me: Membership, item: Item) -> None:
        version = item.current_version
        assert version is not None
        self.me = me
        self.item = item
        self.version = version
        self.rules = rules.rules_for(item)
        self.owes = owes(item, me)
        # Read only by the whole page, not its in-place fragments.
        mine = Response.objects.filter(revision=OuterRef("revision"), member=me)
        self.proposals = (
            item.proposals.filter(status=Proposal.Status.OPEN)
            .select_related("proposer", "revision", "item__polycule")
            .annotate(answered_by_me=Exists(mine))
        )
        self.can_edit = rules.can_edit(item, me)
        self.can_suggest = rules.can_suggest(item, me)
        self.can_propose = rules.can_propose(item, me)
        self.can_retire = rules.can_retire(item, me)
        self.can_reaffirm = rules.can_reaffirm(item, me)
        self.offer_reaffirm = self.can_reaffirm and rules.worth_reaffirming(item)

    @cached_property
    def reaffirming(self) -> rules.Reaffirming:
        """Read only where the item's story is shown: it names a boundary's owner."""
        return rules.reaffirming(self.item, self.me)

    @cached_property
    def due_at(self) -> datetime | None:
        """Read by the whole page: an in-place answer's item is locked without its reviews."""
        return review_due_at(self.item)

    @cached_property
    def is_due(self) -> bool:
        return is_due(self.item)

    @cached_property
    def audience(self) -> list[Membership]:
        """The audience, each member with what they gave this version (``given``): their
        acknowledgment of a boundary, their consent to a value or agreement, or None."""
        given = "acknowledgments" if self.rules.acknowledged else "consents"
        relation = FilteredRelation(given, condition=Q(**{f"{given}__version": self.version}))
        members = self.item.audience_members().annotate(given=relation)
        if self.rules.acknowledged and self.version.number > 1:
            # What each said of the version before, so a change does not wipe out that history.
            previous = Version.objects.filter(item=self.item, number=self.version.number - 1).values("pk")[:1]
            before = Q(acknowledgments__version=Subquery(previous))
            members = members.annotate(before=FilteredRelation("acknowledgments", condition=before))
            return list(members.select_related("given", "before"))  # type: ignore[misc]
        return list(members.select_related("given"))  # type: ignore[misc]

    @cached_property
    def answers(self) -> list[tuple[Membership, Acknowledgment | None, Acknowledgment | None]]:
        """Each member asked about a boundary, with their answer to this version and the one before."""
        return [(m, _given(m), _given(m, "before")) for m in self.audience if rules.answers(self.item, m)]

    @cached_property
    def consents(self) -> list[tuple[Membership, bool]]:
        return [(m, _given(m) is not None) for m in self.audience]

    @cached_property
    def stamp(self) -> Stamp:
        return stamp(self.item, self.audience)

    @cached_property
    def _suggestions(self) -> list[Suggestion]:
        # Open suggestions are the owner's to answer; each author follows their own, and reads the reply.
        mine_or_open = Q(status=Suggestion.Status.OPEN) | Q(author=self.me)
        return list(self.item.suggestions.filter(mine_or_open).select_related("author"))

    @cached_property
    def suggestions(self) -> list[Suggestion]:
        """Open ones, for the owner to answer."""
        if not rules.can_answer_suggestion(self.item, self.me):
            return []
        return [s for s in self._suggestions if s.status == Suggestion.Status.OPEN]

    @cached_property
    def my_suggestions(self) -> list[Suggestion]:
        return [s for s in self._suggestions if s.author_id == self.me.pk]


def _given(member: Membership, relation: str = "given") -> Any:
    # Django leaves a joined row that is not there unset, rather than None.
    return getattr(member, relation, None)


def item_page(me: Membership, item: Item) -> ItemPage:
    return ItemPage(me, item)


def visible_proposal(me: Membership, **lookup: Any) -> Proposal | None:
    proposals = Proposal.objects.filter(item__in=Item.objects.visible_to(me)).select_related(
        "item__current_version", "item__polycule", "revision", "proposer", "base_version"
    )
    return proposals.filter(**lookup).first()


@dataclass(frozen=True)
class ProposalPage:
    """A proposal as one member sees it: the wording, who answered how, what they may do."""

    proposal: Proposal
    item: Item
    revision: ProposalRevision
    new_audience: list[Membership] | None  # None when it leaves the audience alone
    tally: Tally
    waiting: list[Membership]
    mine: Response | None
    stale_base: bool
    text_diff: list[Piece] | None
    revisions: QuerySet[ProposalRevision]  # read only by the whole page
    nudged_at: datetime | None
    can_respond: bool
    can_amend: bool
    can_withdraw: bool
    can_nudge: bool
    offer_nudge: bool
    # An amended proposal the member answered an earlier wording of: that wording, and what
    # changed since, so they need not read it all again.
    answered_wording: ProposalRevision | None = None
    since_diff: list[Piece] | None = None


def proposal_page(me: Membership, proposal: Proposal, *, counted: Tally | None = None) -> ProposalPage:
    """``counted``: ``tally(proposal)``, when the caller has it already."""
    if counted is None:
        counted = tally(proposal)
    audience = [member for member, _ in counted]
    revision = proposal.revision
    assert revision is not None
    base = proposal.base_version
    waiting = [member for member, answer in counted if answer is None]
    mine = next((answer for member, answer in counted if member.pk == me.pk), None)
    # Only the proposer reminds, and only while someone has not answered: nobody else asks.
    nudged_at = last_nudged_at(proposal) if proposal.proposer_id == me.pk and proposal.is_open and waiting else None
    answered_wording = None
    if revision.number > 1 and mine is None and proposal.is_open:
        earlier = (
            Response.objects.filter(member=me, revision__proposal=proposal)
            .select_related("revision")
            .order_by("-revision__number", "-created_at")
            .first()
        )
        answered_wording = earlier.revision if earlier else None
    return ProposalPage(
        proposal=proposal,
        item=proposal.item,
        revision=revision,
        new_audience=None if revision.everyone is None else list(revision.audience.all()),
        tally=counted,
        waiting=waiting,
        mine=mine,
        stale_base=base is not None and proposal.item.current_version_id != base.pk,
        text_diff=word_diff(base.text, revision.text) if base else None,
        revisions=proposal.revisions.order_by("-number"),
        nudged_at=nudged_at,
        can_respond=rules.can_respond(proposal, me, audience),
        can_amend=rules.can_amend(proposal, me),
        can_withdraw=rules.can_withdraw(proposal, me),
        can_nudge=(can_nudge := rules.can_nudge(proposal, me, waiting=len(waiting), last_nudged_at=nudged_at)),
        offer_nudge=can_nudge and rules.worth_nudging(proposal),
        answered_wording=answered_wording,
        since_diff=word_diff(answered_wording.text, revision.text) if answered_wording else None,
    )
