"""A polycule's whole timeline, newest first: the values' lines and the conversations', each
app's part filtered to what the member may see, merged with UNION ALL and paged in SQL, so a
page costs the same whatever the history holds."""

from conversations import timeline as talk_timeline
from relationships.models import Membership
from values import timeline as values_timeline
from values.models import Item
from values.timeline import Line, Part

from . import handovers

PAGE_SIZE = 30
GROUPS = {**values_timeline.KIND_LABELS, talk_timeline.GROUP: talk_timeline.LABEL}


def timeline(
    membership: Membership,
    *,
    page: int = 1,
    group: str = "",
    person: Membership | None = None,
    item: Item | None = None,
) -> tuple[list[Line], bool]:
    """One page of lines and whether there is a next page; a fixed number of queries."""
    group = group if group in GROUPS else ""
    found: list[Part] = [
        *values_timeline.parts(membership, group=group, person=person, item=item),
        *talk_timeline.parts(membership, group=group, person=person, item=item),
        *handovers.parts(membership, group=group, person=person, item=item),
    ]
    if not found:
        return [], False
    start = (max(page, 1) - 1) * PAGE_SIZE
    merged = found[0].union(*found[1:], all=True) if len(found) > 1 else found[0]
    rows = list(merged.order_by("-at")[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    by_app = [values_timeline.lines(rows), talk_timeline.lines(rows), handovers.lines(rows)]
    lines = [next(line for line in candidates if line is not None) for candidates in zip(*by_app, strict=True)]
    return lines, has_next
