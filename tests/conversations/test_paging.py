"""Every list in the conversations grows without bound, so each is shown a page at a time
(accounts/paging.py): a page costs the same queries and the same bytes whether the list holds
a few rows more than a page or a hundred, and with htmx "More" answers with the next rows alone."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import paging
from conversations.models import (
    CheckIn,
    Choice,
    Comment,
    CommentRevision,
    Discussion,
    JournalEntry,
    Round,
    RoundParticipant,
)
from conversations.selectors.checkins import PAST_PAGE
from conversations.selectors.journal import PER_PAGE
from conversations.services import discussions, rounds
from relationships.models import Membership
from tests.conversations.routes_rounds import ask
from tests.values.build import boundary, client
from values.models import Version

# Every row of a list made at the same moment, so that each renders to the same bytes.
WHEN = timezone.now() - timedelta(days=3)

type Grow = Callable[[Membership, int], str]  # adds rows, answers the page's address


def _choices(ana: Membership, count: int) -> str:
    Choice.objects.bulk_create(
        Choice(polycule=ana.polycule, author=ana, text="We'll stay in", created_at=WHEN) for _ in range(count)
    )
    return reverse("conversations:choice_list", args=[ana.polycule.public_id])


def _rounds(ana: Membership, count: int) -> str:
    rounds = Round.objects.bulk_create(
        Round(polycule=ana.polycule, asker=ana, prompt="What if?", created_at=WHEN) for _ in range(count)
    )
    RoundParticipant.objects.bulk_create(RoundParticipant(round=r, membership=ana) for r in rounds)
    return reverse("conversations:round_list", args=[ana.polycule.public_id])


def _discussions(ana: Membership, count: int) -> str:
    item = Discussion.objects.filter(polycule=ana.polycule).values_list("item", flat=True).first()
    if item is None:
        item = boundary(ana).pk
    start = Version.objects.filter(item_id=item).count() + 1
    versions = Version.objects.bulk_create(
        Version(item_id=item, number=start + n, title="Sleepovers", text="t", author=ana) for n in range(count)
    )
    Discussion.objects.bulk_create(
        Discussion(polycule=ana.polycule, item_id=item, version=v, started_by=ana, created_at=WHEN) for v in versions
    )
    return reverse("conversations:discussion_list", args=[ana.polycule.public_id])


def _checkins(ana: Membership, count: int) -> str:
    CheckIn.objects.bulk_create(
        CheckIn(polycule=ana.polycule, created_by=ana, title="Monthly", scheduled_for=WHEN) for _ in range(count)
    )
    return reverse("conversations:checkin_list", args=[ana.polycule.public_id])


def _entries(ana: Membership, count: int) -> str:
    JournalEntry.objects.bulk_create(JournalEntry(author=ana.user, text="Calm", created_at=WHEN) for _ in range(count))
    return reverse("conversations:journal")


def _comments(discussion: Discussion, author: Membership, count: int) -> None:
    comments = Comment.objects.bulk_create(
        Comment(discussion=discussion, author=author, created_at=WHEN) for _ in range(count)
    )
    CommentRevision.objects.bulk_create(CommentRevision(comment=c, number=1, text="Yes") for c in comments)


def _thread(ana: Membership, count: int) -> str:
    discussion = Discussion.objects.filter(polycule=ana.polycule, round=None).select_related("item").first()
    if discussion is None:
        first = discussions.comment_about(author=ana, item=boundary(ana), text="Let's talk")
        Comment.objects.filter(pk=first.pk).update(created_at=WHEN - timedelta(days=1))
        discussion = first.discussion
    _comments(discussion, ana, count)
    assert discussion.item is not None
    return reverse("conversations:discussion_item", args=[ana.polycule.public_id, discussion.item.public_id])


def _round_thread(ana: Membership, count: int) -> str:
    round = Round.objects.filter(polycule=ana.polycule, revealed_at__isnull=False).first()
    if round is None:
        ben = Membership.objects.exclude(pk=ana.pk).get(polycule=ana.polycule)
        round = ask(ana, ben)
        rounds.answer(member=ana, round=round, text="a")
        rounds.answer(member=ben, round=round, text="b")
        round.refresh_from_db()
    _comments(Discussion.objects.get(round=round), ana, count)
    return round.get_absolute_url()


PAGES: dict[str, tuple[Grow, int]] = {
    "choices": (_choices, paging.PAGE_SIZE),
    "rounds": (_rounds, paging.PAGE_SIZE),
    "discussions": (_discussions, paging.PAGE_SIZE),
    "check-ins": (_checkins, PAST_PAGE),
    "journal": (_entries, PER_PAGE),
    "discussion thread": (_thread, paging.PAGE_SIZE),
    "what-if thread": (_round_thread, paging.PAGE_SIZE),
}


def _cursorless(html: str) -> str:
    """The page without what differs by how many rows exist but not by how many are shown: the
    cursor in the "More" link, and the numbers it shows ("100 comments", "version 100")."""
    return re.sub(r"(?<![\w-])\d+(?![\w-])", "#", re.sub(r"after=[\w-]+", "after=…", html))


@pytest.mark.parametrize("name", PAGES)
def test_a_page_costs_the_same_queries_and_bytes_with_a_few_rows_more_than_a_page_or_a_hundred(
    name: str, ana: Membership, ben: Membership
) -> None:
    grow, size = PAGES[name]
    signed_in = client(ana)

    def measure(url: str) -> tuple[int, int]:
        signed_in.get(url)  # anything done on a first visit (a round marked seen) is done
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.get(url)
        assert response.status_code == 200
        return len(queries), len(_cursorless(response.content.decode()).encode())

    url = grow(ana, size + 5)
    few = measure(url)
    grow(ana, 100 - size - 5)
    assert measure(url) == few


@pytest.mark.parametrize("name", PAGES)
def test_more_brings_the_next_rows_alone_with_htmx_and_the_next_page_without(
    name: str, ana: Membership, ben: Membership
) -> None:
    grow, size = PAGES[name]
    signed_in = client(ana)
    url = grow(ana, size + 5)
    html = signed_in.get(url).content.decode()
    cursor = re.search(r'href="\?after=([\w-]+)"', html)
    assert cursor is not None, "the first page links to the next"
    more = signed_in.get(f"{url}?after={cursor[1]}", HTTP_HX_REQUEST="true")
    rows = more.content.decode()
    assert more.status_code == 200
    assert "<html" not in rows
    assert 'hx-swap-oob="true"' in rows  # the "More" link, replaced
    assert 'href="?after=' not in rows  # that was the last page
    plain = signed_in.get(f"{url}?after={cursor[1]}").content.decode()
    assert "<html" in plain
    assert "Back to the start" in plain
