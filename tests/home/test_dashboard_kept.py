"""The dashboard's lists of items that wait, read by their ids while the header's count is kept
(``home.models.WaitingCount.owing``): the same lists as decided afresh, at the cost of the rows
shown, never something the member may no longer see, and never kept past a change."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from home import selectors
from home.models import WaitingCount
from relationships.models import Membership
from tests.factories import MembershipFactory
from values import services
from values.models import Acknowledgment
from values.selectors import OWING

from ..conftest import client_for
from ..values.build import adopted, boundary, old_boundary

type Shown = list[tuple[str, list[int], int]]


def shown(user: User) -> tuple[Shown, list[dict[str, Any]]]:
    """What the dashboard lists of each kind, and its counts, with the queries that read it."""
    with CaptureQueriesContext(connection) as queries:
        dashboard = selectors.dashboard(user, timezone.localdate())
    lists = [
        (kind, [item.pk for item in getattr(polycule.values, kind)], polycule.values.counts[kind])
        for polycule in dashboard.polycules
        for kind in OWING
    ]
    return lists, queries.captured_queries


def decided_afresh(queries: list[dict[str, Any]]) -> bool:
    """Whether the items that wait were decided over every item (the window query)."""
    return any("ROW_NUMBER()" in query["sql"] for query in queries)


def test_kept_the_dashboard_lists_what_it_lists_afresh_reading_only_those_rows(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    for n in range(7):  # more than the dashboard shows of a kind
        boundary(ana, title=f"Boundary {n}")
    adopted(ana, ben, cy, title="Kids first")
    old_boundary(cy, days=40, review_every_days=30, title="Holidays")
    dee = MembershipFactory.create(polycule=ana.polycule)  # asked to consent to what was set before
    for member in (ben, dee):
        afresh, afresh_queries = shown(member.user)
        assert decided_afresh(afresh_queries)
        waiting = {kind for kind, _, count in afresh if count}
        assert waiting == ({"to_acknowledge", "due"} if member == ben else set(OWING))
        selectors.needs_count(member.user)  # what every page asks after it loads: kept now
        kept, kept_queries = shown(member.user)
        assert kept == afresh
        assert not decided_afresh(kept_queries), "read by their ids"
        assert len(kept_queries) == len(afresh_queries)


def test_whatever_changes_in_the_polycule_is_listed_at_once(ana: Membership, ben: Membership) -> None:
    first = boundary(ana, title="Sleepovers")
    selectors.needs_count(ben.user)
    services.acknowledge(member=ben, item=first, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    lists, queries = shown(ben.user)
    assert decided_afresh(queries)
    assert ("to_acknowledge", [], 0) in lists, "my own answer"
    selectors.needs_count(ben.user)
    second = boundary(ana, title="Mornings")
    assert ("to_acknowledge", [second.pk], 1) in shown(ben.user)[0], "a partner's new boundary"


def test_a_kept_id_never_shows_what_the_member_may_not_see(ana: Membership, ben: Membership, cy: Membership) -> None:
    secret = boundary(ana, title="CANARY-kept-id", everyone=False, audience=[cy.public_id])
    boundary(ana, title="Sleepovers")
    selectors.needs_count(ben.user)
    # A kept list that names an item outside Ben's audience: however it came to be, not shown.
    kept = WaitingCount.objects.get(membership=ben)
    assert kept.owing is not None
    kept.owing["ids"]["to_acknowledge"].insert(0, secret.pk)
    kept.save(update_fields=["owing"])
    page = client_for(ben).get(reverse("home:dashboard"))
    assert page.status_code == 200
    assert b"Sleepovers" in page.content, "the kept list was read"
    assert b"CANARY-kept-id" not in page.content


def test_an_old_kept_list_is_decided_again(ana: Membership, ben: Membership) -> None:
    boundary(ana, title="Sleepovers")
    selectors.needs_count(ben.user)
    WaitingCount.objects.filter(membership=ben).update(counted_at=timezone.now() - selectors.COUNT_KEPT)
    assert decided_afresh(shown(ben.user)[1]), "time alone makes things due"


def test_a_kept_list_in_another_shape_is_decided_again(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, title="Sleepovers")
    selectors.needs_count(ben.user)
    shapes: list[Any] = [None, {}, [], {"ids": {"to_acknowledge": ["x"]}}, {"ids": {}, "counts": {}}]
    for shape in shapes:
        WaitingCount.objects.filter(membership=ben).update(owing=shape)
        lists, queries = shown(ben.user)
        assert decided_afresh(queries), shape
        assert ("to_acknowledge", [item.pk], 1) in lists
