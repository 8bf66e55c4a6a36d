"""The printable "our agreements" page: what a member can see, at its current version, with
who has acknowledged or consented to it; nothing private to anyone else (promise 13)."""

from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relationships.models import Membership
from tests.home import export_world as w
from values import services

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "print.css"


@pytest.fixture
def cast(db: None) -> w.Cast:
    return w.build()


def _url(cast: w.Cast) -> str:
    return reverse("home:agreements_print", args=[cast.ana.polycule.public_id])


def _page(member: Membership, url: str) -> str:
    client = Client()
    client.force_login(member.user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_current_versions_with_their_whys_and_who_answered(cast: w.Cast) -> None:
    html = _page(cast.ben, _url(cast))
    assert "Our values" in html
    assert "Our boundaries" in html
    assert f"{w.SHARED}, please." in html  # version 2, the current one
    assert w.SHARED_WHY in html
    assert "Version 2 by Ana" in html
    assert "Acknowledged by Cy (" in html
    assert "Not yet: Ben" in html  # Ben answered version 1 only
    assert "Consented to by Ana (" in html
    assert "Just between us" in html
    assert "shared with Ana, Ben" in html


def test_it_holds_nothing_private_to_someone_else(cast: w.Cast) -> None:
    url = _url(cast)
    forbidden = w.forbidden(cast)
    for member in (cast.ana, cast.ben, cast.cy):
        html = _page(member, url)
        for word in forbidden[member.display_name]:
            assert word not in html, f"{word} reached {member.display_name}'s printable page"
    # Notes and talk are not part of it at all.
    assert w.CURRENT_NOTE not in _page(cast.ana, url)
    assert "Just between us" not in _page(cast.cy, url)


@pytest.mark.parametrize("who", ["dee", "eve", "zed"])
def test_anyone_outside_the_polycule_gets_404(cast: w.Cast, who: str) -> None:
    client = Client()
    client.force_login(getattr(cast, who).user)
    assert client.get(_url(cast)).status_code == 404


def test_retired_items_are_not_printed(cast: w.Cast) -> None:
    services.retire_boundary(owner=cast.ana, item=cast.shared)
    assert w.SHARED not in _page(cast.ben, _url(cast))


def test_the_query_count_does_not_grow_with_the_items(cast: w.Cast) -> None:
    client = Client()
    client.force_login(cast.ben.user)
    url = _url(cast)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        services.create_boundary(owner=cast.cy, title=f"More {n}", text="More.", why="Because.")
    assert count() == before


def test_the_polycule_page_links_to_it(cast: w.Cast) -> None:
    assert _url(cast) in _page(cast.ben, cast.ana.polycule.get_absolute_url())


def test_it_prints_without_javascript_through_its_own_stylesheet(cast: w.Cast) -> None:
    html = _page(cast.ben, _url(cast))
    assert "css/print.css" in html
    assert "window.print" not in html
    css = CSS.read_text()
    assert "@media print" in css
    assert "header.site" in css
    assert "display: none" in css
