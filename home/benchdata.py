"""Realistic data for the benchmark (``manage.py benchdata``, ``make bench``), written fast.

Every row is one the services would have written, with the links and times they would have
given it, but inserted with ``bulk_create`` in batches instead of one workflow at a time:

- people: a ``User`` with one verified, primary allauth ``EmailAddress`` each, all with one
  password hashed once (``PASSWORD``);
- a polycule with its ``Membership`` rows: the first member is its steward, the others joined
  in its first days, and with ``newcomer`` the last joined three days ago, so that nearly
  everything waits for their answer;
- items of the three kinds, made over two years, some shared with a few members only
  (``ItemAudience``), some with a review interval (and so some due), some retired:
  - a boundary's versions are its owner's, each with the ``Event`` the service writes
    (``item_created``, then ``version_adopted``), acknowledged by some of the members who could
    see it then, each ``Acknowledgment`` before the next version and with its ``acknowledged``
    event;
  - each version of a value or agreement comes from a ``Proposal`` adopted by everyone's
    ``Response`` to its ``ProposalRevision``, with the ``Consent`` of those who consented and
    the ``proposal_opened`` and ``proposal_adopted`` events; retiring one is a proposal too;
- open proposals answered by some, reaffirmations, open suggestions, a newcomer's consents;
- talk: choices with how they landed, discussions with comments and replies, "what if" rounds
  (one revealed, with its discussion) and check-ins with topics, notes, actions and reconnects.

Nothing else is written: notices are collected by the tick from these rows, sessions by
signing in. The append-only triggers refuse UPDATE and DELETE only; the two updates made here
are to items (their current version) and proposals (their current revision), as the services
make them.

``generate`` makes one polycule at a given size; ``crowd`` makes many small other polycules, so
that any query not scoped by polycule gets slower. The benchmark member (``Made.member``, the
second member) has not answered the current version of some boundaries, so that the benchmark
can acknowledge one after another in place.
"""

import itertools
import math
import random
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from conversations.models import (
    Action,
    CheckIn,
    Choice,
    ChoiceResponse,
    Comment,
    CommentRevision,
    Discussion,
    Feeling,
    Reconnect,
    Round,
    RoundAnswer,
    RoundParticipant,
    Topic,
    TopicNote,
)
from relationships.models import Membership, Polycule
from values.models import (
    Acknowledgment,
    Category,
    Consent,
    Event,
    Item,
    ItemAudience,
    Kind,
    Proposal,
    ProposalRevision,
    Reaffirmation,
    Response,
    Suggestion,
    Version,
)

PASSWORD = "bench members' own password 2026"  # known on purpose: printed, and the same for everyone
BATCH = 5000
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
NAMES = [
    "Ana", "Ben", "Cy", "Dee", "Eli", "Fen", "Gus", "Hana", "Ira", "Jo",
    "Kai", "Lee", "Mo", "Noor", "Oli", "Pia", "Quin", "Rae", "Sol", "Tam",
    "Uma", "Vic", "Wren", "Xan", "Yael", "Zoe", "Ash", "Bea", "Cal", "Dru",
]  # fmt: skip
TOPICS = [
    "weeknights",
    "sleepovers",
    "texting while on dates",
    "meeting new partners",
    "testing and barriers",
    "shared calendars",
    "holidays with family",
    "money for shared trips",
    "social media",
    "the spare room",
    "kids' bedtimes",
    "telling friends",
]
REVIEW_DAYS = [30, 90, 180, 365]
CATEGORIES = list(Category.values)
# Of each version a member could acknowledge: older versions were mostly read before the next
# came; the current ones are still waiting for some.
OLD_WEIGHT, CURRENT_WEIGHT = 1.0, 0.6


class TooMany(ValueError):
    """More acknowledgments asked for than the versions and members can hold."""


@dataclass
class Made:
    """What the benchmark needs to know about the polycule it made."""

    polycule: str  # public id
    emails: list[str]
    member: str  # the benchmark member's e-mail (the second member)
    newcomer: str | None
    password: str = PASSWORD
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Spec:
    members: int
    items: int
    versions: int
    acks: int
    talk: int = 0  # how much conversation: 0 none, 1 a little, items // 20 for the main polycule
    newcomer: bool = False
    strict: bool = True  # refuse sizes that do not fit, rather than make fewer rows
    # Live boundaries whose current version the benchmark member leaves unanswered.
    unanswered: int = 0


@dataclass
class Plan:
    """One polycule being made: its rows as they are created, and what links them."""

    spec: Spec
    rng: random.Random
    start: datetime
    tag: str
    polycule: Polycule | None = None
    users: list[User] = field(default_factory=list)
    members: list[Membership] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    audience: dict[int, list[int]] = field(default_factory=dict)  # item index -> member indexes
    times: dict[int, list[datetime]] = field(default_factory=dict)  # item index -> version times
    versions: dict[int, list[Version]] = field(default_factory=dict)
    proposals: dict[int, list[Proposal]] = field(default_factory=dict)  # adopted, by version
    extra: list[tuple[int, Proposal]] = field(default_factory=list)  # open and retiring proposals
    reserved: set[int] = field(default_factory=set)  # boundaries left unanswered by the member

    def joined(self, index: int) -> datetime:
        return self.members[index].joined_at

    def seeing(self, item: int, at: datetime) -> list[int]:
        """Member indexes who could see the item at that time (nobody leaves here)."""
        return [m for m in self.audience[item] if self.joined(m) <= at]

    def between(self, low: datetime, high: datetime) -> datetime:
        if high <= low:
            return low
        return low + (high - low) * self.rng.random()


class Writer:
    """bulk_create in batches, counting rows and time per table."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def create[M: models.Model](self, objects: Iterable[M], model: type[M]) -> list[M]:
        """Creates the rows and returns them with their ids."""
        started = time.monotonic()
        rows = list(objects)
        model._default_manager.bulk_create(rows, batch_size=BATCH)
        self._count(model, len(rows), started)
        return rows

    def stream[M: models.Model](self, objects: Iterable[M], model: type[M]) -> int:
        """Creates many rows without keeping them."""
        started = time.monotonic()
        total = 0
        for batch in itertools.batched(objects, BATCH, strict=False):
            model._default_manager.bulk_create(batch, batch_size=BATCH)
            total += len(batch)
        self._count(model, total, started)
        return total

    def _count(self, model: type[models.Model], n: int, started: float) -> None:
        name = model._meta.label
        self.counts[name] = self.counts.get(name, 0) + n
        self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - started


def _check(spec: Spec) -> None:
    if spec.members < 1 or spec.items < 0 or spec.versions < spec.items or spec.acks < 0:
        raise ValueError("Need at least one member, and at least one version per item.")
    if spec.versions and not spec.items:
        raise ValueError("Versions need items.")


# People


def _people(w: Writer, plans: list[Plan], hashed: str) -> None:
    users: list[User] = []
    for p in plans:
        for i in range(p.spec.members):
            name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i))
            users.append(User(email=f"{p.tag}{i:02}@bench.trellis.test", name=name, password=hashed))
            p.users.append(users[-1])
    w.create(users, User)
    w.create(
        (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
        EmailAddress,
    )
    polycules = w.create(
        (Polycule(name="The bench polycule" if p.spec.strict else f"Crowd {p.tag}", created_at=p.start) for p in plans),
        Polycule,
    )
    memberships: list[Membership] = []
    for p, polycule in zip(plans, polycules, strict=True):
        p.polycule = polycule
        n = p.spec.members
        for i, user in enumerate(p.users):
            joined = p.start + i * 6 * HOUR
            if p.spec.newcomer and n >= 3 and i == n - 1:
                joined = timezone.now() - 3 * DAY
            role = Membership.Role.STEWARD if i == 0 else Membership.Role.MEMBER
            p.members.append(
                Membership(polycule=polycule, user=user, display_name=user.name, role=role, joined_at=joined)
            )
            memberships.append(p.members[-1])
    w.create(memberships, Membership)


# Items and their versions


def _version_counts(p: Plan, kinds: list[Kind]) -> list[int]:
    """Versions per item: a few for values and agreements, the rest spread over boundaries."""
    rng, total = p.rng, p.spec.versions
    counts = [1] * len(kinds)
    boundaries = [i for i, k in enumerate(kinds) if k == Kind.BOUNDARY]
    shared = [i for i, k in enumerate(kinds) if k != Kind.BOUNDARY]
    spare = total - len(kinds)
    for i in shared:
        extra = min(spare, rng.choice([0, 0, 0, 1, 1, 2, 3]) if boundaries else spare // max(len(shared), 1))
        counts[i] += extra
        spare -= extra
    targets = boundaries or shared
    weights = [rng.paretovariate(1.5) for _ in targets]
    scale = spare / sum(weights) if weights else 0
    for i, weight in zip(targets, weights, strict=True):
        extra = min(spare, int(weight * scale))
        counts[i] += extra
        spare -= extra
    while spare > 0:  # what rounding left
        counts[rng.choice(targets)] += 1
        spare -= 1
    return counts


def _items(w: Writer, plans: list[Plan], now: datetime) -> None:
    items: list[Item] = []
    links: list[ItemAudience] = []
    for p in plans:
        rng, spec = p.rng, p.spec
        settled = [i for i in range(spec.members) if p.joined(i) < now - 10 * DAY] or [0]
        if spec.items == 2:
            kinds = [Kind.BOUNDARY, Kind.AGREEMENT]
        else:
            kinds = rng.choices([Kind.BOUNDARY, Kind.AGREEMENT, Kind.VALUE], weights=[50, 30, 20], k=spec.items)
        counts = _version_counts(p, kinds)
        first = p.start + 7 * DAY
        made = sorted(p.between(first, now - 20 * DAY) for _ in kinds)
        for i, (kind, created, n) in enumerate(zip(kinds, made, counts, strict=True)):
            by = rng.choice(settled)
            everyone = rng.random() < 0.85 or len(settled) < 4
            if everyone:
                p.audience[i] = list(range(spec.members))
            else:
                chosen = set(rng.sample(settled, min(len(settled), rng.randint(3, 8)))) | {by}
                p.audience[i] = sorted(chosen)
            retired = None
            if spec.items > 2 and rng.random() < 0.05:
                retired = p.between(created + 20 * DAY, now - 2 * DAY)
            end = (retired - 3 * DAY) if retired else now - HOUR
            # After the first version's adoption (two days after it was proposed).
            later = sorted(p.between(created + 3 * DAY, end) for _ in range(n - 1))
            p.times[i] = [created, *later]
            item = Item(
                polycule=p.polycule,
                kind=kind,
                category=rng.choice(CATEGORIES),
                owner=p.members[by] if kind == Kind.BOUNDARY else None,
                everyone=everyone,
                review_every_days=rng.choice(REVIEW_DAYS) if rng.random() < 0.2 else None,
                created_by=p.members[by],
                created_at=created,
                retired_at=retired,
            )
            p.items.append(item)
            items.append(item)
    w.create(items, Item)
    for p in plans:
        for i, item in enumerate(p.items):
            if not item.everyone:
                links.extend(
                    ItemAudience(item=item, membership=p.members[m], added_at=item.created_at) for m in p.audience[i]
                )
    w.create(links, ItemAudience)


def _words(p: Plan, item: int, number: int) -> tuple[str, str, str]:
    topic = TOPICS[(item + p.rng.randrange(3)) % len(TOPICS)]
    title = f"{topic.capitalize()} ({item + 1})"
    text = (
        f"About {topic}: we tell each other before plans are made, not after. Version {number}. "
        "If something changes late, a call beats a message; nobody is blamed for asking twice."
    )
    why = "It came up at a check-in, and this is what we found we need." if number > 1 else "Where we started."
    return title, text, why


def _versions(w: Writer, plans: list[Plan], now: datetime) -> None:
    """Boundaries' versions at once; values and agreements level by level, each version after
    the proposal that made it, which was written against the version before."""
    boundary_versions: list[Version] = []
    for p in plans:
        for i, item in enumerate(p.items):
            if item.kind == Kind.BOUNDARY:
                p.versions[i] = []
                for n, at in enumerate(p.times[i], start=1):
                    title, text, why = _words(p, i, n)
                    version = Version(
                        item=item, number=n, title=title, text=text, why=why, author=item.owner, created_at=at
                    )
                    p.versions[i].append(version)
                    boundary_versions.append(version)
            else:
                p.versions[i] = []
                p.proposals[i] = []
    w.create(boundary_versions, Version)
    level = 0
    while True:
        proposals: list[Proposal] = []
        pending: list[tuple[Plan, int, Proposal]] = []
        for p in plans:
            for i, item in enumerate(p.items):
                if item.kind == Kind.BOUNDARY or level >= len(p.times[i]):
                    continue
                at = p.times[i][level]
                before = p.times[i][level - 1] if level else at
                opened = at if not level else at - min(3 * DAY, (at - before) / 2)
                proposer = p.rng.choice(p.seeing(i, opened)) if level else p.members.index(item.created_by)
                proposal = Proposal(
                    item=item,
                    polycule_id=item.polycule_id,
                    change=Proposal.Change.REVISE if level else Proposal.Change.CREATE,
                    proposer=p.members[proposer],
                    base_version=p.versions[i][level - 1] if level else None,
                    status=Proposal.Status.ADOPTED,
                    created_at=opened,
                    decided_at=at + (2 * DAY if not level else timedelta()),
                )
                proposals.append(proposal)
                pending.append((p, i, proposal))
        if not proposals:
            break
        w.create(proposals, Proposal)
        versions = []
        for p, i, proposal in pending:
            n = level + 1
            title, text, why = _words(p, i, n)
            assert proposal.decided_at is not None
            version = Version(
                item=p.items[i],
                number=n,
                title=title,
                text=text,
                why=why,
                author=proposal.proposer,
                created_at=proposal.decided_at,
                proposal=proposal,
            )
            p.versions[i].append(version)
            p.proposals[i].append(proposal)
            # The version time is its adoption: keep later plans consistent with it.
            p.times[i][level] = proposal.decided_at
            versions.append(version)
        w.create(versions, Version)
        level += 1
    ids = [p.polycule.pk for p in plans if p.polycule]
    started = time.monotonic()
    newest = Version.objects.filter(item=OuterRef("pk")).order_by("-number")
    Item.objects.filter(polycule_id__in=ids).update(
        current_version=Subquery(newest.values("pk")[:1]), current_title=Subquery(newest.values("title")[:1])
    )
    for p in plans:
        for i, item in enumerate(p.items):
            item.current_version = p.versions[i][-1]
            item.current_title = item.current_version.title
    w.seconds["current versions"] = time.monotonic() - started


def _other_proposals(w: Writer, plans: list[Plan], now: datetime) -> None:
    """Retiring proposals (adopted) for retired values and agreements, and open proposals."""
    made: list[Proposal] = []
    for p in plans:
        rng = p.rng
        shared_live = [i for i, item in enumerate(p.items) if item.kind != Kind.BOUNDARY and item.retired_at is None]
        for i, item in enumerate(p.items):
            if item.kind != Kind.BOUNDARY and item.retired_at is not None:
                opened = item.retired_at - 2 * DAY
                proposal = Proposal(
                    item=item,
                    polycule_id=item.polycule_id,
                    change=Proposal.Change.RETIRE,
                    proposer=p.members[rng.choice(p.seeing(i, opened))],
                    base_version=p.versions[i][-1],
                    status=Proposal.Status.ADOPTED,
                    created_at=opened,
                    decided_at=item.retired_at,
                )
                p.extra.append((i, proposal))
                made.append(proposal)
        wanted = max(1, len(shared_live) * 3 // 100) if shared_live else 0
        for i in rng.sample(shared_live, min(wanted, len(shared_live))):
            opened = p.between(max(p.times[i][-1], now - 20 * DAY), now - HOUR)
            seeing = p.seeing(i, opened)
            if len(seeing) < 2:
                continue
            proposal = Proposal(
                item=p.items[i],
                polycule_id=p.items[i].polycule_id,
                change=Proposal.Change.REVISE,
                proposer=p.members[rng.choice(seeing)],
                base_version=p.versions[i][-1],
                status=Proposal.Status.OPEN,
                created_at=opened,
            )
            p.extra.append((i, proposal))
            made.append(proposal)
    w.create(made, Proposal)


def _revisions_and_answers(w: Writer, plans: list[Plan], now: datetime) -> None:
    """One wording per proposal; answers by everyone who could see the item for adopted ones
    (the proposer's first: putting it forward is their consent), by some for open ones."""
    revisions: list[ProposalRevision] = []
    owners: list[tuple[Plan, int, Proposal, ProposalRevision]] = []
    for p in plans:
        every = [(i, pr) for i, prs in p.proposals.items() for pr in prs] + p.extra
        for i, proposal in every:
            if proposal.change == Proposal.Change.RETIRE:
                current = p.versions[i][-1]
                title, text, why = current.title, current.text, "It no longer fits how we live."
            elif proposal.status == Proposal.Status.OPEN:
                title, text, why = _words(p, i, len(p.versions[i]) + 1)
            else:
                version = proposal_version(p, i, proposal)
                title, text, why = version.title, version.text, version.why
            revision = ProposalRevision(
                proposal=proposal, number=1, title=title, text=text, why=why, created_at=proposal.created_at
            )
            revisions.append(revision)
            owners.append((p, i, proposal, revision))
    w.create(revisions, ProposalRevision)
    started = time.monotonic()
    ids = [p.polycule.pk for p in plans if p.polycule]
    first = ProposalRevision.objects.filter(proposal=OuterRef("pk")).order_by("number").values("pk")[:1]
    Proposal.objects.filter(item__polycule_id__in=ids).update(revision=Subquery(first))
    w.seconds["current revisions"] = time.monotonic() - started

    def answers() -> Iterator[Response]:
        for p, i, proposal, revision in owners:
            rng = p.rng
            proposer = p.members.index(proposal.proposer)
            yield Response(
                revision=revision,
                member=proposal.proposer,
                polycule=p.polycule,
                item_id=proposal.item_id,
                proposal=proposal,
                answer=Response.Answer.CONSENT,
                created_at=proposal.created_at,
            )
            if proposal.status == Proposal.Status.OPEN:
                end = now
                others = [m for m in p.seeing(i, now) if m != proposer]
                others = [m for m in others if rng.random() < 0.5 and m != 1]  # the benchmark member owes one
            else:
                # Adopted: everyone who could see it when it was adopted had answered.
                assert proposal.decided_at is not None
                end = proposal.decided_at
                others = [m for m in p.seeing(i, end) if m != proposer]
            for m in others:
                answer = Response.Answer.STAND_ASIDE if rng.random() < 0.05 else Response.Answer.CONSENT
                at = p.between(max(proposal.created_at, p.joined(m)), end)
                if proposal.status != Proposal.Status.OPEN and answer == Response.Answer.CONSENT:
                    p_consents.append((p, i, proposal, m))
                yield Response(
                    revision=revision,
                    member=p.members[m],
                    polycule=p.polycule,
                    item_id=proposal.item_id,
                    proposal=proposal,
                    answer=answer,
                    created_at=at,
                )
            if proposal.status != Proposal.Status.OPEN:
                p_consents.append((p, i, proposal, proposer))

    p_consents: list[tuple[Plan, int, Proposal, int]] = []
    w.stream(answers(), Response)

    def consents() -> Iterator[Consent]:
        for p, i, proposal, m in p_consents:
            if proposal.change == Proposal.Change.RETIRE:
                continue
            version = proposal_version(p, i, proposal)
            yield Consent(version=version, member=p.members[m], created_at=version.created_at)

    w.stream(consents(), Consent)


def proposal_version(p: Plan, item: int, proposal: Proposal) -> Version:
    return p.versions[item][p.proposals[item].index(proposal)]


# Acknowledgments


def _ack_quotas(p: Plan, eligible: list[list[int]], current: list[bool]) -> list[int]:
    capacity = sum(len(e) for e in eligible)
    wanted = p.spec.acks
    if wanted > capacity:
        if p.spec.strict:
            raise TooMany(
                f"At most {capacity} acknowledgments fit in these boundaries' versions and members"
                f" ({wanted} asked for): give more versions or members, or fewer acknowledgments."
            )
        wanted = capacity
    weights = [len(e) * (CURRENT_WEIGHT if c else OLD_WEIGHT) for e, c in zip(eligible, current, strict=True)]
    total = sum(weights) or 1
    quotas = [min(len(e), int(wanted * wt / total)) for e, wt in zip(eligible, weights, strict=True)]
    left = wanted - sum(quotas)
    while left > 0:
        room = [k for k, e in enumerate(eligible) if quotas[k] < len(e)]
        step = max(1, math.ceil(left / len(room)))
        p.rng.shuffle(room)
        for k in room:
            add = min(step, len(eligible[k]) - quotas[k], left)
            quotas[k] += add
            left -= add
            if not left:
                break
    return quotas


def _acknowledgments(w: Writer, plans: list[Plan], now: datetime) -> None:
    made: list[tuple[Plan, int, Version, list[int]]] = []
    for p in plans:
        rng = p.rng
        live = [
            i
            for i, item in enumerate(p.items)
            if item.kind == Kind.BOUNDARY
            and item.retired_at is None
            and item.owner != p.members[min(1, len(p.members) - 1)]
            and 1 in p.audience[i]
        ]
        p.reserved = set(rng.sample(live, min(p.spec.unanswered, len(live))))
        newcomer = len(p.members) - 1 if p.spec.newcomer and len(p.members) >= 3 else None
        slots: list[tuple[int, Version]] = []
        eligible: list[list[int]] = []
        current: list[bool] = []
        for i, item in enumerate(p.items):
            if item.kind != Kind.BOUNDARY:
                continue
            owner = p.members.index(item.owner) if item.owner else -1
            for n, version in enumerate(p.versions[i]):
                last = n == len(p.versions[i]) - 1
                who = [m for m in p.seeing(i, version.created_at) if m != owner]
                if last and i in p.reserved:
                    who = [m for m in who if m != 1]
                if newcomer is not None:
                    who = [m for m in who if m != newcomer or rng.random() < 0.2]
                slots.append((i, version))
                eligible.append(who)
                current.append(last)
        quotas = _ack_quotas(p, eligible, current)
        for (i, version), who, quota in zip(slots, eligible, quotas, strict=True):
            if quota:
                made.append((p, i, version, rng.sample(who, quota)))

    def rows() -> Iterator[tuple[Acknowledgment, Event]]:
        for p, i, version, who in made:
            following = p.versions[i][version.number] if version.number < len(p.versions[i]) else None
            until = following.created_at if following else now
            retired = p.items[i].retired_at
            if retired:
                until = min(until, retired)
            for m in who:
                at = p.between(version.created_at, min(until, version.created_at + 20 * DAY))
                answer = Acknowledgment.Answer.TALK if p.rng.random() < 0.03 else Acknowledgment.Answer.UNDERSTOOD
                member = p.members[m]
                yield (
                    Acknowledgment(version=version, member=member, answer=answer, created_at=at),
                    Event(
                        polycule=p.polycule,
                        kind=Event.Kind.ACKNOWLEDGED,
                        actor=member,
                        item=p.items[i],
                        version=version,
                        created_at=at,
                    ),
                )

    started = time.monotonic()
    total = 0
    for batch in itertools.batched(rows(), BATCH, strict=False):
        Acknowledgment.objects.bulk_create([a for a, _ in batch], batch_size=BATCH)
        Event.objects.bulk_create([e for _, e in batch], batch_size=BATCH)
        total += len(batch)
    w.counts["values.Acknowledgment"] = total
    w.counts["values.Event"] = w.counts.get("values.Event", 0) + total
    w.seconds["values.Acknowledgment (and its events)"] = time.monotonic() - started


# Reaffirmations, suggestions, a newcomer's consents, and the events of all the rest


def _rest(w: Writer, plans: list[Plan], now: datetime) -> None:
    reaffirmations: list[Reaffirmation] = []
    suggestions: list[Suggestion] = []
    consents: list[Consent] = []
    events: list[Event] = []

    def event(p: Plan, kind: str, actor: Membership | None, i: int, at: datetime, **links: Any) -> None:
        events.append(Event(polycule=p.polycule, kind=kind, actor=actor, item=p.items[i], created_at=at, **links))

    for p in plans:
        rng = p.rng
        for i, item in enumerate(p.items):
            versions = p.versions[i]
            if item.kind == Kind.BOUNDARY:
                for version in versions:
                    kind = Event.Kind.ITEM_CREATED if version.number == 1 else Event.Kind.VERSION_ADOPTED
                    event(p, kind, item.owner, i, version.created_at, version=version)
                if item.retired_at:
                    event(p, Event.Kind.ITEM_RETIRED, item.owner, i, item.retired_at, version=versions[-1])
            else:
                for proposal, version in zip(p.proposals[i], versions, strict=True):
                    event(p, Event.Kind.PROPOSAL_OPENED, proposal.proposer, i, proposal.created_at, proposal=proposal)
                    event(
                        p,
                        Event.Kind.PROPOSAL_ADOPTED,
                        proposal.proposer,
                        i,
                        version.created_at,
                        proposal=proposal,
                        version=version,
                    )
            if item.review_every_days and item.retired_at is None and rng.random() < 0.5:
                at = p.between(versions[-1].created_at, now - HOUR)
                seeing = p.seeing(i, at)
                member = p.members[rng.choice(seeing)]
                reaffirmations.append(Reaffirmation(item=item, member=member, created_at=at))
                event(p, Event.Kind.REAFFIRMED, member, i, at, version=versions[-1])
        for i, proposal in p.extra:
            event(p, Event.Kind.PROPOSAL_OPENED, proposal.proposer, i, proposal.created_at, proposal=proposal)
            if proposal.change == Proposal.Change.RETIRE:
                assert proposal.decided_at is not None
                event(p, Event.Kind.ITEM_RETIRED, proposal.proposer, i, proposal.decided_at, proposal=proposal)
                event(p, Event.Kind.PROPOSAL_ADOPTED, proposal.proposer, i, proposal.decided_at, proposal=proposal)
        # Open suggestions on the steward's boundaries, from others.
        mine = [
            i
            for i, item in enumerate(p.items)
            if item.owner == p.members[0] and item.retired_at is None and len(p.audience[i]) > 1
        ]
        for i in mine[: min(5, max(1, len(p.items) // 100)) if len(p.items) > 2 else 0]:
            version = p.versions[i][-1]
            author = rng.choice([m for m in p.seeing(i, now) if m != 0])
            at = p.between(version.created_at, now - HOUR)
            suggestions.append(
                Suggestion(
                    item=p.items[i],
                    author=p.members[author],
                    base_version=version,
                    text=f"{version.text} Unless it is an emergency.",
                    why="Emergencies happen; I would like us to have said so.",
                    created_at=at,
                )
            )
            event(p, Event.Kind.SUGGESTED, p.members[author], i, at, version=version)
        # The newcomer has consented to a few values and agreements already.
        if p.spec.newcomer and len(p.members) >= 3:
            n = len(p.members) - 1
            newcomer = p.members[n]
            shared = [
                i
                for i, item in enumerate(p.items)
                if item.kind != Kind.BOUNDARY and item.retired_at is None and n in p.audience[i]
            ]
            for i in shared[:3]:
                version = p.versions[i][-1]
                if version.created_at > newcomer.joined_at:
                    continue  # adopted with the newcomer's answer already
                at = p.between(newcomer.joined_at, now - HOUR)
                consents.append(Consent(version=version, member=newcomer, created_at=at))
                event(p, Event.Kind.CONSENTED, newcomer, i, at, version=version)
    w.create(reaffirmations, Reaffirmation)
    w.create(suggestions, Suggestion)
    w.create(consents, Consent)
    w.stream(events, Event)


# Talk


def _talk(w: Writer, plans: list[Plan], now: datetime) -> None:
    choices: list[tuple[Plan, Choice]] = []
    # Each discussion with the member indexes who may take part in it.
    discussions: list[tuple[Plan, Discussion, list[int]]] = []
    rounds: list[tuple[Plan, Round, list[int], bool]] = []
    checkins: list[tuple[Plan, CheckIn, bool]] = []
    for p in plans:
        talk, rng, n = p.spec.talk, p.rng, len(p.members)
        if not talk:
            continue
        for _ in range(max(1, talk // 2)):
            at = p.between(now - 300 * DAY, now - HOUR)
            author = p.members[rng.randrange(n)]
            choices.append(
                (
                    p,
                    Choice(
                        polycule=p.polycule,
                        author=author,
                        text=f"I am going away for the weekend with someone new ({rng.choice(TOPICS)}).",
                        why="Telling you now rather than after.",
                        created_at=at,
                    ),
                )
            )
        about = rng.sample(range(len(p.items)), min(talk, len(p.items)))
        for i in about:
            at = p.between(p.items[i].created_at, now - 2 * DAY)
            starter = p.members[rng.choice(p.seeing(i, at))]
            discussions.append(
                (
                    p,
                    Discussion(polycule=p.polycule, item=p.items[i], started_by=starter, created_at=at),
                    p.seeing(i, at),
                )
            )
        if n >= 3:
            for number in range(2 + talk // 25):
                revealed = number == 0
                chosen = sorted({0, 1, *rng.sample(range(n), min(n, rng.randint(2, 5)))})
                at = now - (40 - number) * DAY if revealed else p.between(now - 10 * DAY, now - HOUR)
                rounds.append(
                    (
                        p,
                        Round(
                            polycule=p.polycule,
                            asker=p.members[chosen[0]],
                            prompt="What if one of us fell in love with someone new?",
                            theme="new_partners",
                            created_at=at,
                            revealed_at=at + 5 * DAY if revealed else None,
                        ),
                        chosen,
                        revealed,
                    )
                )
        for number in range(1 + talk // 10 + (talk > 1)):  # the next one, and some held
            held = number > 0
            at = now - (14 * number - 7) * DAY
            checkins.append(
                (
                    p,
                    CheckIn(
                        polycule=p.polycule,
                        created_by=p.members[0],
                        title="Check-in",
                        scheduled_for=at,
                        created_at=at - 7 * DAY,
                        held_at=at + HOUR if held else None,
                        held_by=p.members[0] if held else None,
                    ),
                    held,
                )
            )
    w.create((c for _, c in choices), Choice)
    w.create(
        (
            ChoiceResponse(
                choice=c,
                member=member,
                feeling=p.rng.choice(list(Feeling)),
                note="",
                created_at=c.created_at + HOUR,
            )
            for p, c in choices
            for member in p.members[:4]
            if member != c.author
        ),
        ChoiceResponse,
    )
    w.create((d for _, d, _ in discussions), Discussion)
    w.create((r for _, r, _, _ in rounds), Round)
    w.create(
        (RoundParticipant(round=r, membership=p.members[m]) for p, r, chosen, _ in rounds for m in chosen),
        RoundParticipant,
    )
    round_answers = []
    for p, r, chosen, revealed in rounds:
        for m in chosen if revealed else chosen[1:2]:
            round_answers.append(
                RoundAnswer(
                    round=r,
                    member=p.members[m],
                    text="I would want to hear it early, and to be asked what I need.",
                    created_at=r.created_at + HOUR,
                    updated_at=r.created_at + HOUR,
                )
            )
        if revealed:
            discussions.append(
                (
                    p,
                    Discussion(
                        polycule=p.polycule, round=r, started_by=r.asker, created_at=r.revealed_at or r.created_at
                    ),
                    chosen,
                )
            )
    w.create(round_answers, RoundAnswer)
    w.create((d for _, d, _ in discussions if d.round_id), Discussion)
    comments: list[tuple[Comment, int]] = []
    for p, d, who in discussions:
        count = p.rng.randint(2, 8) if p.spec.talk > 1 else 2
        at = d.created_at
        assert at is not None
        previous: Comment | None = None
        for k in range(count):
            at = p.between(at, min(at + 2 * DAY, now - HOUR))
            author = d.started_by if k == 0 else p.members[p.rng.choice(who)]
            parent = previous if previous is not None and k % 3 == 2 else None
            comment = Comment(discussion=d, author=author, parent=parent, created_at=at)
            comments.append((comment, k))
            if parent is None:
                previous = comment
    # Parents first: replies point at them.
    w.create((c for c, _ in comments if c.parent is None), Comment)
    w.create((c for c, _ in comments if c.parent is not None), Comment)
    w.create(
        (
            CommentRevision(
                comment=c,
                number=1,
                text="I hear you. Can we talk about what happens when plans change late?"
                if k
                else "I would like to talk about this one.",
                created_at=c.created_at,
            )
            for c, k in comments
        ),
        CommentRevision,
    )
    w.create((c for _, c, _ in checkins), CheckIn)
    topics: list[tuple[Plan, Topic]] = []
    for p, c, held in checkins:
        for title in ["How the month went", "Holidays", "The shared calendar"][: 3 if held else 2]:
            topics.append(
                (
                    p,
                    Topic(
                        checkin=c,
                        added_by=p.members[p.rng.randrange(len(p.members))],
                        title=title,
                        created_at=c.created_at,
                    ),
                )
            )
    w.create((t for _, t in topics), Topic)
    w.create(
        (
            TopicNote(topic=t, author=p.members[0], text="We agreed to try it for a month.", created_at=t.created_at)
            for p, t in topics
        ),
        TopicNote,
    )
    w.create(
        (
            Action(
                checkin=c,
                owner=p.members[min(1, len(p.members) - 1)],
                text="Put the holidays in the shared calendar",
                created_by=p.members[0],
                created_at=c.scheduled_for,
                done_at=c.scheduled_for + 3 * DAY if held and c.scheduled_for + 3 * DAY < now else None,
            )
            for p, c, held in checkins
        ),
        Action,
    )
    w.create(
        (
            Reconnect(checkin=c, member=m, text="Grateful we did this.", created_at=c.scheduled_for + HOUR)
            for p, c, held in checkins
            if held
            for m in p.members[:3]
        ),
        Reconnect,
    )


# Putting it together


def _make(plans: list[Plan], w: Writer, hashed: str) -> None:
    now = timezone.now()
    _people(w, plans, hashed)
    _items(w, plans, now)
    _versions(w, plans, now)
    _other_proposals(w, plans, now)
    _revisions_and_answers(w, plans, now)
    _acknowledgments(w, plans, now)
    _rest(w, plans, now)
    _talk(w, plans, now)


def _analyze() -> None:
    """Fresh planner statistics and visibility maps, as a database that lived would have, and
    nothing left for autovacuum to do on the new rows while the benchmark measures. (Inside a
    transaction, a test's, only the statistics: VACUUM cannot run there.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def generate(
    *,
    members: int,
    items: int,
    versions: int,
    acks: int,
    seed: int = 11,
    newcomer: bool = True,
    unanswered: int | None = None,
    say: Callable[[str], None] = lambda message: None,
) -> Made:
    """One polycule of this size, with a newcomer among its members when there are three or more."""
    spec = Spec(
        members=members,
        items=items,
        versions=versions,
        acks=acks,
        talk=max(1, items // 20) if items else 0,
        newcomer=newcomer,
        unanswered=unanswered if unanswered is not None else max(60, items // 20),
    )
    _check(spec)
    started = time.monotonic()
    hashed = make_password(PASSWORD)
    rng = random.Random(seed)  # noqa: S311 (data, not secrets)
    tag = f"b{secrets.token_hex(3)}-"
    plan = Plan(spec=spec, rng=rng, start=timezone.now() - 730 * DAY, tag=tag)
    w = Writer(say)
    with transaction.atomic():
        _make([plan], w, hashed)
    _analyze()
    assert plan.polycule is not None
    n = len(plan.members)
    return Made(
        polycule=str(plan.polycule.public_id),
        emails=[u.email for u in plan.users],
        member=plan.users[min(1, n - 1)].email,
        newcomer=plan.users[-1].email if newcomer and n >= 3 else None,
        counts=w.counts,
        seconds={**w.seconds, "total": time.monotonic() - started},
    )


def crowd(polycules: int, *, seed: int = 12, say: Callable[[str], None] = lambda message: None) -> Made:
    """Many small other polycules: one or two members, a boundary with two versions (answered
    by the other member), an agreement adopted by both, an open proposal on it, their events,
    and a little talk in one of three. Made in chunks, each in its own transaction."""
    started = time.monotonic()
    hashed = make_password(PASSWORD)
    rng = random.Random(seed)  # noqa: S311
    w = Writer(say)
    run = secrets.token_hex(3)
    chunk = 2000
    now = timezone.now()
    for first in range(0, polycules, chunk):
        plans = []
        for k in range(first, min(first + chunk, polycules)):
            members = 2 if rng.random() < 0.7 else 1
            spec = Spec(
                members=members,
                items=2,
                versions=3,
                acks=2,
                talk=1 if k % 3 == 0 else 0,
                strict=False,
            )
            start = now - rng.uniform(30, 730) * DAY
            plans.append(Plan(spec=spec, rng=random.Random(rng.random()), start=start, tag=f"c{run}-{k}-"))  # noqa: S311
        with transaction.atomic():
            _make(plans, w, hashed)
        done = min(first + chunk, polycules)
        if done % 20000 == 0 or done == polycules:
            say(f"crowd: {done} polycules in {time.monotonic() - started:.0f} s")
    _analyze()
    return Made(
        polycule="", emails=[], member="", newcomer=None, counts=w.counts, seconds={"total": time.monotonic() - started}
    )
