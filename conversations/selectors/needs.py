"""What the conversations ask of one member of one polycule now, for the dashboard (home).

The eight lists are the ones their own selectors define (``rounds.waiting``, ``rounds.revealed_unseen``,
``discussions.talk_requests``, ``choices.unanswered``, ``choices.newly_answered``, ``choices.unread_replies``,
``checkins.my_actions``, ``checkins.upcoming``):
the same querysets, read together in ONE query (a UNION ALL, each list's rows with the columns
the dashboard shows of them and of what they are read with, the other lists' columns NULL),
then sorted here as each list's selector sorts. The rows are the dashboard's alone: their other
fields are deferred (read one query each, if ever asked for), and their polycule is the
member's, given rather than joined. The header's count (``count``) is one COUNT over the same
union."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, models
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Cast

from relationships.models import Membership

from ..models import Action, CheckIn, Choice, ChoiceReply, Round
from . import checkins, choices, discussions, rounds
from .discussions import TalkRequest


@dataclass(frozen=True)
class Needs:
    membership: Membership
    rounds_waiting: list[Round]  # a "what if" waiting for the member's answer
    rounds_revealed: list[Round]  # answers revealed since the member last looked
    talk_requests: list[TalkRequest]  # someone would like to talk about the member's boundary
    choices: list[Choice]  # shared with the member, not answered yet
    answered: list[Choice]  # the member's own, answered since they last read how it landed
    replies: list[ChoiceReply]  # words back to the member's answer to a choice, not read yet
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
            + len(self.answered)
            + len(self.replies)
            + len(self.actions)
        )


type Shown = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class _List:
    """One list of the union: its rows, and what the dashboard shows of each (``shown``: the
    fields read of the row, at "", and of each object it is read with, by its path, parents
    first, as ``select_related`` would read them whole). ``polycules``: the paths to the
    member's polycule, given to the objects that lead to it."""

    name: str
    rows: QuerySet[Any]
    shown: Shown
    polycules: tuple[str, ...]

    def steps(self) -> list[tuple[str, type[models.Model], tuple[str, ...]]]:
        """Each path's model and the fields read of it."""
        found = []
        for path, names in self.shown.items():
            model: type[models.Model] = self.rows.model
            for name in filter(None, path.split("__")):
                model = model._meta.get_field(name).related_model  # type: ignore[assignment]
            found.append((path, model, names))
        return found


# What home/dashboard.html shows of each list (and what each list is sorted by, _ORDER).
_ROUND = ("id", "public_id", "polycule_id", "asker_id", "prompt", "created_at", "revealed_at")
_NAME = ("id", "display_name")
_TALK: Shown = {
    "": ("id", "version_id", "member_id", "note", "created_at"),
    "member": _NAME,
    "version": ("id", "item_id", "number"),
    "version__item": ("id", "public_id", "polycule_id", "current_version_id"),
    "version__item__current_version": ("id", "title"),
}


def _lists(membership: Membership) -> list[_List]:
    return [
        _List("rounds_waiting", rounds.waiting_query(membership), {"": _ROUND, "asker": _NAME}, ("polycule",)),
        _List("rounds_revealed", rounds.revealed_unseen_query(membership), {"": _ROUND}, ("polycule",)),
        _List("talk_requests", discussions.talk_requests_query(membership), _TALK, ("version__item__polycule",)),
        _List(
            "choices",
            choices.unanswered_query(membership),
            {"": ("id", "public_id", "polycule_id", "author_id", "text", "created_at"), "author": _NAME},
            ("polycule",),
        ),
        _List(
            "answered",
            choices.newly_answered_query(membership),
            {"": ("id", "public_id", "polycule_id", "text", "created_at")},
            ("polycule",),
        ),
        _List(
            "replies",
            choices.unread_replies_query(membership),
            {
                "": ("id", "choice_id", "created_at"),
                "choice": ("id", "public_id", "polycule_id", "author_id", "text"),
                "choice__author": _NAME,
            },
            ("choice__polycule",),
        ),
        _List(
            "actions",
            checkins.my_actions_query(membership),
            {
                "": ("id", "checkin_id", "text", "due_on", "created_at"),
                "checkin": ("id", "public_id", "polycule_id", "title"),
            },
            ("checkin__polycule",),
        ),
        _List(
            "checkins",
            checkins.upcoming_query(membership),
            {"": ("id", "public_id", "polycule_id", "title", "scheduled_for")},
            ("polycule",),
        ),
    ]


# Each list sorted as its own selector sorts it.
_LATE = date.max
_ORDER: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "rounds_waiting": (lambda r: (r.created_at, r.id), True),
    "rounds_revealed": (lambda r: (r.created_at, r.id), True),
    "talk_requests": (lambda a: (a.created_at, a.id), False),
    "choices": (lambda c: (c.created_at, c.id), True),
    "answered": (lambda c: (c.created_at, c.id), True),
    "replies": (lambda r: (r.created_at, r.id), True),
    "actions": (lambda a: (a.due_on is None, a.due_on or _LATE, a.created_at, a.id), False),
    "checkins": (lambda c: (c.scheduled_for, c.id), False),
}


def _null(field: models.Field[Any, Any]) -> Cast:
    """A NULL of the field's type: PostgreSQL types a UNION's columns pairwise, and a bare NULL
    followed by another would be taken for text."""
    return Cast(Value(None), output_field=field)


def _kind(field: models.Field[Any, Any]) -> str:
    """The column's type, for sharing a column of the union: its database type, lengths aside."""
    db_type = field.db_type(connection) or field.get_internal_type()
    return re.sub(r"\W+", "_", re.sub(r"\(.*\)", "", db_type)).strip("_").lower()


type Slots = dict[tuple[str, str, str], str]


def _slots(lists: list[_List]) -> tuple[Slots, dict[str, models.Field[Any, Any]]]:
    """Where each list's columns go in the union: each list fills the columns of a type from the
    first, so that lists share them and the union is as wide as its widest list, not as all of
    them together (building a query of every column of every list cost more than reading it).
    Returns the column of each (list, step, field), and a field of each column's type."""
    where: Slots = {}
    typed: dict[str, models.Field[Any, Any]] = {}
    for part in lists:
        used: dict[str, int] = {}
        for step, model, names in part.steps():
            fields = {field.attname: field for field in model._meta.concrete_fields}
            for name in names:
                kind = _kind(fields[name])
                used[kind] = used.get(kind, 0) + 1
                alias = f"{kind}_{used[kind]}"
                where[part.name, step, name] = alias
                typed.setdefault(alias, fields[name])
    return where, typed


def _read(lists: list[_List], membership: Membership) -> dict[str, list[Any]]:
    """The rows of every list, in one query."""
    found: dict[str, list[Any]] = {part.name: [] for part in lists}
    lists = [part for part in lists if not part.rows.query.is_empty()]
    if not lists:
        return found
    where, typed = _slots(lists)
    branches = []
    for part in lists:
        select: dict[str, Any] = {alias: _null(field) for alias, field in typed.items()}
        for (name, step, attname), alias in where.items():
            if name == part.name:
                select[alias] = F(f"{step}__{attname}" if step else attname)
        branches.append(part.rows.order_by().values(need_list=Value(part.name), **select))
    union = branches[0].union(*branches[1:], all=True).order_by() if len(branches) > 1 else branches[0]
    by_name = {part.name: part for part in lists}
    for row in union:
        part = by_name[row["need_list"]]
        found[part.name].append(_build(part, row, where, membership))
    for name, rows in found.items():
        key, reverse = _ORDER[name]
        rows.sort(key=key, reverse=reverse)
    return found


def _build(part: _List, row: dict[str, Any], where: Slots, membership: Membership) -> models.Model:
    """The row's instance, with what it is read with cached on it, as ``select_related`` would,
    and the member's polycule given to what leads to it."""
    made: dict[str, models.Model | None] = {}
    for step, model, names in part.steps():
        fields = [row[where[part.name, step, name]] for name in names]
        pk = fields[names.index(model._meta.pk.attname)]
        # Fields not read stay deferred (Model.from_db marks them so).
        made[step] = None if pk is None else model.from_db(part.rows.db, list(names), fields)
        if step:
            parent_step, _, name = step.rpartition("__")
            _cache(made[parent_step], name, made[step])
    for path in part.polycules:
        parent_path, _, name = path.rpartition("__")
        parent = made[parent_path]
        if parent is not None and getattr(parent, f"{name}_id") == membership.polycule_id:
            _cache(parent, name, membership.polycule)
    instance = made[""]
    assert instance is not None
    return instance


def _cache(parent: models.Model | None, name: str, value: models.Model | None) -> None:
    if parent is not None:
        parent._meta.get_field(name).set_cached_value(parent, value)  # type: ignore[union-attr]


def needs(membership: Membership) -> Needs:
    """One query, whatever the number of rows."""
    found = _read(_lists(membership), membership)
    return Needs(
        membership=membership,
        rounds_waiting=found["rounds_waiting"],
        rounds_revealed=found["rounds_revealed"],
        talk_requests=[discussions.talk_request(ask) for ask in found["talk_requests"]],
        choices=found["choices"],
        answered=found["answered"],
        replies=found["replies"],
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
