"""Saving how a person likes to be told. Each function runs in one transaction and refuses
with ``RuleError`` what the database would refuse anyway, with words a person can act on."""

from collections.abc import Mapping
from datetime import time
from functools import cache
from zoneinfo import available_timezones

from django.db import transaction

from accounts.models import User
from relationships.services import RuleError

from . import services
from .kinds import DEFAULTS, Delivery, Kind
from .models import KindChoice, Preferences

UNKNOWN_ZONE = "That isn't a time zone we know. Choose one from the list."
SAME_QUIET_TIMES = (
    "Quiet hours need to start and end at different times. To hear nothing at all, turn each kind of news off instead."
)
HALF_QUIET = "Give quiet hours both a start and an end, or leave both empty."


@cache
def time_zones() -> tuple[str, ...]:
    """Every IANA zone this machine knows, sorted: what the settings page offers."""
    return tuple(sorted(available_timezones()))


def _locked_preferences(user: User) -> Preferences:
    Preferences.objects.get_or_create(user=user)
    return Preferences.objects.select_for_update().get(user=user)


@transaction.atomic
def save_preferences(
    *,
    user: User,
    deliveries: Mapping[Kind, Delivery],
    time_zone: str,
    digest_hour: int,
    quiet_from: time | None,
    quiet_until: time | None,
    include_titles: bool,
) -> Preferences:
    """Keeps the person's choices; a kind left at its default stores nothing, so that a
    better default later reaches everyone who never chose otherwise."""
    if time_zone not in time_zones():
        raise RuleError(UNKNOWN_ZONE)
    if (quiet_from is None) != (quiet_until is None):
        raise RuleError(HALF_QUIET)
    if quiet_from is not None and quiet_from == quiet_until:
        raise RuleError(SAME_QUIET_TIMES)
    if not 0 <= digest_hour <= 23:
        raise RuleError("Choose an hour of the day for the digest.")
    preferences = _locked_preferences(user)
    preferences.time_zone = time_zone
    preferences.digest_hour = digest_hour
    preferences.quiet_from = quiet_from
    preferences.quiet_until = quiet_until
    preferences.include_titles = include_titles
    preferences.save()
    KindChoice.objects.filter(user=user).delete()
    KindChoice.objects.bulk_create(
        KindChoice(user=user, kind=kind, delivery=delivery)
        for kind, delivery in sorted(deliveries.items())
        if delivery != DEFAULTS[kind]
    )
    # What waits is sent by the new choices: a notice moved from the digest to "at once" goes
    # at the next tick, not at the old digest hour.
    services.reschedule(user=user)
    return preferences


@transaction.atomic
def choose_delivery(*, user: User, kind: Kind, delivery: Delivery) -> None:
    """One kind, as one-click unsubscribe changes it: the person's other choices stay."""
    _locked_preferences(user)  # one writer of a person's choices at a time
    if delivery == DEFAULTS[kind]:
        KindChoice.objects.filter(user=user, kind=kind).delete()
    else:
        KindChoice.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
