"""What the check-in selectors give home's dashboard and the pages: the right rows, in the right
order, for a fixed number of queries whatever the amount of data."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from conversations.models import Action, CheckIn, Choice, Reconnect, Topic, TopicNote
from conversations.selectors import checkins as selectors
from conversations.services import checkins as services
from relationships.models import Membership
from tests.factories import MembershipFactory
from tests.values.build import client


def _at(by: Membership, when: datetime, title: str = "Check-in", **kwargs: object) -> CheckIn:
    """A check-in at that instant, straight to the database (services refuse the past)."""
    return CheckIn.objects.create(polycule=by.polycule, created_by=by, title=title, scheduled_for=when, **kwargs)


# upcoming(membership, now)


def test_upcoming_is_from_12_hours_ago_to_14_days_ahead_soonest_first(
    ana: Membership, ben: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    now = timezone.now()
    _at(ana, now - timedelta(hours=13), "Too long ago")
    going = _at(ana, now - timedelta(hours=11), "Still going")
    later = _at(ana, now + timedelta(days=13, hours=23), "In two weeks")
    soon = _at(ana, now + timedelta(days=1), "Tomorrow")
    _at(ana, now + timedelta(days=15), "Too far")
    _at(ana, now + timedelta(hours=1), "Held already", held_at=now, held_by=ana)
    with django_assert_num_queries(1):
        found = selectors.upcoming(ben, now=now)
        assert [c.get_absolute_url() for c in found] == [c.get_absolute_url() for c in (going, soon, later)]
        assert [c.created_by.display_name for c in found] == ["Ana", "Ana", "Ana"]


def test_upcoming_shows_only_check_ins_the_member_can_see(ana: Membership, ben: Membership, cy: Membership) -> None:
    tomorrow = timezone.now() + timedelta(days=1)
    private = services.start_checkin(
        by=ana, title="Us", time_zone="UTC", everyone=False, audience=[ben.public_id], now=tomorrow
    )
    everyone = _at(cy, tomorrow + timedelta(hours=1))
    assert selectors.upcoming(ben) == [private, everyone]
    assert selectors.upcoming(cy) == [everyone]
    assert selectors.upcoming(ana, now=tomorrow + timedelta(days=20)) == []


# my_actions(membership)


def test_my_actions_are_my_open_ones_due_first_with_their_checkin(
    ana: Membership, ben: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    checkin = services.start_checkin(by=ana, title="Sunday", time_zone="UTC")
    today = timezone.now().date()

    def agree(text: str, owner: Membership = ben, due_on: date | None = None) -> Action:
        return services.agree_action(member=ana, checkin=checkin, owner=owner, text=text, due_on=due_on)

    undated = agree("Whenever")
    later = agree("Later", due_on=today + timedelta(days=9))
    sooner = agree("Sooner", due_on=today + timedelta(days=2))
    services.finish_action(member=ben, action=agree("Done already"))
    agree("Ana's", owner=ana)
    url = checkin.get_absolute_url()
    with django_assert_num_queries(1):
        mine = selectors.my_actions(ben)
        assert mine == [sooner, later, undated]
        assert [a.checkin.get_absolute_url() for a in mine] == [url] * 3


def test_my_actions_leave_out_other_polycules(ana: Membership, zed: Membership) -> None:
    theirs = services.start_checkin(by=zed, title="Theirs", time_zone="UTC")
    services.agree_action(member=zed, checkin=theirs, owner=zed, text="Zed's")
    assert selectors.my_actions(ana) == []
    assert [a.text for a in selectors.my_actions(zed)] == ["Zed's"]


# The default time zone


def test_a_new_checkin_defaults_to_the_zone_of_the_last_one_the_member_can_see(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    assert selectors.default_time_zone(cy) == "Europe/London"
    services.start_checkin(by=ana, title="Paris", time_zone="Europe/Paris")
    services.start_checkin(by=ana, title="Tokyo", time_zone="Asia/Tokyo", everyone=False, audience=[ben.public_id])
    assert selectors.default_time_zone(ben) == "Asia/Tokyo"
    assert selectors.default_time_zone(cy) == "Europe/Paris"


# Pages cost the same whatever they show


def _grow(ana: Membership, checkin: CheckIn, count: int) -> None:
    """Topics with notes, actions carried from earlier check-ins, reconnect lines and choices."""
    people = [MembershipFactory.create(polycule=ana.polycule) for _ in range(3)]
    earlier = _at(ana, checkin.scheduled_for - timedelta(days=7), held_at=timezone.now(), held_by=ana)
    topics = Topic.objects.bulk_create(Topic(checkin=checkin, added_by=ana, title=f"T{n}") for n in range(count))
    TopicNote.objects.bulk_create(TopicNote(topic=t, author=p, text="n") for t in topics for p in people)
    Action.objects.bulk_create(
        Action(checkin=c, owner=p, created_by=ana, text=f"A{n}")
        for n in range(count)
        for c in (checkin, earlier)
        for p in people
    )
    Reconnect.objects.bulk_create(Reconnect(checkin=checkin, member=p, text="ok") for p in people)
    Choice.objects.bulk_create(Choice(polycule=ana.polycule, author=p, text="c") for p in people for _ in range(count))
    for n in range(count):
        _at(ana, checkin.scheduled_for + timedelta(days=n + 1), f"Coming {n}")
        _at(ana, checkin.scheduled_for - timedelta(days=n + 30), f"Past {n}", held_at=timezone.now(), held_by=ana)


def _queries(who: Membership, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client(who).get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["checkin_detail", "checkin_list", "checkin_create"])
def test_no_checkin_page_does_more_queries_with_more_data(ana: Membership, ben: Membership, page: str) -> None:
    checkin = services.plan_checkin(
        by=ana, title="Sunday", day=timezone.now().date() + timedelta(days=3), at=time(19), time_zone="Europe/Paris"
    )
    ids = {"checkin_id": checkin.public_id} if page == "checkin_detail" else {}
    url = reverse(f"conversations:{page}", kwargs={"polycule_id": ana.polycule.public_id, **ids})
    _grow(ana, checkin, 2)
    _queries(ben, url)  # signing in costs its own queries, once
    small = _queries(ben, url)
    _grow(ana, checkin, 30)
    assert _queries(ben, url) == small
