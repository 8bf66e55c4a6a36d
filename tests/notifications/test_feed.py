"""The calendar feed as its services make it: a token kept only as a hash, what each member's
calendar holds, stable UIDs, sequences that grow with each change, and titles only by choice."""

import hashlib
import re
from datetime import date, datetime, timedelta

import icalendar
import pytest
from django.utils import timezone

from conversations.services import checkins
from notifications import feeds
from notifications.models import CalendarFeed, Preferences
from relationships.acting import Departed
from relationships.models import Membership
from relationships.services import RuleError, leave_polycule
from values import services as values
from values.models import Version

from ..values.build import boundary, old_boundary
from .build import action, checkin, fetch, parsed, token_for

CANARY = "CALENDAR-CANARY"


def summaries(events: dict[str, icalendar.Event]) -> set[str]:
    return {e.summary or "" for e in events.values()}


# The address


def test_only_a_hash_of_the_token_is_kept(ben: Membership) -> None:
    feed, token = feeds.make_feed(membership=ben)
    assert len(token) >= 43, "at least 256 bits"
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = CalendarFeed.objects.values_list("token_hash", "membership_id", "full_titles", "created_at").get()
    assert token not in str(stored)
    assert feeds.find_feed(token) == feed


def test_a_new_address_stops_the_old_one_and_keeps_the_choice_of_titles(ben: Membership) -> None:
    old = token_for(ben)
    feeds.choose_titles(membership=ben, full_titles=True)
    feed, new = feeds.make_feed(membership=ben)
    assert new != old
    assert feeds.find_feed(old) is None
    assert feeds.find_feed(new) == feed
    assert feed.full_titles
    assert CalendarFeed.objects.count() == 1


def test_a_stopped_address_opens_nothing(ben: Membership) -> None:
    token = token_for(ben)
    assert feeds.stop_feed(membership=ben) is True
    assert feeds.find_feed(token) is None
    assert feeds.stop_feed(membership=ben) is False


def test_leaving_the_polycule_ends_the_address(ana: Membership, ben: Membership) -> None:
    token = token_for(ben)
    leave_polycule(membership=ben)
    assert feeds.find_feed(token) is None


def test_a_deactivated_account_s_address_opens_nothing(ben: Membership) -> None:
    token = token_for(ben)
    ben.user.is_active = False
    ben.user.save()
    assert feeds.find_feed(token) is None


def test_wrong_tokens_open_nothing(ben: Membership) -> None:
    token = token_for(ben)
    for wrong in ("", "x", token[:-1], token + "x", token.upper(), token * 4, feeds.hash_token(token)):
        assert feeds.find_feed(wrong) is None, wrong


def test_someone_who_left_cannot_make_an_address(ana: Membership, dee: Membership) -> None:
    with pytest.raises(Departed):
        feeds.make_feed(membership=dee)
    assert not CalendarFeed.objects.exists()


def test_titles_need_an_address_first(ben: Membership) -> None:
    with pytest.raises(RuleError, match="no calendar address"):
        feeds.choose_titles(membership=ben, full_titles=True)


# What a calendar holds


def test_a_calendar_holds_check_ins_my_actions_and_reviews_with_minimal_titles(
    ana: Membership, ben: Membership
) -> None:
    talk = checkin(ana, title=f"Sunday {CANARY}")
    mine = action(talk, ben, text=f"Book the cottage {CANARY}")
    item = boundary(ana, title=f"Sleepovers {CANARY}", review_every_days=30)
    response_events = fetch(token_for(ben))
    assert set(response_events) == {
        f"checkin-{talk.public_id}@trellis",
        f"action-{mine.public_id}@trellis",
        f"review-{item.public_id}@trellis",
    }
    assert summaries(response_events) == {
        "Trellis check-in",
        "Trellis: an action of yours",
        "Trellis: something to look at together",
    }
    event = response_events[f"checkin-{talk.public_id}@trellis"]
    assert event.decoded("DTSTART") == talk.scheduled_for
    assert event.decoded("DURATION") == timedelta(hours=1)
    assert event.url.endswith(talk.get_absolute_url())
    due = response_events[f"action-{mine.public_id}@trellis"]
    assert mine.due_on is not None
    assert due.decoded("DTSTART") == mine.due_on
    assert due.decoded("DTEND") == mine.due_on + timedelta(days=1)


def test_nothing_but_kinds_of_things_is_said_by_default(ana: Membership, ben: Membership) -> None:
    talk = checkin(ana, title=f"Sunday {CANARY}")
    action(talk, ben, text=f"Book the cottage {CANARY}")
    boundary(ana, title=f"Sleepovers {CANARY}", review_every_days=30)
    feed = feeds.find_feed(token_for(ben))
    assert feed is not None
    content = feeds.calendar(feed).to_ical()
    assert CANARY.encode() not in content
    assert ana.polycule.name.encode() not in content


def test_full_titles_show_titles_and_never_more(ana: Membership, ben: Membership) -> None:
    talk = checkin(ana, title="Sunday check-in")
    action(talk, ben, text="Book the cottage")
    boundary(ana, title="Sleepovers", text=f"Tell me first {CANARY}", why=f"Blindsided {CANARY}", review_every_days=30)
    token = token_for(ben)
    feeds.choose_titles(membership=ben, full_titles=True)
    feed = feeds.find_feed(token)
    assert feed is not None
    content = feeds.calendar(feed).to_ical()
    assert summaries(parsed(content)) == {"Sunday check-in", "Book the cottage", "Sleepovers"}
    assert CANARY.encode() not in content


def test_someone_else_s_action_stays_off_my_calendar(ana: Membership, ben: Membership, cy: Membership) -> None:
    action(checkin(ana), ben)
    assert not [uid for uid in fetch(token_for(cy)) if uid.startswith("action-")]


def test_an_action_without_a_day_or_done_leaves_the_calendar(ana: Membership, ben: Membership) -> None:
    talk = checkin(ana)
    checkins.agree_action(member=ana, checkin=talk, owner=ben, text="Someday", due_on=None)
    done = action(talk, ben, text="Done soon")
    token = token_for(ben)
    assert f"action-{done.public_id}@trellis" in fetch(token)
    checkins.finish_action(member=ben, action=done)
    assert not [uid for uid in fetch(token) if uid.startswith("action-")]


def test_a_check_in_or_item_i_cannot_see_stays_off_my_calendar(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    private = checkin(ana, everyone=False, audience=[ben.public_id])
    hidden = boundary(ana, everyone=False, audience=[ben.public_id], review_every_days=30)
    assert f"checkin-{private.public_id}@trellis" in fetch(token_for(ben))
    assert f"review-{hidden.public_id}@trellis" in fetch(token_for(ben))
    assert fetch(token_for(cy)) == {}


def test_an_item_without_a_review_interval_or_retired_is_not_on_the_calendar(ana: Membership, ben: Membership) -> None:
    boundary(ana, title="No review")
    retired = boundary(ana, title="Retired", review_every_days=30)
    retired.retired_at = timezone.now()
    retired.save()
    assert fetch(token_for(ben)) == {}


def test_another_polycule_s_check_ins_stay_off_my_calendar(ben: Membership, zed: Membership) -> None:
    checkin(zed)
    assert fetch(token_for(ben)) == {}


def test_check_ins_held_long_ago_fall_off_the_calendar(ana: Membership, ben: Membership) -> None:
    talk = checkin(ana)
    talk.scheduled_for = timezone.now() - timedelta(days=400)
    talk.save()
    assert fetch(token_for(ben)) == {}


# Stable UIDs and growing sequences


def test_the_same_state_gives_the_same_calendar(ana: Membership, ben: Membership) -> None:
    action(checkin(ana), ben)
    old_boundary(ana, days=3, review_every_days=30)
    feed = feeds.find_feed(token_for(ben))
    assert feed is not None
    first = feeds.calendar(feed).to_ical()
    later = feeds.calendar(feed, now=timezone.now() + timedelta(hours=5)).to_ical()
    assert first == later


def test_a_review_moves_and_its_sequence_grows_with_each_reaffirmation_and_version(
    ana: Membership, ben: Membership
) -> None:
    item = old_boundary(ana, days=20, review_every_days=30)
    uid = f"review-{item.public_id}@trellis"
    token = token_for(ben)
    first = fetch(token)[uid]
    assert first.sequence == 0
    values.reaffirm(member=ben, item=item)
    reaffirmed = fetch(token)[uid]
    assert reaffirmed.sequence == 1
    assert reaffirmed.decoded("DTSTART") > first.decoded("DTSTART")
    assert reaffirmed.decoded("DTSTAMP") > first.decoded("DTSTAMP")
    version = Version.objects.get(item=item)
    values.revise_boundary(owner=ana, item=item, base_number=version.number, title="Old", text="New words", why="Y")
    revised = fetch(token)[uid]
    assert revised.sequence == 2
    assert set(fetch(token)) == {uid}, "the same event, moved: never a second one"


def test_check_ins_and_actions_keep_sequence_zero(ana: Membership, ben: Membership) -> None:
    action(checkin(ana), ben)
    assert {e.sequence for e in fetch(token_for(ben)).values()} == {0}


def test_a_review_falls_on_the_day_of_the_member_s_own_clocks(ana: Membership, ben: Membership) -> None:
    """UTC+14 and UTC-12 are 26 hours apart: the same instant is always on different days."""
    item = old_boundary(ana, days=3, review_every_days=30)
    uid = f"review-{item.public_id}@trellis"
    token = token_for(ben)
    Preferences.objects.create(user=ben.user, time_zone="Pacific/Kiritimati")
    east: date = fetch(token)[uid].decoded("DTSTART")
    Preferences.objects.filter(user=ben.user).update(time_zone="Etc/GMT+12")
    west: date = fetch(token)[uid].decoded("DTSTART")
    assert east > west


def test_times_are_in_utc_and_stamps_say_when_an_event_last_changed(ana: Membership, ben: Membership) -> None:
    talk = checkin(ana)
    feed = feeds.find_feed(token_for(ben))
    assert feed is not None
    content = feeds.calendar(feed).to_ical()
    assert re.search(rb"\r\nDTSTART:\d{8}T\d{6}Z\r\n", content), "UTC, so no VTIMEZONE is needed"
    assert b"VTIMEZONE" not in content
    event = parsed(content)[f"checkin-{talk.public_id}@trellis"]
    assert event.start == talk.scheduled_for
    stamp: datetime = event.DTSTAMP
    assert abs(stamp - talk.created_at) < timedelta(seconds=1)
