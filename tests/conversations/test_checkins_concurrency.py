"""With real threads on PostgreSQL: two people acting on the same check-in at once. One wins, the
other is told; nothing lands on a check-in after it is held, nothing is doubled."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from conversations.models import Action, CheckIn, Topic
from conversations.services import checkins as services
from relationships.models import Membership
from relationships.services import RuleError
from tests.values.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL row locks and real concurrent connections: run with DATABASE_URL=postgres://...",
    ),
]


def _sunday(ana: Membership) -> CheckIn:
    day = timezone.now().date() + timedelta(days=3)
    return services.plan_checkin(by=ana, title="Sunday", day=day, at=time(19), time_zone="Europe/Paris")


def test_two_people_marking_it_held_at_once_hold_it_once(ana: Membership, ben: Membership) -> None:
    checkin = _sunday(ana)
    results = race(
        lambda: services.hold_checkin(member=ana, checkin=checkin),
        lambda: services.hold_checkin(member=ben, checkin=checkin),
    )
    held = [r for r in results if isinstance(r, CheckIn)]
    refused = [r for r in results if isinstance(r, RuleError)]
    assert (len(held), len(refused)) == (1, 1), results
    assert CheckIn.objects.get().held_by == held[0].held_by


def test_a_topic_added_as_it_is_held_lands_before_or_is_refused(ana: Membership, ben: Membership) -> None:
    checkin = _sunday(ana)
    results = race(
        lambda: services.hold_checkin(member=ana, checkin=checkin),
        lambda: services.add_topic(member=ben, checkin=checkin, title="Just in time?"),
    )
    held = CheckIn.objects.get()
    assert held.held_at is not None
    topic = Topic.objects.first()
    if topic is None:
        assert isinstance(results[1], RuleError), results
    else:
        assert topic.created_at <= held.held_at


def test_a_double_submitted_topic_or_action_is_kept_once(ana: Membership, ben: Membership) -> None:
    checkin = _sunday(ana)
    topics = race(*[lambda: services.add_topic(member=ben, checkin=checkin, title="Money")] * 2)
    actions = race(*[lambda: services.agree_action(member=ben, checkin=checkin, owner=ben, text="Call")] * 2)
    assert sorted(type(r).__name__ for r in topics) == ["Duplicate", "Topic"]
    assert sorted(type(r).__name__ for r in actions) == ["Action", "Duplicate"]
    assert (Topic.objects.count(), Action.objects.count()) == (1, 1)


def test_an_action_marked_done_twice_at_once_is_done_once(ana: Membership, ben: Membership) -> None:
    action = services.agree_action(member=ana, checkin=_sunday(ana), owner=ben, text="Call")
    results = race(*[lambda: services.finish_action(member=ben, action=action)] * 2)
    done = [r for r in results if isinstance(r, Action)]
    assert len(done) == 1, results
    assert Action.objects.get().done_at == done[0].done_at
