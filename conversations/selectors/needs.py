"""What the conversations ask of one member of one polycule now, for the dashboard (home).

The six lists are the ones their own selectors define (``rounds.waiting``, ``rounds.revealed_unseen``,
``discussions.talk_requests``, ``choices.unanswered``, ``checkins.my_actions``, ``checkins.upcoming``):
the same querysets, read together in ONE query (a UNION ALL, each list's rows with their own
columns and those of what they show, the other lists' columns NULL), then sorted here as each
list's selector sorts. The header's count (``count``) is one COUNT over the same union."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Cast

from relationships.models import Membership

from ..models import Action, CheckIn, Choice, Round
from . import checkins, choices, discussions, rounds
from .discussions import TalkRequest


@dataclass(frozen=True)
class Needs:
    membership: Membership
    rounds_waiting: list[Round]  # a "what if" waiting for the member's answer
    rounds_revealed: list[Round]  # answers revealed since the member last looked
    talk_requests: list[TalkRequest]  # someone would like to talk about the member's boundary
    choices: list[Choice]  # shared with the member, not answered yet
    actions: list[Action]  # open actions the member owns
    checkins: list[CheckIn]  # coming up: to know, not to do

    @property
    def count(self) -> int:
        """What waits on the member: a coming check-in is news, not a task."""
        return (
            len(self.rounds_waiting)
            + len(self.rounds_revealed)
            + len(self.talk_requests)
            + len(self.choices)
            + len(self.actions)
        )


@dataclass(frozen=True)
class _List:
    """One list of the union: its rows, and what each row is read with (as ``select_related``)."""

    name: str
    rows: QuerySet[Any]
    related: tuple[str, ...]

    def steps(self) -> list[tuple[str, type[models.Model]]]:
        """The row's model, then every model along ``related``, each once, parents first."""
        found: dict[str, type[models.Model]] = {"": self.rows.model}
        for path in self.related:
            model: type[models.Model] = self.rows.model
            names = path.split("__")
            for i, name in enumerate(names):
                model = model._meta.get_field(name).related_model  # type: ignore[assignment]
                found.setdefault("__".join(names[: i + 1]), model)
        return list(found.items())


def _lists(membership: Membership) -> list[_List]:
    return [
        _List("rounds_waiting", rounds.waiting_query(membership), ("asker", "polycule")),
        _List("rounds_revealed", rounds.revealed_unseen_query(membership), ("asker", "polycule")),
        _List("talk_requests", discussions.talk_requests_query(membership), discussions.TALK_REQUEST_RELATED),
        _List("choices", choices.unanswered_query(membership), ("author", "polycule")),
        _List("actions", checkins.my_actions_query(membership), ("checkin__polycule", "owner")),
        _List("checkins", checkins.upcoming_query(membership), ("polycule", "created_by")),
    ]


# Each list sorted as its own selector sorts it.
_LATE = date.max
_ORDER: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "rounds_waiting": (lambda r: (r.created_at, r.id), True),
    "rounds_revealed": (lambda r: (r.created_at, r.id), True),
    "talk_requests": (lambda a: (a.created_at, a.id), False),
    "choices": (lambda c: (c.created_at, c.id), True),
    "actions": (lambda a: (a.due_on is None, a.due_on or _LATE, a.created_at, a.id), False),
    "checkins": (lambda c: (c.scheduled_for, c.id), False),
}


def _null(field: models.Field[Any, Any]) -> Cast:
    """A NULL of the field's type: PostgreSQL types a UNION's columns pairwise, and a bare NULL
    followed by another would be taken for text."""
    return Cast(Value(None), output_field=field)


def _read(lists: list[_List]) -> dict[str, list[Any]]:
    """The rows of every list, in one query."""
    found: dict[str, list[Any]] = {part.name: [] for part in lists}
    lists = [part for part in lists if not part.rows.query.is_empty()]
    if not lists:
        return found
    # Every column of every list: (list, step, field, alias).
    columns = [
        (part.name, step, field, f"c{n}_{s}_{f}")
        for n, part in enumerate(lists)
        for s, (step, model) in enumerate(part.steps())
        for f, field in enumerate(model._meta.concrete_fields)
    ]
    branches = []
    for part in lists:
        select: dict[str, Any] = {"need_list": Value(part.name)}
        for name, step, field, alias in columns:
            if name != part.name:
                select[alias] = _null(field)
            else:
                select[alias] = F(f"{step}__{field.attname}" if step else field.attname)
        branches.append(part.rows.order_by().values(**select))
    union = branches[0].union(*branches[1:], all=True).order_by() if len(branches) > 1 else branches[0]
    by_name = {part.name: part for part in lists}
    for row in union:
        part = by_name[row["need_list"]]
        found[part.name].append(_build(part, row, [c for c in columns if c[0] == part.name]))
    for name, rows in found.items():
        key, reverse = _ORDER[name]
        rows.sort(key=key, reverse=reverse)
    return found


def _build(part: _List, row: dict[str, Any], columns: Iterable[tuple[str, str, Any, str]]) -> models.Model:
    """The row's instance, with what it is read with cached on it, as ``select_related`` would."""
    values: dict[str, list[Any]] = {}
    for _, step, _, alias in columns:
        values.setdefault(step, []).append(row[alias])
    made: dict[str, models.Model | None] = {}
    for step, model in part.steps():
        fields = values[step]
        names = [f.attname for f in model._meta.concrete_fields]
        pk = fields[names.index(model._meta.pk.attname)]
        made[step] = None if pk is None else model.from_db(part.rows.db, names, fields)
        if step:
            parent_path, _, name = step.rpartition("__")
            parent = made[parent_path]
            if parent is not None:
                parent._meta.get_field(name).set_cached_value(parent, made[step])  # type: ignore[union-attr]
    instance = made[""]
    assert instance is not None
    return instance


def needs(membership: Membership) -> Needs:
    """One query, whatever the number of rows."""
    found = _read(_lists(membership))
    return Needs(
        membership=membership,
        rounds_waiting=found["rounds_waiting"],
        rounds_revealed=found["rounds_revealed"],
        talk_requests=[discussions.talk_request(ask) for ask in found["talk_requests"]],
        choices=found["choices"],
        actions=found["actions"],
        checkins=found["checkins"],
    )


def count(membership: Membership) -> int:
    """``needs(membership).count`` in one COUNT query, for the header."""
    counted = [
        part.rows.order_by().values("pk")
        for part in _lists(membership)
        if part.name != "checkins" and not part.rows.query.is_empty()
    ]
    if not counted:
        return 0
    return counted[0].union(*counted[1:], all=True).count() if len(counted) > 1 else counted[0].count()
