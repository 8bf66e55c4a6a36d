"""When a notice may go: pure functions of aware datetimes and a person's clock.

Everything is read on the person's own clocks (their time zone, "" meaning UTC), so quiet
hours and the digest's hour keep their local meaning across midnight and over the nights the
clocks change. A local time the clocks skip (spring forward) is taken as the moment they jump.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .kinds import Delivery

# At most one at-once mail per person in this long: what comes meanwhile waits and goes together.
CAP = timedelta(hours=1)
UTC_ZONE = ZoneInfo("UTC")


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone of that name; UTC for "" (not chosen yet) or a name that is not one."""
    try:
        return ZoneInfo(name) if name else UTC_ZONE
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE


@dataclass(frozen=True)
class Clock:
    """A person's time as they chose it: their zone, the digest's hour, their quiet hours."""

    zone: ZoneInfo = UTC_ZONE
    digest_hour: int = 8
    quiet_from: time | None = None
    quiet_until: time | None = None

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_from is not None and self.quiet_until is not None and self.quiet_from != self.quiet_until


def _reads(at: datetime, zone: ZoneInfo) -> datetime:
    """What the clocks of `zone` read at the instant `at`, as a naive datetime."""
    return at.astimezone(zone).replace(tzinfo=None)


def wall(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The first instant when the clocks of `zone` read `at` (or later) on `day`, in UTC: the
    earlier one when the clocks go back, the moment they jump when they skip it."""
    wanted = datetime.combine(day, at.replace(tzinfo=None))
    instant = wanted.replace(tzinfo=zone).astimezone(UTC)
    if _reads(instant, zone) == wanted:
        return instant
    # Skipped: the jump lies between the time read with the offset after it and the one before.
    low = int(wanted.replace(tzinfo=zone, fold=1).timestamp())
    high = int(instant.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _reads(datetime.fromtimestamp(middle, UTC), zone) >= wanted:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def is_quiet(at: datetime, clock: Clock) -> bool:
    """Whether `at` falls in the person's quiet hours (which may run across midnight)."""
    if not clock.has_quiet_hours:
        return False
    assert clock.quiet_from is not None
    assert clock.quiet_until is not None
    now = _reads(at, clock.zone).time()
    start, end = clock.quiet_from.replace(tzinfo=None), clock.quiet_until.replace(tzinfo=None)
    if start < end:
        return start <= now < end
    return now >= start or now < end


def after_quiet(at: datetime, clock: Clock) -> datetime:
    """`at` itself, or the end of the quiet hours it falls in."""
    if not is_quiet(at, clock):
        return at
    assert clock.quiet_until is not None
    end = clock.quiet_until.replace(tzinfo=None)
    local = _reads(at, clock.zone)
    # In the evening part of quiet hours that run across midnight, they end tomorrow.
    day = local.date() + timedelta(days=1) if local.time() >= end else local.date()
    return wall(day, end, clock.zone)


def next_digest(now: datetime, clock: Clock) -> datetime:
    """The next time (from `now` on) the clocks read the digest's hour; the end of the quiet
    hours when that hour falls in them."""
    today = _reads(now, clock.zone).date()
    hour = time(clock.digest_hour)
    at = wall(today, hour, clock.zone)
    if at < now:
        at = wall(today + timedelta(days=1), hour, clock.zone)
    return after_quiet(at, clock)


def due(
    delivery: Delivery, *, created_at: datetime, now: datetime, clock: Clock, last_at_once: datetime | None
) -> datetime:
    """When a notice recorded at `created_at` may go, seen at `now`.

    At once: now, or an hour after the person's last at-once mail; a digest: its next hour
    after the notice was recorded. Never in quiet hours. The same rule decides when a notice
    is recorded (`created_at` is `now`) and again when it is about to go, with the person's
    choices as they are then.
    """
    if delivery == Delivery.DIGEST:
        earliest = next_digest(created_at, clock)
    else:
        earliest = last_at_once + CAP if last_at_once is not None else now
    return after_quiet(max(earliest, now), clock)
