"""Promise 13 and the query budgets: what is shared with some never reaches
anyone else, and no page does more queries when there is more to show."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.matrix import World, build_world
from tests.test_authorization import ROUTES
from values.models import Event, Item, Kind, Version

GET_ROUTES = [r for r in ROUTES if r.method == "get"]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _cy(world: World) -> Client:
    client = Client()
    client.force_login(world.cy.user)
    return client


def _pages_for_cy(world: World) -> list[str]:
    pid = world.polycule_id
    urls = [reverse(r.name, kwargs=r.kwargs(world)) for r in GET_ROUTES]
    lists = reverse("values:item_list", kwargs={"polycule_id": pid})
    timeline = reverse("home:timeline", kwargs={"polycule_id": pid})
    ana = world.ana.public_id
    return [
        *urls,
        reverse("home:dashboard"),
        lists + "?needs=1",
        lists + "?due=1",
        lists + "?retired=1",
        lists + f"?person={ana}",
        lists + "?kind=agreement",
        timeline + f"?person={ana}",
        timeline + "?kind=proposals",
        timeline + "?kind=answers",
        timeline + f"?item={world.extra['boundary'].public_id}",
    ]


def test_canaries_never_reach_someone_outside_the_audience(world: World) -> None:
    client = _cy(world)
    for url in _pages_for_cy(world):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert b"CANARY" not in response.content, url


def test_the_audience_does_see_them(world: World) -> None:
    client = Client()
    client.force_login(world.ben.user)
    page = client.get(reverse("values:item_list", kwargs={"polycule_id": world.polycule_id}))
    assert b"CANARY-B title" in page.content


def test_cy_cannot_answer_through_forged_ids(world: World) -> None:
    client = _cy(world)
    url = reverse(
        "values:boundary_acknowledge",
        kwargs={"polycule_id": world.polycule_id, "item_id": world.extra["boundary"].public_id},
    )
    assert client.post(url, {"version": 1, "answer": "understood"}).status_code == 404


def _grow(world: World, count: int) -> None:
    """Adds items with versions and events, quickly, straight to the database."""
    ana = world.ana
    items = Item.objects.bulk_create(
        Item(polycule=ana.polycule, kind=Kind.BOUNDARY, owner=ana, created_by=ana, review_every_days=1)
        for _ in range(count)
    )
    versions = Version.objects.bulk_create(
        Version(item=item, number=1, title=f"Bulk {n}", text="x", why="y", author=ana) for n, item in enumerate(items)
    )
    for item, version in zip(items, versions, strict=True):
        item.current_version, item.current_title = version, version.title
    Item.objects.bulk_update(items, ["current_version", "current_title"])
    Event.objects.bulk_create(
        Event(polycule=ana.polycule, kind=Event.Kind.ITEM_CREATED, actor=ana, item=item, version=version)
        for item, version in zip(items, versions, strict=True)
    )


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_no_page_does_more_queries_with_more_data(world: World) -> None:
    client = Client()
    client.force_login(world.ben.user)
    urls = [reverse(r.name, kwargs=r.kwargs(world)) for r in GET_ROUTES if r.member == 200]
    urls.append(reverse("home:dashboard"))
    _grow(world, 10)
    small = {url: _count(client, url) for url in urls}
    _grow(world, 490)
    large = {url: _count(client, url) for url in urls}
    grew = {url: (small[url], large[url]) for url in urls if large[url] > small[url]}
    assert not grew, grew
