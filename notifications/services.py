"""Telling people what needs them: collecting notices into the delivery log, and sending what
is due as one letter per person. ``manage.py tick`` runs ``tick`` every few minutes.

- **Collecting** looks back over ``LOOKBACK`` at what the apps stored and records one notice per
  person and event key (``Notice``'s unique constraint, ``bulk_create(ignore_conflicts=True)``):
  retries, restarts and two ticks at once add nothing. A kind the person turned off is recorded
  as skipped, so turning it on later does not send old news.
- **When** a notice may go (``schedule.due``) is computed when it is recorded, and again, with
  the person's choices as they are then, when it is about to go: a notice can be held later
  then (quiet hours, the hourly cap, a kind moved to the digest), never sent earlier.
  ``reschedule`` recomputes a person's waiting notices at once, when they save their settings.
- **Sending** takes each person's due notices under a lock on the person (``skip_locked``: a
  second tick passes them by), skips what no longer matters (done, answered, closed, no longer
  visible to them) and writes one letter with the rest. The mail is built from the letter when
  the worker sends it (``letters.build``), through the outbox (``accounts.mail``).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts import mail
from accounts.models import User

from . import schedule, selectors, sources
from .kinds import Delivery
from .models import Letter, Notice, Tick

# How far back each tick looks for what happened: ticks run every few minutes, so two days
# covers a scheduler that stopped for a weekend day; older news is left to the dashboard.
LOOKBACK = timedelta(days=2)
# The outbox's name for the mail a letter becomes (registered in apps.py).
BUILDER = "notifications.letter"
# People written to per tick at most; the next tick takes the rest.
PEOPLE_PER_TICK = 1000
OFF = "turned off"
CLOSED_ACCOUNT = "account closed"
_PEOPLE_PER_QUERY = 100
_ROWS_PER_INSERT = 500


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def collect(*, now: datetime | None = None) -> int:
    """Records a notice for each person and event found since ``now - LOOKBACK`` that has none
    yet; returns how many it recorded."""
    now = _now(now)
    unique: dict[tuple[int, str], sources.Candidate] = {}
    for candidate in sources.candidates(now - LOOKBACK, now):
        unique.setdefault((candidate.membership.user_id, candidate.key), candidate)
    known = _recorded(unique)
    fresh = [candidate for pair, candidate in sorted(unique.items()) if pair not in known]
    people = {candidate.membership.user_id for candidate in fresh}
    choices = selectors.choices_for(people)
    last = selectors.last_at_once(people)
    rows = [_notice(c, choices[c.membership.user_id], last.get(c.membership.user_id), now) for c in fresh]
    # In (person, key) order, so that two ticks inserting the same rows wait for each other
    # instead of deadlocking.
    Notice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=_ROWS_PER_INSERT)
    return len(rows)


def _recorded(pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (person, key) pairs have a notice already, asked a few people at a time so that
    the unique (person, key) index answers."""
    keys: dict[int, set[str]] = defaultdict(set)
    for user_id, key in pairs:
        keys[user_id].add(key)
    people = sorted(keys)
    known: set[tuple[int, str]] = set()
    for start in range(0, len(people), _PEOPLE_PER_QUERY):
        some = people[start : start + _PEOPLE_PER_QUERY]
        their_keys = set().union(*(keys[pk] for pk in some))
        known.update(Notice.objects.filter(user_id__in=some, key__in=their_keys).values_list("user_id", "key"))
    return known


def _notice(
    candidate: sources.Candidate, choices: selectors.Choices, last_at_once: datetime | None, now: datetime
) -> Notice:
    delivery = choices.delivery(candidate.kind)
    off = delivery == Delivery.OFF
    return Notice(
        user_id=candidate.membership.user_id,
        membership=candidate.membership,
        kind=candidate.kind,
        key=candidate.key,
        delivery=delivery,
        happened_at=candidate.happened_at,
        created_at=now,
        due_at=now
        if off
        else schedule.due(delivery, created_at=now, now=now, clock=choices.clock, last_at_once=last_at_once),
        status=Notice.Status.SKIPPED if off else Notice.Status.WAITING,
        why_skipped=OFF if off else "",
    )


def send_due(*, now: datetime | None = None) -> int:
    """Writes one letter to each person with notices due, and queues its mail; returns how many."""
    now = _now(now)
    people = (
        Notice.objects.filter(status=Notice.Status.WAITING, due_at__lte=now)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(_send_to(user_id, now) for user_id in list(people[:PEOPLE_PER_TICK]))


@transaction.atomic
def _send_to(user_id: int, now: datetime) -> int:
    """One letter to one person with whatever of theirs is due and still matters; 1 if written."""
    # The person's row is the lock: another tick at the same moment passes them by, and reads
    # their notices only after this transaction, when they are no longer waiting. "No key": rows
    # that refer to the person (new notices, a sign-in) need not wait for it.
    user = User.objects.select_for_update(skip_locked=True, no_key=True).filter(pk=user_id).first()
    if user is None:
        return 0
    due = list(
        Notice.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(user_id=user_id, status=Notice.Status.WAITING, due_at__lte=now)
        .select_related("membership__polycule")
    )
    if not due:
        return 0
    if not user.is_active:
        for notice in due:
            _skip(notice, CLOSED_ACCOUNT)
        _save(due)
        return 0
    going = _still_due(due, user_id, now)
    found = sources.about(going, now)
    sending = []
    for notice in going:
        match found[notice.pk]:
            case sources.Gone(why=why):
                _skip(notice, why)
            case sources.About():
                sending.append(notice)
    if not sending:
        _save(due)
        return 0
    digest = any(notice.delivery == Delivery.DIGEST for notice in sending)
    letter = Letter.objects.create(
        user_id=user_id, sort=Letter.Sort.DIGEST if digest else Letter.Sort.AT_ONCE, created_at=now
    )
    for notice in sending:
        notice.status, notice.sent_at, notice.letter = Notice.Status.SENT, now, letter
    _save(due)
    # In this transaction: the outbox's row (and, with the database task backend, its task)
    # commits with the letter, or neither does.
    mail.queue_built(BUILDER, letter.pk, user.email)
    return 1


def _still_due(due: list[Notice], user_id: int, now: datetime) -> list[Notice]:
    """The notices that may go now by the person's current choices; the others are held later
    (their ``due_at`` moves) or, for a kind turned off, skipped."""
    _retime(due, user_id, now)
    return [notice for notice in due if notice.status == Notice.Status.WAITING and notice.due_at <= now]


def _retime(notices: list[Notice], user_id: int, now: datetime) -> None:
    """When each of a person's waiting notices may go, by their choices as they are now: a kind
    turned off is skipped, the others keep or move their ``due_at`` (never earlier than the
    rules allow)."""
    choices = selectors.choices_for([user_id])[user_id]
    last = selectors.last_at_once([user_id]).get(user_id)
    for notice in notices:
        delivery = choices.delivery(notice.kind)
        if delivery == Delivery.OFF:
            _skip(notice, OFF)
            continue
        notice.delivery = delivery
        notice.due_at = schedule.due(
            delivery, created_at=notice.created_at, now=now, clock=choices.clock, last_at_once=last
        )


def _skip(notice: Notice, why: str) -> None:
    notice.status, notice.why_skipped = Notice.Status.SKIPPED, why[:64]


def _save(notices: list[Notice]) -> None:
    Notice.objects.bulk_update(notices, ["status", "why_skipped", "delivery", "due_at", "sent_at", "letter"])


@transaction.atomic
def reschedule(*, user: User, now: datetime | None = None) -> int:
    """After ``user`` changed their choices: when each of their waiting notices may go now (a
    kind turned off is skipped). Returns how many notices it looked at."""
    now = _now(now)
    waiting = list(Notice.objects.select_for_update().filter(user=user, status=Notice.Status.WAITING))
    if not waiting:
        return 0
    _retime(waiting, user.pk, now)
    _save(waiting)
    return len(waiting)


@dataclass(frozen=True)
class TickReport:
    notices: int
    mails: int
    retried: int
    dry_run: bool = False

    def __str__(self) -> str:
        if self.dry_run:
            return (
                f"Dry run: would record {self.notices} notice(s) and write to {self.mails} person(s); nothing changed."
            )
        return f"Recorded {self.notices} notice(s), sent {self.mails} mail(s), retried {self.retried} mail(s)."


def tick(*, now: datetime | None = None, dry_run: bool = False) -> TickReport:
    """One run of the scheduler: collect, send what is due, retry the outbox. Idempotent, and safe
    to run twice at once."""
    now = _now(now)
    if dry_run:
        return _rehearse(now)
    run = Tick.objects.create(started_at=now)
    notices = collect(now=now)
    mails = send_due(now=now)
    retried = mail.retry_due(now)
    Tick.objects.filter(pk=run.pk).update(finished_at=max(now, timezone.now()), notices=notices, mails=mails)
    return TickReport(notices=notices, mails=mails, retried=retried)


def _rehearse(now: datetime) -> TickReport:
    """What a tick would do, undone: notices are collected in a transaction rolled back."""
    with transaction.atomic():
        notices = collect(now=now)
        people = (
            Notice.objects.filter(status=Notice.Status.WAITING, due_at__lte=now)
            .values_list("user_id", flat=True)
            .order_by()
            .distinct()
            .count()
        )
        transaction.set_rollback(True)
    return TickReport(notices=notices, mails=people, retried=0, dry_run=True)
