"""The steward handovers' part of a polycule's timeline (see ``home.deletion``): same columns
as every other part (``values.timeline.COLUMNS``), filed with people joining and leaving."""

from django.db.models import F

from relationships.models import Membership
from values.models import Item
from values.timeline import COLUMNS, Line, Part, Row, kind, none

from .models import StewardHandover

KIND = "steward_handover"
GROUP = "members"
VERB = "became steward, having been here longest, when the last steward deleted their account"


def parts(
    membership: Membership, *, group: str = "", person: Membership | None = None, item: Item | None = None
) -> list[Part]:
    if item is not None or group not in {"", GROUP}:
        return []
    handovers = StewardHandover.objects.filter(polycule_id=membership.polycule_id).order_by()
    if person is not None:
        handovers = handovers.filter(steward=person)
    return [
        handovers.annotate(
            at=F("created_at"),
            kind=kind(KIND),
            actor_ref=F("steward_id"),
            item_ref=none(),
            version_ref=none(),
            proposal_ref=none(),
            other_ref=none(),
        ).values(*COLUMNS)
    ]


def lines(rows: list[Row]) -> list[Line | None]:
    ours = [r for r in rows if r["kind"] == KIND]
    actors = Membership.objects.in_bulk({r["actor_ref"] for r in ours}) if ours else {}
    return [
        Line(at=r["at"], kind=KIND, actor=actors.get(r["actor_ref"]), verb=VERB) if r["kind"] == KIND else None
        for r in rows
    ]
