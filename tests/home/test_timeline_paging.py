"""Paging through the timeline by its cursor: every line exactly once and in order, whatever
the history holds, including lines of different parts at the very same moment (the cursor's
tiebreaker, kind then the row's own id, must hold across the UNION's parts)."""

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from conversations.models import CheckIn, Choice, Discussion, Round, RoundParticipant
from home import timeline
from home.models import StewardHandover
from relationships.models import Membership
from tests.factories import PolyculeFactory, UserFactory
from values.models import Event, Item, Kind, Proposal, ProposalRevision, Response
from values.timeline import MEMBER_JOINED, MEMBER_LEFT

PARTS = (
    "event",
    "joined",
    "left",
    "choice",
    "round_opened",
    "round_revealed",
    "checkin",
    "discussion",
    "handover",
)
START = datetime(2026, 1, 1, tzinfo=UTC)
type Key = tuple[datetime, str, int]


def _member(polycule_id: int, at: datetime, *, left: bool = False) -> Membership:
    return Membership.objects.create(
        polycule_id=polycule_id,
        user=UserFactory.create(),
        display_name="Someone",
        joined_at=at,
        left_at=at if left else None,
        departure="left" if left else "",
    )


def _plant(part: str, me: Membership, at: datetime) -> list[Key]:
    """One thing happening at ``at``, and the timeline lines it should give ``me``."""
    polycule = me.polycule_id
    if part in {"joined", "left"}:
        other = _member(polycule, at, left=part == "left")
        return [(at, MEMBER_JOINED, other.pk)] + ([(at, MEMBER_LEFT, other.pk)] if part == "left" else [])
    if part in {"event", "discussion"}:
        item = Item.objects.create(polycule_id=polycule, kind=Kind.VALUE, created_by=me, created_at=at)
        if part == "discussion":
            talk = Discussion.objects.create(polycule_id=polycule, item=item, started_by=me, created_at=at)
            return [(at, "discussion_started", talk.pk)]
        event = Event.objects.create(
            polycule_id=polycule, kind=Event.Kind.ITEM_CREATED, actor=me, item=item, created_at=at
        )
        return [(at, event.kind, event.pk)]
    if part == "choice":
        choice = Choice.objects.create(polycule_id=polycule, author=me, text="A choice", created_at=at)
        return [(at, "choice_shared", choice.pk)]
    if part in {"round_opened", "round_revealed"}:
        revealed = at if part == "round_revealed" else None
        asked = Round.objects.create(
            polycule_id=polycule, asker=me, prompt="What if?", created_at=at, revealed_at=revealed
        )
        RoundParticipant.objects.create(round=asked, membership=me)
        return [(at, "round_opened", asked.pk)] + ([(at, "round_revealed", asked.pk)] if revealed else [])
    if part == "checkin":
        held = CheckIn.objects.create(polycule_id=polycule, created_by=me, scheduled_for=at, held_at=at, held_by=me)
        return [(at, "checkin_held", held.pk)]
    handover = StewardHandover.objects.create(polycule_id=polycule, steward=me, created_at=at)
    return [(at, "steward_handover", handover.pk)]


def _walk(me: Membership, size: int) -> list[Key]:
    """Every row of the timeline, page after page by the cursor."""
    seen: list[Key] = []
    after = ""
    for _ in range(1000):
        page = timeline.rows(me, after=after, size=size)
        assert len(page.rows) <= size
        seen += [(row["at"], row["kind"], row["ref"]) for row in page.rows]
        if not page.next:
            return seen
        assert len(page.rows) == size
        after = page.next
    raise AssertionError("the pages never end")


def _encoded(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


class TestPagingByCursor(TestCase):
    @settings(max_examples=40, deadline=None, database=None)
    @given(
        happenings=st.lists(st.tuples(st.sampled_from(PARTS), st.integers(min_value=0, max_value=3)), max_size=25),
        size=st.integers(min_value=1, max_value=6),
    )
    def test_every_line_comes_exactly_once_and_in_order(self, happenings: list[tuple[str, int]], size: int) -> None:
        polycule = PolyculeFactory.create()
        me = _member(polycule.pk, START)
        expected: list[Key] = [(START, MEMBER_JOINED, me.pk)]
        for part, second in happenings:
            # Few distinct moments: many lines of different parts share one.
            expected += _plant(part, me, START + timedelta(seconds=second))
        expected.sort(reverse=True)
        seen = _walk(me, size)
        assert seen == expected

    @settings(max_examples=60, deadline=None, database=None)
    @given(
        after=st.one_of(
            st.text(max_size=60),
            st.lists(
                st.one_of(
                    st.none(),
                    st.integers(),
                    st.text(max_size=50),
                    st.fixed_dictionaries({"t": st.text(max_size=40)}),
                    st.datetimes(timezones=st.timezones()).map(lambda d: {"t": d.isoformat()}),
                ),
                max_size=4,
            ).map(_encoded),
        )
    )
    def test_any_cursor_gives_a_page_never_an_error(self, after: str) -> None:
        polycule = PolyculeFactory.create()
        me = _member(polycule.pk, START)
        page = timeline.rows(me, after=after)
        assert len(page.rows) <= 1


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *(node for child in plan.get("Plans", []) for node in _nodes(child))]


def _assert_read_from(index: str, table: str, page: Callable[[], object], tables: str) -> None:
    """``page()`` makes one query, which reads ``table`` only from ``index`` and only a page of
    it and the few it skips for the audience: never the 20,000 rows the test wrote."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
    with CaptureQueriesContext(connection) as queries:
        page()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + queries.captured_queries[0]["sql"])
        plan = cursor.fetchone()[0][0]["Plan"]
    reads = [node for node in _nodes(plan) if node.get("Relation Name") == table]
    assert reads, plan
    for node in reads:
        assert node.get("Index Name") == index, node
        assert node["Actual Rows"] < 200, node


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL's UNION, limited per part")
@pytest.mark.django_db
def test_the_newest_page_reads_a_page_of_events_from_the_index_not_the_history() -> None:
    polycule = PolyculeFactory.create()
    me = _member(polycule.pk, START)
    items = Item.objects.bulk_create(
        Item(polycule=polycule, kind=Kind.VALUE, created_by=me, everyone=n % 10 != 0) for n in range(200)
    )
    Event.objects.bulk_create(
        Event(
            polycule=polycule,
            kind=Event.Kind.ACKNOWLEDGED,
            actor=me,
            item=items[n % len(items)],
            created_at=START + timedelta(minutes=n),
        )
        for n in range(20_000)
    )
    tables = "values_event, values_item, values_itemaudience, relationships_membership"
    _assert_read_from("event_polycule_recent", "values_event", lambda: _full_page(me), tables)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL's UNION, limited per part")
@pytest.mark.django_db
def test_the_newest_page_reads_a_page_of_answers_from_the_index_not_every_proposal() -> None:
    polycule = PolyculeFactory.create()
    me, other = _member(polycule.pk, START), _member(polycule.pk, START)
    items = Item.objects.bulk_create(
        Item(polycule=polycule, kind=Kind.VALUE, created_by=me, everyone=n % 10 != 0) for n in range(200)
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(item=item, polycule=polycule, change=Proposal.Change.REVISE, proposer=me, created_at=START)
        for item in items
    )
    revisions = ProposalRevision.objects.bulk_create(
        ProposalRevision(proposal=p, number=1, title="T", text="t", created_at=START) for p in proposals
    )
    Response.objects.bulk_create(
        Response(
            revision=revisions[n % len(revisions)],
            member=other,
            polycule=polycule,
            item_id=revisions[n % len(revisions)].proposal.item_id,
            proposal=revisions[n % len(revisions)].proposal,
            answer=Response.Answer.CONSENT,
            created_at=START + timedelta(minutes=n),
        )
        for n in range(20_000)
    )
    tables = "values_response, values_proposalrevision, values_proposal, values_item"
    _assert_read_from("response_polycule_recent", "values_response", lambda: _full_page(me, "proposals"), tables)


def _full_page(me: Membership, group: str = "") -> None:
    assert len(timeline.rows(me, group=group).rows) == timeline.PAGE_SIZE
