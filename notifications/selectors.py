"""Reading people's choices about being told, with the defaults filled in, a fixed number of
queries for any number of people."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max

from . import schedule
from .kinds import DEFAULTS, Delivery, Kind
from .models import KindChoice, Letter, Preferences

DEFAULT_CLOCK = schedule.Clock()


@dataclass(frozen=True)
class Choices:
    """How one person likes to be told: per kind, and on which clock."""

    clock: schedule.Clock = DEFAULT_CLOCK
    include_titles: bool = False
    chosen: Mapping[Kind, Delivery] = field(default_factory=dict)

    def delivery(self, kind: Kind | str) -> Delivery:
        kind = Kind(kind)
        return self.chosen.get(kind, DEFAULTS[kind])


def clock_of(preferences: Preferences) -> schedule.Clock:
    return schedule.Clock(
        zone=schedule.zone_named(preferences.time_zone),
        digest_hour=preferences.digest_hour,
        quiet_from=preferences.quiet_from,
        quiet_until=preferences.quiet_until,
    )


def choices_for(user_ids: Iterable[int]) -> dict[int, Choices]:
    """Each person's choices, by user id; the defaults for someone who never chose. Two queries."""
    ids = set(user_ids)
    if not ids:
        return {}
    chosen: dict[int, dict[Kind, Delivery]] = {pk: {} for pk in ids}
    for row in KindChoice.objects.filter(user_id__in=ids).only("user_id", "kind", "delivery"):
        if row.kind in Kind.values and row.delivery in Delivery.values:
            chosen[row.user_id][Kind(row.kind)] = Delivery(row.delivery)
    found = {pk: Choices(chosen=chosen[pk]) for pk in ids}
    for preferences in Preferences.objects.filter(user_id__in=ids):
        found[preferences.user_id] = Choices(
            clock=clock_of(preferences), include_titles=preferences.include_titles, chosen=chosen[preferences.user_id]
        )
    return found


def last_at_once(user_ids: Iterable[int]) -> dict[int, datetime]:
    """When each person was last sent an at-once mail (people never sent one are left out). One query."""
    letters = (
        Letter.objects.filter(user_id__in=set(user_ids), sort=Letter.Sort.AT_ONCE)
        .values("user_id")
        .annotate(last=Max("created_at"))
    )
    return {row["user_id"]: row["last"] for row in letters}
