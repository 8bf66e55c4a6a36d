"""Lists a page at a time: the item list, the newcomer's welcome and the dashboard cost and weigh
the same whatever the polycule holds, and paging through a list shows every item exactly once."""

import base64
import json
import re

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.paging import PAGE_SIZE, Page, decode
from relationships.models import Membership
from tests import personas
from tests.conftest import client_for, statements
from tests.factories import MembershipFactory
from values import selectors, services
from values.models import Item, Response
from values.selectors import NEEDS_SHOWN, ItemFilters, ItemRow

from .build import HTMX, adopted, boundary, proposed

CARD = re.compile(r'<li class="card item-card">')
MORE = re.compile(r'href="\?([^"]*after=[^"]+)"')


def _boundaries(owner: Membership, count: int, start: int = 0) -> None:
    # Titles of one length, so that the pages weigh the same whatever the titles.
    for n in range(start, start + count):
        boundary(owner, title=f"Boundary {n:04d}")


def _get(client: object, url: str, **extra: object) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return response.content.decode(), len(statements(queries))


def test_the_item_list_shows_a_page_and_a_more_link(ana: Membership, ben: Membership) -> None:
    _boundaries(ana, PAGE_SIZE + 5)
    url = reverse("values:item_list", args=[ana.polycule.public_id])
    page, _ = _get(client_for(ben), url)
    assert len(CARD.findall(page)) == PAGE_SIZE
    assert "Boundary 0000" in page
    assert "Boundary 0030" not in page
    following = MORE.search(page)
    assert following
    second, _ = _get(client_for(ben), f"{url}?{following.group(1).replace('&amp;', '&')}")
    assert len(CARD.findall(second)) == 5
    assert "Boundary 0034" in second
    assert "Boundary 0000" not in second
    assert not MORE.search(second)
    assert "Back to the start" in second


def test_more_with_htmx_answers_the_next_cards_and_a_new_link_out_of_band(ana: Membership, ben: Membership) -> None:
    _boundaries(ana, PAGE_SIZE * 2 + 1)
    client = client_for(ben)
    url = reverse("values:item_list", args=[ana.polycule.public_id])
    first, _ = _get(client, url)
    cursor = MORE.search(first)
    assert cursor
    fragment, _ = _get(client, f"{url}?{cursor.group(1).replace('&amp;', '&')}", **HTMX)
    assert "<html" not in fragment
    assert "<h1" not in fragment
    assert len(CARD.findall(fragment)) == PAGE_SIZE
    assert 'hx-swap-oob="true"' in fragment
    assert MORE.search(fragment), "a third page remains"


def _cursor(*values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


MOMENT = {"t": "2026-01-01T00:00:00+00:00"}
MADE_UP = [
    "",
    "nonsense",
    "%00",
    _cursor(),
    _cursor(1, 2, 3),
    _cursor(None, None, None),
    _cursor("boundary", MOMENT, "not a number"),
    _cursor(MOMENT, "title", 1),
    _cursor("boundary", "title", 10**30),
    _cursor("boundary", "title", {"t": "not a moment"}),
    _cursor([1], {"x": 1}, 1),
]


@pytest.mark.parametrize("cursor", MADE_UP)
def test_a_made_up_cursor_gives_the_first_page_or_an_empty_one_never_an_error(
    ana: Membership, ben: Membership, cursor: str
) -> None:
    _boundaries(ana, 3)
    response = client_for(ben).get(reverse("values:item_list", args=[ana.polycule.public_id]), {"after": cursor})
    assert response.status_code == 200


def test_the_item_list_costs_and_weighs_the_same_with_40_items_or_120(ana: Membership, ben: Membership) -> None:
    client = client_for(ben)
    url = reverse("values:item_list", args=[ana.polycule.public_id])
    _boundaries(ana, 40)
    small, small_queries = _get(client, url)
    _boundaries(ana, 80, start=40)
    large, large_queries = _get(client, url)
    assert large_queries == small_queries
    assert abs(len(large) - len(small)) < 200, "the page grew with the number of items"


def test_the_welcome_page_shows_a_page_of_what_waits_and_a_count(ana: Membership) -> None:
    _boundaries(ana, PAGE_SIZE + 12)
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    url = reverse("home:onboarding", args=[ana.polycule.public_id])
    page, queries = _get(client_for(eli), url)
    assert len(CARD.findall(page)) == PAGE_SIZE
    assert f"{PAGE_SIZE + 12} are waiting for you" in page
    assert queries <= 10


def test_the_dashboard_lists_a_few_of_each_and_counts_them_all(ana: Membership, ben: Membership) -> None:
    _boundaries(ana, 12)
    page, queries = _get(client_for(ben), reverse("home:dashboard"))
    listed = re.findall(r"Boundary \d{4}", page)
    assert len(listed) == NEEDS_SHOWN
    assert "All 12 boundaries waiting for you" in page
    assert "12 things wait for you" in page
    _boundaries(ana, 60, start=12)
    _, more_queries = _get(client_for(ben), reverse("home:dashboard"))
    assert more_queries == queries


@hypothesis_settings(max_examples=8, deadline=None)
@given(total=st.integers(min_value=0, max_value=70), size=st.integers(min_value=1, max_value=25))
@pytest.mark.django_db
def test_paging_through_the_list_shows_every_item_once_in_order(total: int, size: int) -> None:
    ana = personas.ana()
    ben = personas.ben(ana.polycule)
    # Some titles the same: the primary key keeps their order, and no card is lost.
    for n in range(total):
        boundary(ana, title=f"Same {n % 4}")
    seen: list[int] = []
    after = ""
    while True:
        page = _page(ben, after, size)
        seen += [row.item.pk for row in page.rows]
        if not page.next:
            break
        assert decode(page.next, 3) is not None
        after = page.next
    assert len(seen) == len(set(seen)) == total
    expected = [row.item.pk for row in _page(ben, "", total + 1).rows]
    assert seen == expected


def _page(member: Membership, after: str, size: int) -> Page[ItemRow]:
    return selectors.item_list(member, ItemFilters(), after=after, size=size)


def test_the_history_of_an_item_is_paged_and_compares_any_two_versions(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, title="Often changed")
    for n in range(2, PAGE_SIZE + 6):
        words = {"title": "Often changed", "text": f"Wording {n:03d}", "why": "Clearer."}
        services.revise_boundary(owner=ana, item=item, base_number=n - 1, **words)
    client = client_for(ben)
    url = reverse("values:version_list", args=[ana.polycule.public_id, item.public_id])
    page, queries = _get(client, url)
    assert page.count('<li class="card"') == PAGE_SIZE
    assert "Wording 035" in page
    assert "Wording 005" not in page
    following = MORE.search(page)
    assert following
    rest, _ = _get(client, f"{url}?{following.group(1).replace('&amp;', '&')}")
    assert rest.count('<li class="card"') == 5
    assert "Wording 005" in rest
    assert queries <= 10
    diff = reverse("values:version_diff", args=[ana.polycule.public_id, item.public_id])
    compared, diff_queries = _get(client, diff, data={"from": 2, "to": 35})
    assert "Wording" in compared
    assert diff_queries <= 10


def test_the_list_follows_a_title_changed_by_a_new_version(ana: Membership, ben: Membership) -> None:
    """The list is ordered by ``Item.current_title``: every way a version is adopted keeps it."""
    zebra = boundary(ana, title="Zebra")
    boundary(ana, title="Middle")
    value = adopted(ana, ben, title="Yak")
    adopted(ana, ben, title="Walrus")

    def titles() -> list[str]:
        page = selectors.item_list(ben, ItemFilters())
        return [row.item.title for row in page.rows]

    assert titles() == ["Middle", "Zebra", "Walrus", "Yak"]  # by kind (boundaries, values), then title
    services.revise_boundary(owner=ana, item=zebra, base_number=1, title="Aardvark", text="t", why="w")
    change = services.propose_change(proposer=ana, item=value, base_number=1, title="Albatross", text="t", why="w")
    services.respond(member=ben, proposal=change, revision_number=1, answer=Response.Answer.CONSENT)
    assert titles() == ["Aardvark", "Middle", "Albatross", "Walrus"]
    assert not Item.objects.adopted().exclude(current_title=F("current_version__title")).exists()


def test_what_each_item_asks_reads_answers_alone_not_their_revisions(ana: Membership, ben: Membership) -> None:
    """Whether the member answered the proposal that made an item's version is read from the
    member's answers (``Response.proposal``), never through every answer's revision: that join
    grew with other polycules' revisions (DECISIONS, "Two plans that grew with other polycules")."""
    proposal = proposed(ana)
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Response.Answer.STAND_ASIDE)
    shown = selectors.with_state(Item.objects.filter(pk=proposal.item_id), ben)
    with CaptureQueriesContext(connection) as queries:
        row = shown.get()
    assert row.current_version is not None  # adopted: a stand-aside does not block it
    assert row.owed is None  # type: ignore[attr-defined]  # ben stood aside on the proposal that made it: nothing more asked
    (sql,) = [query["sql"] for query in queries.captured_queries]
    assert "values_proposalrevision" not in sql
    assert "values_response" in sql


def test_lists_read_each_items_title_not_its_words(ana: Membership, ben: Membership) -> None:
    """A version's words run to 4,000 characters: the item list, the newcomer's welcome and the
    dashboard show a title, and never read them."""
    _boundaries(ana, 3)
    newcomer = MembershipFactory.create(polycule=ana.polycule)
    listed = [row.item for row in selectors.item_list(ben, ItemFilters()).rows]
    listed += [row.item for row in selectors.newcomer_items(newcomer).rows]
    listed += selectors.needs(ben).to_acknowledge
    assert len(listed) == 9
    for item in listed:
        assert item.current_version is not None
        assert {"text", "why"} <= item.current_version.get_deferred_fields()
