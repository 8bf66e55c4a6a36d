"""Writes made through a membership, and the one lock that keeps them from outliving it.

Every service that writes as a member locks that member's row in its own transaction
(``@acting("member")``), and leaving or being removed locks the same row: the two queue up.
A write that waited for a departure finds ``left_at`` set and is refused with ``Departed``,
which is the 404 a former member gets everywhere else. So nothing is ever written by someone
after they left (promise 12).

The lock is ``FOR NO KEY UPDATE``: it does not wait for, nor block, other transactions that
merely point at the row (a new acknowledgment, consent or event referring to the member takes
only a key-share lock), so two members' writes never wait on each other through it.

The lock also counts the write (``Membership.changes``): the acting member's row is taken by
``UPDATE ... SET changes = changes + 1`` where it is still active and in the role the request
saw, which locks it as ``SELECT ... FOR NO KEY UPDATE`` would, in the same one statement. A
polycule's changes, summed, tell a count kept for later that it is out of date
(``home.selectors.needs_count``). A write no one else can see, and that changes no count (a
calendar address, a draft started from the journal), is not counted, so that nobody can tell
from the speed of their own count that someone did something they cannot see.
"""

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps

from django.db import transaction
from django.db.models import F, Q
from django.http import Http404

from .models import Membership


class Departed(Http404):
    """The acting member left or was removed before their write could be made.

    A kind of ``Http404``, not of ``RuleError``: views that turn a rule's refusal into a
    message let it through, and it is answered like every other request of a former member.
    """


def lock_membership(member: Membership, *others: Membership, stewards: bool = False, counted: bool = True) -> None:
    """Locks ``member``'s row (and the ``others``', and with ``stewards`` the polycule's active
    stewards') until the transaction ends, and refreshes what may have changed meanwhile:
    whether they left, and their role. Raises ``Departed`` when ``member`` has left. Counts the
    write in ``member``'s ``changes`` unless ``counted`` is false.

    All the rows are locked by one statement in the order of their keys, so two transactions
    locking overlapping sets of members queue up instead of deadlocking.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_membership() runs inside the transaction of the write it guards.")
    step = F("changes") + 1 if counted else F("changes")
    if not others and not stewards and member.left_at is None:
        # The usual write: one row, locked by counting the write, if nothing changed since the
        # gate read it (a departure or a new role makes it refresh below, as a lock of many does).
        mine = Membership.objects.filter(pk=member.pk, left_at__isnull=True, role=member.role)
        if mine.update(changes=step):
            return
    wanted = {member.pk, *(other.pk for other in others)}
    rows = Q(pk__in=wanted)
    if stewards:
        rows |= Q(polycule_id=member.polycule_id, role=Membership.Role.STEWARD, left_at__isnull=True)
    locked = {
        pk: (left_at, departure, role)
        for pk, left_at, departure, role in Membership.objects.select_for_update(no_key=True)
        .filter(rows)
        .order_by("pk")
        .values_list("pk", "left_at", "departure", "role")
    }
    for row in (member, *others):
        if row.pk in locked:
            row.left_at, row.departure, row.role = locked[row.pk]
    if member.pk not in locked or member.left_at is not None:
        raise Departed
    if counted:
        Membership.objects.filter(pk=member.pk).update(changes=step)


# The members locked by the services running now, in this thread's transaction.
_held: ContextVar[frozenset[int]] = ContextVar("held", default=frozenset())

# Every write service and the name of its acting member, for the test that keeps the list whole.
ACTING: dict[Callable[..., object], str] = {}
# Those among them that are not counted as a change of the polycule (``counted=False``).
UNCOUNTED: set[Callable[..., object]] = set()


def acting[**P, R](
    parameter: str, *others: str, stewards: bool = False, counted: bool = True
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Runs a write service in a transaction that first locks the acting member, named by the
    keyword ``parameter``: ``@acting("member")`` in place of ``@transaction.atomic``. The members
    named by ``others`` (and with ``stewards`` the polycule's stewards) are locked with it.
    ``counted=False`` is for a write that no one else sees and that changes no count."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @wraps(service)
        def locked(*args: P.args, **kwargs: P.kwargs) -> R:
            members = []
            for name in (parameter, *others):
                member = kwargs[name]
                if not isinstance(member, Membership):
                    raise TypeError(f"{service.__qualname__}() takes a membership as {name}=")
                members.append(member)
            with transaction.atomic():
                if {m.pk for m in members} <= _held.get() and not stewards:
                    # Called by a service that holds these rows already, in this transaction.
                    return service(*args, **kwargs)
                lock_membership(*members, stewards=stewards, counted=counted)
                token = _held.set(_held.get() | {m.pk for m in members})
                try:
                    return service(*args, **kwargs)
                finally:
                    _held.reset(token)

        ACTING[locked] = parameter
        if not counted:
            UNCOUNTED.add(locked)
        return locked

    return decorate
