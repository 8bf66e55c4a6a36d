"""Check-ins as the services run them: who they are for, what is carried from one to the next,
what closes once one is held, and time zones kept as the people who planned them meant."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conversations.models import Action, CheckIn, CheckInAudience, Reconnect, Topic, TopicNote
from conversations.selectors import checkins as selectors
from conversations.services import checkins as services
from relationships.acting import Departed
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError

# A Sunday in winter: the check-ins below are planned from here.
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def plan(by: Membership, day: date = date(2026, 3, 14), at: time = time(19, 0), **kwargs: Any) -> CheckIn:
    options = {"title": "Check-in", "time_zone": "Europe/Paris", "now": NOW, **kwargs}
    return services.plan_checkin(by=by, day=day, at=at, **options)


def just_us(ana: Membership, ben: Membership, **kwargs: Any) -> CheckIn:
    return plan(ana, everyone=False, audience=[ben.public_id], **kwargs)


def carried(me: Membership, checkin: CheckIn) -> list[str]:
    return [row.action.text for row in selectors.review(me, checkin).carried]


# Who a check-in is for


def test_a_checkin_for_ana_and_ben_is_invisible_to_cy(ana: Membership, ben: Membership, cy: Membership) -> None:
    checkin = just_us(ana, ben)
    assert checkin.audience() == [ana, ben]
    assert list(CheckIn.objects.visible_to(ben)) == [checkin]
    assert list(CheckIn.objects.visible_to(cy)) == []
    assert selectors.visible_checkin(cy, checkin.public_id) is None
    assert selectors.upcoming(cy, now=NOW + timedelta(days=10)) == []
    with pytest.raises(NotAllowed):
        services.add_topic(member=cy, checkin=checkin, title="Let me in")
    assert not Topic.objects.exists()


def test_given_by_its_id_a_checkin_is_held_only_by_those_it_is_for(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    checkin = just_us(ana, ben)
    with pytest.raises(CheckIn.DoesNotExist):
        services.hold_checkin(member=cy, checkin=checkin.public_id)
    assert CheckIn.objects.get(pk=checkin.pk).held_at is None
    # Ben finds it by its id, and holds it: it comes back as its page reads it.
    held = services.hold_checkin(member=ben, checkin=checkin.public_id)
    assert (held.pk, held.held_by) == (checkin.pk, ben)
    assert CheckIn.objects.get(pk=checkin.pk).held_at == held.held_at


def test_a_checkin_for_everyone_is_for_every_member_still_in_the_polycule(
    ana: Membership, ben: Membership, cy: Membership, dee: Membership
) -> None:
    checkin = plan(ana)
    assert checkin.audience() == [ana, ben, cy]
    with pytest.raises(Departed):
        services.add_topic(member=dee, checkin=checkin, title="I left")


def test_only_members_of_the_polycule_can_be_chosen(ana: Membership, ben: Membership, zed: Membership) -> None:
    with pytest.raises(services.Invalid):
        plan(ana, everyone=False, audience=[ben.public_id, zed.public_id])
    with pytest.raises(services.Invalid):
        plan(ana, everyone=False, audience=[])
    assert not CheckIn.objects.exists()
    assert not CheckInAudience.objects.exists()


def test_a_checkin_started_now_is_scheduled_now_in_the_zone_chosen(ana: Membership) -> None:
    checkin = services.start_checkin(by=ana, title="Right now", time_zone="America/New_York")
    assert abs(checkin.scheduled_for - timezone.now()) < timedelta(seconds=5)
    assert checkin.time_zone == "America/New_York"


def test_planning_the_same_checkin_twice_keeps_one(ana: Membership) -> None:
    plan(ana, title="Sunday talk")
    with pytest.raises(services.Duplicate):
        plan(ana, title="sunday talk ", at=time(19, 10))
    plan(ana, title="Sunday talk", day=date(2026, 3, 21))
    assert CheckIn.objects.count() == 2


# Time zones


def test_19_00_in_paris_is_stored_as_the_utc_instant_of_that_evening_and_shown_back_as_19_00(
    ana: Membership,
) -> None:
    checkin = plan(ana, day=date(2026, 3, 14), at=time(19, 0))
    stored = CheckIn.objects.get(pk=checkin.pk)
    assert stored.scheduled_for == datetime(2026, 3, 14, 18, 0, tzinfo=UTC)  # winter: UTC+1
    assert stored.time_zone == "Europe/Paris"
    shown = selectors.when(stored)
    assert shown.local == "Saturday 14 March 2026, 19:00"
    assert shown.iso == "2026-03-14T19:00:00+01:00"


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 3, 28), 18),  # the last evening of winter time, UTC+1
        (date(2026, 3, 29), 17),  # the clocks went forward that night: UTC+2
        (date(2026, 10, 24), 17),  # the last evening of summer time
        (date(2026, 10, 25), 18),  # back to UTC+1
    ],
)
def test_19_00_in_paris_stays_19_00_across_a_daylight_saving_change(ana: Membership, day: date, utc_hour: int) -> None:
    checkin = plan(ana, day=day, at=time(19, 0))
    stored = CheckIn.objects.get(pk=checkin.pk)
    assert stored.scheduled_for == datetime(day.year, day.month, day.day, utc_hour, 0, tzinfo=UTC)
    assert selectors.when(stored).local.endswith(", 19:00")


def test_the_same_wall_time_in_two_zones_is_two_instants(ana: Membership) -> None:
    paris = plan(ana, title="Paris", at=time(19, 0))
    new_york = plan(ana, title="New York", at=time(19, 0), time_zone="America/New_York")
    assert new_york.scheduled_for - paris.scheduled_for == timedelta(hours=5)
    assert selectors.when(new_york).local == selectors.when(paris).local == "Saturday 14 March 2026, 19:00"


def test_a_time_the_clocks_skip_is_refused_not_guessed(ana: Membership) -> None:
    with pytest.raises(services.BadTime) as refused:
        plan(ana, day=date(2026, 3, 29), at=time(2, 30))
    assert refused.value.field == "time"
    assert "clocks go forward" in refused.value.message
    assert not CheckIn.objects.exists()


def test_a_time_the_clocks_pass_twice_is_the_first_of_the_two(ana: Membership) -> None:
    checkin = plan(ana, day=date(2026, 10, 25), at=time(2, 30))
    assert checkin.scheduled_for == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # still summer time, UTC+2


def test_a_day_already_past_where_it_is_planned_is_refused(ana: Membership) -> None:
    # At NOW it is already 2 March on Kiritimati (UTC+14), still 1 March in Paris.
    plan(ana, day=date(2026, 3, 1), at=time(20, 0))
    with pytest.raises(services.BadTime):
        plan(ana, day=date(2026, 3, 1), at=time(20, 0), time_zone="Pacific/Kiritimati")
    with pytest.raises(services.BadTime):
        plan(ana, day=date(2001, 1, 1))
    with pytest.raises(services.BadTime):
        plan(ana, day=date(1, 1, 1), time_zone="Pacific/Kiritimati")
    assert CheckIn.objects.count() == 1


def test_a_day_more_than_two_years_ahead_is_refused_even_at_the_end_of_time(ana: Membership) -> None:
    with pytest.raises(services.BadTime):
        plan(ana, day=date(9999, 12, 31), at=time(23, 59), time_zone="Pacific/Pago_Pago")
    with pytest.raises(services.BadTime):
        plan(ana, day=date(2028, 6, 1))
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", "Europe/Paris\x00"])
def test_a_time_zone_that_does_not_exist_is_refused(ana: Membership, zone: str) -> None:
    with pytest.raises(services.Invalid):
        plan(ana, time_zone=zone)
    with pytest.raises(services.Invalid):
        services.start_checkin(by=ana, title="Now", time_zone=zone)
    assert not CheckIn.objects.exists()


# The agenda, the notes and the reconnect round


def test_anyone_it_is_for_adds_topics_and_notes_until_it_is_held(ana: Membership, ben: Membership) -> None:
    checkin = just_us(ana, ben)
    topic = services.add_topic(member=ben, checkin=checkin, title="  Holidays  ")
    assert (topic.title, topic.added_by) == ("Holidays", ben)
    note = services.add_note(member=ana, topic=topic, text="Two weeks in August")
    assert (note.author, note.topic) == (ana, topic)
    services.hold_checkin(member=ben, checkin=checkin)
    checkin.refresh_from_db()
    with pytest.raises(RuleError, match="has been held"):
        services.add_topic(member=ana, checkin=checkin, title="Too late")
    with pytest.raises(RuleError, match="has been held"):
        services.add_note(member=ana, topic=topic, text="Too late")
    with pytest.raises(RuleError, match="has been held"):
        services.agree_action(member=ana, checkin=checkin, owner=ana, text="Too late")
    with pytest.raises(RuleError, match="has been held"):
        services.reconnect(member=ana, checkin=checkin, text="Too late")
    assert Topic.objects.count() == 1
    assert TopicNote.objects.count() == 1
    assert not Action.objects.exists()
    assert not Reconnect.objects.exists()


def test_a_checkin_is_refused_additions_once_held_even_through_a_stale_copy(ana: Membership, ben: Membership) -> None:
    checkin = just_us(ana, ben)
    stale = CheckIn.objects.get(pk=checkin.pk)
    services.hold_checkin(member=ana, checkin=checkin)
    with pytest.raises(RuleError):
        services.add_topic(member=ben, checkin=stale, title="Sent from an old page")
    assert not Topic.objects.exists()


def test_the_same_topic_twice_is_on_the_agenda_once(ana: Membership, ben: Membership) -> None:
    checkin = plan(ana)
    services.add_topic(member=ana, checkin=checkin, title="Money")
    with pytest.raises(services.Duplicate):
        services.add_topic(member=ben, checkin=checkin, title="money")
    assert checkin.topics.count() == 1


def test_the_same_note_twice_is_kept_once(ana: Membership) -> None:
    topic = services.add_topic(member=ana, checkin=plan(ana), title="Money")
    services.add_note(member=ana, topic=topic, text="Split rent by income")
    with pytest.raises(services.Duplicate):
        services.add_note(member=ana, topic=topic, text="Split rent by income")
    assert topic.notes.count() == 1


def test_each_says_how_they_are_once_and_can_change_it(ana: Membership, ben: Membership) -> None:
    checkin = just_us(ana, ben)
    services.reconnect(member=ana, checkin=checkin, text="Tired, glad we talked")
    services.reconnect(member=ana, checkin=checkin, text="Glad we talked")
    services.reconnect(member=ben, checkin=checkin, text="Lighter")
    assert dict(Reconnect.objects.values_list("member__display_name", "text")) == {
        "Ana": "Glad we talked",
        "Ben": "Lighter",
    }
    with pytest.raises(services.Invalid):
        services.reconnect(member=ben, checkin=checkin, text="   ")


def test_a_checkin_is_marked_held_once(ana: Membership, ben: Membership, cy: Membership) -> None:
    checkin = just_us(ana, ben)
    with pytest.raises(NotAllowed):
        services.hold_checkin(member=cy, checkin=checkin)
    held = services.hold_checkin(member=ben, checkin=checkin)
    assert held.held_by == ben
    assert held.held_at is not None
    with pytest.raises(RuleError, match="already"):
        services.hold_checkin(member=ana, checkin=checkin)
    assert CheckIn.objects.get(pk=checkin.pk).held_by == ben


# Actions: owned by someone it is for, carried until done


def test_an_action_owner_must_be_among_the_people_the_checkin_is_for(
    ana: Membership, ben: Membership, cy: Membership, dee: Membership, zed: Membership
) -> None:
    checkin = just_us(ana, ben)
    for outside in (cy, dee, zed):
        with pytest.raises(services.Invalid, match="Choose someone this check-in is for"):
            services.agree_action(member=ana, checkin=checkin, owner=outside, text="Call the landlord")
    assert not Action.objects.exists()
    action = services.agree_action(member=ana, checkin=checkin, owner=ben, text="Call the landlord")
    assert (action.owner, action.created_by, action.done_at) == (ben, ana, None)


def test_an_action_due_date_is_today_or_later(ana: Membership) -> None:
    checkin = plan(ana)
    today = timezone.now().date()
    with pytest.raises(services.BadTime):
        services.agree_action(member=ana, checkin=checkin, owner=ana, text="a", due_on=today - timedelta(days=2))
    with pytest.raises(services.BadTime):
        services.agree_action(member=ana, checkin=checkin, owner=ana, text="b", due_on=date(9999, 1, 1))
    assert not Action.objects.exists()
    action = services.agree_action(member=ana, checkin=checkin, owner=ana, text="c", due_on=today + timedelta(days=3))
    assert action.due_on == today + timedelta(days=3)


def test_the_same_open_action_twice_is_kept_once(ana: Membership, ben: Membership) -> None:
    checkin = plan(ana)
    services.agree_action(member=ana, checkin=checkin, owner=ben, text="Book the cabin")
    with pytest.raises(services.Duplicate):
        services.agree_action(member=ben, checkin=checkin, owner=ben, text="Book the cabin")
    assert Action.objects.count() == 1


def test_an_action_is_carried_to_every_later_checkin_until_its_owner_marks_it_done(
    ana: Membership, ben: Membership
) -> None:
    first = plan(ana, day=date(2026, 3, 7))
    second = plan(ana, day=date(2026, 3, 14))
    third = plan(ana, day=date(2026, 3, 21))
    action = services.agree_action(member=ana, checkin=first, owner=ben, text="Book the cabin")
    services.hold_checkin(member=ana, checkin=first)
    assert carried(ana, first) == []  # not carried to its own check-in
    assert carried(ana, second) == carried(ben, third) == ["Book the cabin"]
    assert [row.action for row in selectors.actions(ana, first)] == [action]
    services.finish_action(member=ben, action=action)
    assert carried(ana, second) == carried(ana, third) == []


def test_an_action_is_not_carried_back_to_an_earlier_checkin(ana: Membership) -> None:
    earlier = plan(ana, day=date(2026, 3, 7))
    later = plan(ana, day=date(2026, 3, 14))
    services.agree_action(member=ana, checkin=later, owner=ana, text="Later's")
    assert carried(ana, earlier) == []


def test_a_held_checkin_keeps_the_open_actions_it_opened_with(ana: Membership, ben: Membership) -> None:
    first = plan(ana, day=date(2026, 3, 7))
    second = plan(ana, day=date(2026, 3, 14))
    action = services.agree_action(member=ana, checkin=first, owner=ben, text="Book the cabin")
    second = services.hold_checkin(member=ana, checkin=second)
    services.finish_action(member=ben, action=action)
    # Read back later, the held one still shows what it opened with, now marked done.
    rows = selectors.review(ana, second).carried
    assert [(row.action.text, row.action.done_at is not None) for row in rows] == [("Book the cabin", True)]
    third = plan(ana, day=date(2026, 3, 21))
    assert carried(ana, third) == []


def test_actions_agreed_after_a_checkin_was_held_are_not_part_of_it(ana: Membership) -> None:
    first = plan(ana, day=date(2026, 3, 7))
    second = services.hold_checkin(member=ana, checkin=plan(ana, day=date(2026, 3, 14)))
    services.agree_action(member=ana, checkin=first, owner=ana, text="Added afterwards")
    assert carried(ana, second) == []


def test_a_private_checkins_actions_are_carried_only_for_the_people_it_was_for(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    private = just_us(ana, ben, day=date(2026, 3, 7))
    everyone = plan(ana, day=date(2026, 3, 14))
    services.agree_action(member=ana, checkin=private, owner=ana, text="Just between us")
    assert carried(ben, everyone) == ["Just between us"]
    assert carried(cy, everyone) == []


def test_an_action_is_only_its_owners_to_mark_done_and_only_once(ana: Membership, ben: Membership) -> None:
    action = services.agree_action(member=ana, checkin=just_us(ana, ben), owner=ben, text="Call the landlord")
    with pytest.raises(NotAllowed, match="Ben's to mark done"):
        services.finish_action(member=ana, action=action)
    assert Action.objects.get().done_at is None
    done = services.finish_action(member=ben, action=action)
    assert done.done_at is not None
    with pytest.raises(RuleError, match="already marked done"):
        services.finish_action(member=ben, action=action)
    assert Action.objects.get().done_at == done.done_at


def test_open_actions_move_on_after_the_checkin_is_held(ana: Membership, ben: Membership) -> None:
    checkin = just_us(ana, ben)
    action = services.agree_action(member=ana, checkin=checkin, owner=ben, text="Call the landlord")
    services.hold_checkin(member=ana, checkin=checkin)
    # Held, the check-in closes to additions, not its actions: they go on until done.
    assert services.finish_action(member=ben, action=action).done_at is not None
