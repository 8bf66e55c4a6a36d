"""When a notice may go, as pure functions of aware datetimes: quiet hours (also across midnight
and over the nights the clocks change), the digest's hour, and one at-once mail an hour."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from notifications.kinds import Delivery
from notifications.schedule import CAP, Clock, after_quiet, due, is_quiet, next_digest, wall, zone_named

PARIS = ZoneInfo("Europe/Paris")
LONDON = ZoneInfo("Europe/London")
NIGHTS = Clock(quiet_from=time(22), quiet_until=time(7))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_without_quiet_hours_no_moment_is_quiet() -> None:
    assert not is_quiet(utc(2026, 6, 1, 3), Clock())
    assert after_quiet(utc(2026, 6, 1, 3), Clock()) == utc(2026, 6, 1, 3)


def test_quiet_hours_across_midnight_hold_late_evening_and_early_morning_until_their_end() -> None:
    clock = NIGHTS
    assert is_quiet(utc(2026, 6, 1, 22), clock)
    assert is_quiet(utc(2026, 6, 1, 23, 30), clock)
    assert is_quiet(utc(2026, 6, 2, 3), clock)
    assert not is_quiet(utc(2026, 6, 2, 7), clock)
    assert not is_quiet(utc(2026, 6, 1, 21, 59), clock)
    assert after_quiet(utc(2026, 6, 1, 23, 30), clock) == utc(2026, 6, 2, 7)
    assert after_quiet(utc(2026, 6, 2, 3), clock) == utc(2026, 6, 2, 7)


def test_quiet_hours_within_a_day_end_the_same_day() -> None:
    clock = Clock(quiet_from=time(13), quiet_until=time(15))
    assert not is_quiet(utc(2026, 6, 1, 12, 59), clock)
    assert after_quiet(utc(2026, 6, 1, 14), clock) == utc(2026, 6, 1, 15)
    assert not is_quiet(utc(2026, 6, 1, 15), clock)


def test_quiet_hours_are_read_on_the_person_s_own_clocks() -> None:
    clock = replace(NIGHTS, zone=PARIS)
    # 21:30 UTC in June is 23:30 in Paris: quiet there, until 07:00 Paris time (05:00 UTC).
    assert is_quiet(utc(2026, 6, 1, 21, 30), clock)
    assert after_quiet(utc(2026, 6, 1, 21, 30), clock) == utc(2026, 6, 2, 5)


def test_quiet_hours_end_at_seven_on_the_clocks_the_night_paris_springs_forward() -> None:
    # Saturday 28 March 2026, 23:00 in Paris (UTC+1); that night the clocks go to UTC+2.
    clock = replace(NIGHTS, zone=PARIS)
    ends = after_quiet(utc(2026, 3, 28, 22), clock)
    assert ends == utc(2026, 3, 29, 5)  # 07:00 CEST, not 06:00 UTC (which would read 08:00)
    assert ends.astimezone(PARIS).time() == time(7)


def test_quiet_hours_end_at_seven_on_the_clocks_the_night_london_falls_back() -> None:
    # Saturday 24 October 2026, 23:30 in London (BST, UTC+1); that night the clocks go back to GMT.
    clock = Clock(zone=LONDON, quiet_from=time(23), quiet_until=time(7))
    ends = after_quiet(utc(2026, 10, 24, 22, 30), clock)
    assert ends == utc(2026, 10, 25, 7)
    assert ends.astimezone(LONDON).time() == time(7)
    # The repeated hour (01:00-02:00 happens twice) is quiet both times.
    assert is_quiet(utc(2026, 10, 25, 0, 30), clock)
    assert is_quiet(utc(2026, 10, 25, 1, 30), clock)


def test_a_quiet_end_the_clocks_skip_is_the_moment_they_jump() -> None:
    # In London on 29 March 2026 the clocks jump from 01:00 to 02:00: 01:30 never happens.
    clock = Clock(zone=LONDON, quiet_from=time(0), quiet_until=time(1, 30))
    assert is_quiet(utc(2026, 3, 29, 0, 30), clock)
    assert after_quiet(utc(2026, 3, 29, 0, 30), clock) == utc(2026, 3, 29, 1)
    assert wall(date(2026, 3, 29), time(1, 30), LONDON).astimezone(LONDON).time() == time(2)


def test_the_digest_comes_at_the_next_time_the_person_s_clocks_read_its_hour() -> None:
    clock = Clock(zone=PARIS, digest_hour=8)
    # 05:00 UTC is 07:00 in Paris in June: today at 08:00 there (06:00 UTC).
    assert next_digest(utc(2026, 6, 1, 5), clock) == utc(2026, 6, 1, 6)
    # 09:00 UTC is 11:00 there: tomorrow.
    assert next_digest(utc(2026, 6, 1, 9), clock) == utc(2026, 6, 2, 6)
    assert next_digest(utc(2026, 6, 1, 6), clock) == utc(2026, 6, 1, 6)


def test_the_digest_keeps_its_local_hour_over_a_daylight_saving_change() -> None:
    clock = Clock(zone=LONDON, digest_hour=8)
    assert next_digest(utc(2026, 3, 28, 12), clock) == utc(2026, 3, 29, 7)  # 08:00 BST
    assert next_digest(utc(2026, 10, 24, 12), clock) == utc(2026, 10, 25, 8)  # 08:00 GMT


def test_a_digest_hour_inside_quiet_hours_waits_for_their_end() -> None:
    clock = replace(NIGHTS, digest_hour=6)
    assert next_digest(utc(2026, 6, 1, 12), clock) == utc(2026, 6, 2, 7)


def test_at_once_goes_now_or_an_hour_after_the_last_at_once_mail() -> None:
    now = utc(2026, 6, 1, 12)
    assert due(Delivery.AT_ONCE, created_at=now, now=now, clock=Clock(), last_at_once=None) == now
    last = now - timedelta(minutes=20)
    assert due(Delivery.AT_ONCE, created_at=now, now=now, clock=Clock(), last_at_once=last) == last + CAP
    long_ago = now - timedelta(hours=3)
    assert due(Delivery.AT_ONCE, created_at=now, now=now, clock=Clock(), last_at_once=long_ago) == now


def test_at_once_in_quiet_hours_waits_for_their_end() -> None:
    now = utc(2026, 6, 1, 23)
    assert due(Delivery.AT_ONCE, created_at=now, now=now, clock=NIGHTS, last_at_once=None) == utc(2026, 6, 2, 7)


def test_a_digest_notice_recorded_before_the_hour_goes_even_when_the_tick_comes_late() -> None:
    clock = Clock(digest_hour=8)
    recorded = utc(2026, 6, 1, 7, 55)
    assert due(Delivery.DIGEST, created_at=recorded, now=recorded, clock=clock, last_at_once=None) == utc(2026, 6, 1, 8)
    late = utc(2026, 6, 1, 8, 3)
    assert due(Delivery.DIGEST, created_at=recorded, now=late, clock=clock, last_at_once=None) == late
    after = utc(2026, 6, 1, 8, 5)
    assert due(Delivery.DIGEST, created_at=after, now=after, clock=clock, last_at_once=None) == utc(2026, 6, 2, 8)


def test_an_empty_or_unknown_time_zone_is_utc() -> None:
    assert zone_named("") == ZoneInfo("UTC")
    assert zone_named("Mars/Olympus_Mons") == ZoneInfo("UTC")
    assert zone_named("../../etc/passwd") == ZoneInfo("UTC")
    assert zone_named("Europe/Paris") == PARIS
