"""Keyset paging: one page of a list at a time, however long the list.

A page is asked for by the position of the last row of the page before it (the cursor), not
by its number: ``WHERE (created_at, id) < (…)`` is served by an index and costs the same on
the first page and the thousandth, where ``OFFSET`` reads and throws away every row before.

    page = paging.page(queryset, ("-created_at", "-id"), after=request.GET.get("after", ""))
    page.rows   # at most PAGE_SIZE rows
    page.next   # the cursor of the next page, "" on the last one

The order must end in a unique field (the primary key), so that no two rows tie. A cursor
is the ordering values of a row the viewer has already been shown; it is not secret and not
signed: a made-up one only moves where the viewer's own list starts. One that does not
decode gives the first page, never an error.

In the page, ``templates/_more.html`` is the "More" link: a plain link to the next page
without JavaScript, and with htmx it fetches the next rows in place (see that template).
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict

PAGE_SIZE = 30


@dataclass(frozen=True)
class Page[T]:
    rows: list[T]
    next: str  # the cursor of the next page; "" when this is the last one
    first: bool  # whether this is the list's first page (no cursor was given)


def page[M: Model](queryset: QuerySet[M], order: tuple[str, ...], *, after: str, size: int = PAGE_SIZE) -> Page[M]:
    """The rows of ``queryset`` in ``order`` that come after the cursor ``after``."""
    values = _checked(queryset.model, order, decode(after, len(order)))
    rows = queryset.order_by(*order)
    if values is not None:
        rows = rows.filter(after_q(order, values))
    found = list(rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    return Page(rows=found, next=encode(found[-1], order) if more else "", first=values is None)


def _checked(model: type[Model], order: tuple[str, ...], values: list[Any] | None) -> list[Any] | None:
    """The cursor's values as the ordering fields hold them, or None when one cannot be."""
    if values is None:
        return None
    checked = []
    for path, value in zip(order, values, strict=True):
        field: Any = None
        target: Any = model
        for part in path.removeprefix("-").split("__"):
            field = target._meta.get_field(part)
            target = field.related_model
        try:
            checked.append(field.target_field.to_python(value) if field.is_relation else field.to_python(value))
        except (ValidationError, TypeError, ValueError):
            return None
        if checked[-1] is None:
            return None
    return checked


def after_q(order: tuple[str, ...], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in ``order``: (a > x) or (a = x and b > y) or ..."""
    branches = []
    for index, field in enumerate(order):
        name = field.removeprefix("-")
        lookup = "lt" if field.startswith("-") else "gt"
        equal = {f.removeprefix("-"): v for f, v in zip(order[:index], values[:index], strict=True)}
        branches.append(Q(**equal, **{f"{name}__{lookup}": values[index]}))
    return reduce(or_, branches)


def encode(row: Any, order: tuple[str, ...]) -> str:
    values = [_plain(_value(row, field.removeprefix("-"))) for field in order]
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str, length: int) -> list[Any] | None:
    """The cursor's values, or None for no cursor or one that is not ours."""
    if not cursor or len(cursor) > 1000:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(values, list) or len(values) != length:
        return None
    if not all(isinstance(v, str | int | dict) for v in values):
        return None
    try:
        return [_typed(v) for v in values]
    except (KeyError, TypeError, ValueError):
        return None


def _value(row: Any, path: str) -> Any:
    for part in path.split("__"):
        row = row.get(part) if isinstance(row, dict) else getattr(row, part)
    return row


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if value is None or isinstance(value, str | int):
        return value
    return str(value)  # a UUID, a choice


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        moment = datetime.fromisoformat(value["t"])
        if moment.tzinfo is None:
            raise ValueError("a cursor's moments carry their time zone")
        return moment
    return value


def query_without_cursor(query: QueryDict) -> str:
    """The page's own query string without its cursor, ready for ``?{{ query }}after=…``."""
    others = query.copy()
    others.pop("after", None)
    return others.urlencode() + "&" if others else ""
