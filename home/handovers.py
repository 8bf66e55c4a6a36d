"""The steward handovers' part of a polycule's timeline (see ``home.deletion``): same columns
as every other part (``values.timeline.COLUMNS``), filed with people joining and leaving."""

from collections.abc import Mapping

from django.db.models import F

from accounts import paging
from relationships.models import Membership
from values.models import Item
from values.timeline import COLUMNS, After, Line, Part, Row, kind, newest, no_public_ref, no_words

from .models import StewardHandover

KIND = "steward_handover"
GROUP = "members"
VERB = "became steward, having been here longest, when the last steward deleted their account"


def parts(
    membership: Membership,
    *,
    group: str = "",
    person: Membership | None = None,
    item: Item | None = None,
    after: After | None = None,
    size: int = paging.PAGE_SIZE,
) -> list[Part]:
    if item is not None or group not in {"", GROUP}:
        return []
    handovers = StewardHandover.objects.filter(polycule_id=membership.polycule_id).order_by()
    if person is not None:
        handovers = handovers.filter(steward=person)
    part = handovers.annotate(
        at=F("created_at"),
        kind=kind(KIND),
        ref=F("id"),
        actor_ref=F("steward_id"),
        public_ref=no_public_ref(),
        words=no_words(),
    ).values(*COLUMNS)
    return [newest(part, after=after, size=size)]


def lines(rows: list[Row], *, people: Mapping[int, Membership]) -> list[Line | None]:
    """The handovers' lines (None for the others), without a query: the steward is in ``people``."""
    return [
        Line(at=r["at"], kind=KIND, actor=people.get(r["actor_ref"]), verb=VERB) if r["kind"] == KIND else None
        for r in rows
    ]
