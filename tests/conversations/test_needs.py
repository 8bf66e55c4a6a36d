"""The dashboard's conversation lists, read in one query, agree with each list's own selector on
everything the dashboard shows of them, and showing it asks for nothing more."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from conversations.models import CheckIn, Feeling
from conversations.selectors import checkins, choices, discussions, rounds
from conversations.selectors.needs import count, needs
from conversations.services import checkins as checkin_services
from conversations.services import choices as choice_services
from conversations.services import discussions as talk
from conversations.services import rounds as round_services
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.conftest import QueryBudget
from tests.factories import MembershipFactory
from tests.matrix import build_world
from tests.values.build import boundary, client, current
from values import services as values
from values.models import Acknowledgment

TALK = Acknowledgment.Answer.TALK


def _old(m: Membership) -> dict[str, list[Any]]:
    """Each list as its own selector reads it."""
    return {
        "rounds_waiting": rounds.waiting(m),
        "rounds_revealed": rounds.revealed_unseen(m),
        "talk_requests": discussions.talk_requests(m),
        "choices": choices.unanswered(m),
        "answered": choices.newly_answered(m),
        "replies": choices.unread_replies(m),
        "actions": checkins.my_actions(m),
        "checkins": checkins.upcoming(m),
    }


def _new(m: Membership) -> dict[str, list[Any]]:
    n = needs(m)
    return {
        "rounds_waiting": n.rounds_waiting,
        "rounds_revealed": n.rounds_revealed,
        "talk_requests": n.talk_requests,
        "choices": n.choices,
        "answered": n.answered,
        "replies": n.replies,
        "actions": n.actions,
        "checkins": n.checkins,
    }


# What home/dashboard.html shows of each row of each list, in the order it shows them.
SHOWN: dict[str, Any] = {
    "rounds_waiting": lambda r: (r.pk, r.get_absolute_url(), r.prompt, r.asker.display_name, r.created_at),
    "rounds_revealed": lambda r: (r.pk, r.get_absolute_url(), r.prompt, r.revealed_at),
    "talk_requests": lambda t: (
        t.url,
        t.item.current_version.title,
        t.member.display_name,
        t.version.number,
        t.asked_at,
        t.note,
    ),
    "choices": lambda c: (c.pk, c.get_absolute_url(), c.text, c.author.display_name, c.created_at),
    "answered": lambda c: (c.pk, c.get_absolute_url(), c.text, c.created_at),
    "replies": lambda r: (
        r.pk,
        r.choice.get_absolute_url(),
        r.choice.text,
        r.choice.author.display_name,
        r.created_at,
    ),
    "actions": lambda a: (a.pk, a.checkin.get_absolute_url(), a.text, a.checkin.title, a.due_on),
    "checkins": lambda c: (c.pk, c.get_absolute_url(), c.title, c.scheduled_for),
}


def _fields(rows: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """What the dashboard shows of every row, so that a column read wrong shows."""
    return {name: [SHOWN[name](row) for row in found] for name, found in rows.items()}


def _agree(members: list[Membership]) -> dict[str, int]:
    """The number of rows of each list, over all the members."""
    seen: dict[str, int] = {}
    for m in members:
        old = _fields(_old(m))
        shown = _new(m)
        with CaptureQueriesContext(connection) as asked:
            new = _fields(shown)
        assert not asked.captured_queries, [q["sql"] for q in asked.captured_queries]
        assert new == old, m
        assert needs(m).count == count(m) == sum(len(v) for k, v in old.items() if k != "checkins")
        for name, rows in old.items():
            seen[name] = seen.get(name, 0) + len(rows)
    return seen


@pytest.fixture
def demo(db: None, settings: Settings) -> None:
    settings.DEBUG = True
    call_command("demo")


def test_one_query_reads_what_each_list_reads_in_the_demo(demo: None) -> None:
    assert sum(_agree(list(Membership.objects.all())).values()) > 0


def test_one_query_reads_what_each_list_reads_in_the_matrix_world(db: None) -> None:
    world = build_world()
    _agree([world.ana, world.ben, world.cy, world.dee, world.zed])


def test_needs_is_one_query_and_its_count_one_more(ana: Membership, django_assert_num_queries: QueryBudget) -> None:
    with django_assert_num_queries(1):
        needs(ana)
    with django_assert_num_queries(1):
        count(ana)


def test_one_query_reads_what_each_list_reads_in_a_varied_world(
    ana: Membership,
    ben: Membership,
    cy: Membership,
    dee: Membership,
    zed: Membership,
    django_assert_max_num_queries: QueryBudget,
) -> None:
    """Rounds waiting, answered, revealed, seen, ready with someone gone; talk asked, answered,
    muted; choices to all and to some, answered; actions due and not, done; check-ins near, far,
    held and private; another polycule alongside."""
    now = timezone.now()
    eve = MembershipFactory.create(polycule=ana.polycule, display_name="Eve")
    ids = [m.public_id for m in (ana, ben, cy, eve)]
    waiting = round_services.open_round(asker=ana, prompt="Waiting", participants=ids)
    round_services.answer(member=cy, round=waiting, text="Cy's")
    revealed = round_services.open_round(asker=ben, prompt="Revealed", participants=[ana.public_id])
    for m in (ana, ben):
        round_services.answer(member=m, round=revealed, text=m.display_name)
    round_services.mark_seen(member=ben, round=revealed)
    ready = round_services.open_round(
        asker=cy, prompt="Ready once Eve left", participants=[ana.public_id, eve.public_id]
    )
    round_services.answer(member=ana, round=ready, text="Ana's")
    round_services.answer(member=cy, round=ready, text="Cy's")
    mine = boundary(ben, "Ben's boundary")
    theirs = boundary(cy, "Cy's boundary")
    for who, note in ((ana, "Ana asks"), (cy, "Cy asks")):
        values.acknowledge(member=who, item=mine, version_number=1, answer=TALK, note=note)
    values.acknowledge(member=ana, item=theirs, version_number=1, answer=TALK, note="to Cy")
    talk.comment_about(author=cy, item=theirs, version=current(theirs), text="Answered")
    choice_services.share_choice(author=ana, text="To all")
    some = choice_services.share_choice(author=cy, text="To Ben", everyone=False, audience=[ben.public_id])
    choice_services.answer_choice(member=ben, choice=some, feeling=Feeling.SAFE)
    mine_to_all = choice_services.share_choice(author=ben, text="Ben's own")
    # Words back: Cy wrote twice to Ben (one row, the newest); Ben wrote to Ana, who read it,
    # and to Cy, who has not.
    for words in ("Thank you", "And again"):
        choice_services.write_back(author=cy, choice=some, to=ben.public_id, note=words)
    for m in (ana, cy):
        choice_services.answer_choice(member=m, choice=mine_to_all, feeling=Feeling.OKAY)
        choice_services.write_back(author=ben, choice=mine_to_all, to=m.public_id, note=f"To {m}")
    choice_services.mark_replies_seen(member=ana, choice=mine_to_all)
    # Ben has new answers to his; Cy read Ben's answer to hers; Ana's has none.
    choice_services.mark_answers_seen(member=cy, choice=some)
    held = checkin_services.start_checkin(by=ana, title="Now", time_zone="UTC")
    today = now.date()
    for owner, due in ((ben, None), (ben, today + timedelta(days=3)), (cy, today), (ana, None)):
        checkin_services.agree_action(member=ana, checkin=held, owner=owner, text=f"{owner} {due}", due_on=due)
    done = checkin_services.agree_action(member=ana, checkin=held, owner=ben, text="Done")
    checkin_services.finish_action(member=ben, action=done)
    private = checkin_services.start_checkin(
        by=cy, title="Cy and Ben", time_zone="UTC", everyone=False, audience=[ben.public_id]
    )
    checkin_services.agree_action(member=cy, checkin=private, owner=ben, text="Private one")
    for days, title in ((1, "Soon"), (20, "Far"), (-2, "Gone by")):
        CheckIn.objects.create(
            polycule=ana.polycule, created_by=cy, title=title, scheduled_for=now + timedelta(days=days)
        )
    CheckIn.objects.create(polycule=zed.polycule, created_by=zed, title="Theirs", scheduled_for=now + timedelta(days=1))
    leave_polycule(membership=eve)
    seen = _agree([ana, ben, cy, dee, eve, zed])
    assert min(seen.values()) > 0, seen
    # The page itself, with every list full, asks for no field the union did not read.
    for m in (ana, ben, cy):
        reading = client(m)
        with django_assert_max_num_queries(10):
            page = reading.get(reverse("home:dashboard"))
        assert page.status_code == 200
