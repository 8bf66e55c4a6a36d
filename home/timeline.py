"""A polycule's whole timeline, newest first: the values' lines and the conversations', each
app's part filtered to what the member may see, merged with UNION ALL and paged by keyset
(accounts.paging) in the order (at, kind, own id). Each part is limited to one page before the
merge where the database allows it (values.timeline.newest), so a page reads a few rows of
each part from its index, the same on the first page and the thousandth, whatever the
history holds."""

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from accounts import paging
from conversations import timeline as talk_timeline
from relationships.models import Membership
from values import timeline as values_timeline
from values.models import Item
from values.timeline import ORDER, After, Line, Part, Row

from . import handovers

PAGE_SIZE = paging.PAGE_SIZE
GROUPS = {**values_timeline.KIND_LABELS, talk_timeline.GROUP: talk_timeline.LABEL}
_KIND = re.compile(r"[a-z_]{1,40}")
_BIGINT = 2**63


def cursor(after: str) -> After | None:
    """The (at, kind, ref) a cursor holds, or None for no cursor or one that is not ours."""
    values = paging.decode(after, len(ORDER))
    if values is None:
        return None
    at, kind, ref = values
    if not isinstance(at, datetime) or not isinstance(kind, str) or type(ref) is not int:
        return None
    if not _KIND.fullmatch(kind) or not -_BIGINT <= ref < _BIGINT:
        return None
    try:
        at.astimezone(UTC)
    except OverflowError:
        return None
    return at, kind, ref


def rows(
    membership: Membership,
    *,
    after: str = "",
    group: str = "",
    person: Membership | None = None,
    item: Item | None = None,
    size: int = PAGE_SIZE,
) -> paging.Page[Row]:
    """One page of the merged rows after the cursor ``after``, in ``ORDER``: one query."""
    group = group if group in GROUPS else ""
    start = cursor(after)
    found: list[Part] = [
        *values_timeline.parts(membership, group=group, person=person, item=item, after=start, size=size),
        *talk_timeline.parts(membership, group=group, person=person, item=item, after=start, size=size),
        *handovers.parts(membership, group=group, person=person, item=item, after=start, size=size),
    ]
    if not found:
        return paging.Page(rows=[], next="", first=start is None)
    if len(found) > 1:
        merged = found[0].union(*found[1:], all=True).order_by(*ORDER)[: size + 1]
    elif found[0].query.is_sliced:
        merged = found[0]
    else:
        merged = found[0].order_by(*ORDER)[: size + 1]
    page = list(merged)
    more = len(page) > size
    page = page[:size]
    return paging.Page(rows=page, next=paging.encode(page[-1], ORDER) if more else "", first=start is None)


def timeline(
    membership: Membership,
    *,
    after: str = "",
    group: str = "",
    person: Membership | None = None,
    item: Item | None = None,
    people: Iterable[Membership] | None = None,
    size: int = PAGE_SIZE,
) -> paging.Page[Line]:
    """One page of lines after the cursor ``after``, in a fixed number of queries. ``people``
    are the polycule's memberships, when the caller has them already."""
    found = rows(membership, after=after, group=group, person=person, item=item, size=size)
    if people is None:
        people = Membership.objects.filter(polycule_id=membership.polycule_id)
    by_id = {m.pk: m for m in people}
    by_app = [
        values_timeline.lines(found.rows, people=by_id),
        talk_timeline.lines(found.rows, people=by_id, polycule=membership.polycule),
        handovers.lines(found.rows, people=by_id),
    ]
    lines = [line for candidates in zip(*by_app, strict=True) for line in candidates if line is not None]
    return paging.Page(rows=lines, next=found.next, first=found.first)
