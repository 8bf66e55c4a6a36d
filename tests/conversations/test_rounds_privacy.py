"""The sealed canary: before the reveal, Ben's answer reaches nobody but Ben. Not Ana, who asked,
not Cy, who was not asked; on no page and in no fragment either can open, not even as a count of
its words. After the reveal, Ana reads it.

The world is the authorization matrix's (tests/conversations/routes_rounds.py): Ana asked Ben
alone; Ben answered, and here changes his answer to SEALED-CANARY; Ana has not answered yet."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conversations.services import rounds as services
from tests.conftest import client_for
from tests.matrix import World, build_world
from tests.test_authorization import ROUTES

from .routes_rounds import HTMX, SEALED, url

CANARY = b"SEALED-CANARY"
GET_ROUTES = [r for r in ROUTES if r.method == "get"]


@pytest.fixture
def world(db: None) -> World:
    world = build_world()
    services.answer(member=world.ben, round=world.extra["sealed_round"], text=SEALED)
    return world


def _pages(world: World) -> list[str]:
    """Every page of the matrix, and those that gather from everywhere: the dashboard, the talk
    page, the timeline and its filters."""
    pid = world.polycule_id
    timeline = reverse("home:timeline", kwargs={"polycule_id": pid})
    return [
        *(reverse(r.name, kwargs=r.kwargs(world)) for r in GET_ROUTES),
        reverse("home:dashboard"),
        reverse("conversations:talk", kwargs={"polycule_id": pid}),
        reverse("relationships:polycule_detail", kwargs={"polycule_id": pid}),
        timeline,
        timeline + f"?person={world.ben.public_id}",
        timeline + f"?person={world.ana.public_id}",
    ]


def _sealed_round(world: World) -> Any:
    return world.extra["sealed_round"]


@pytest.mark.parametrize("persona", ["ana", "cy"])
def test_the_sealed_answer_reaches_no_page_or_fragment_before_the_reveal(world: World, persona: str) -> None:
    client = client_for(getattr(world, persona))
    for page in _pages(world):
        for headers in ({}, HTMX):
            response = client.get(page, **headers)
            assert CANARY not in response.content, (page, headers)


def test_the_sealed_answer_reaches_none_of_the_fragments_ana_can_post_for(world: World) -> None:
    round = _sealed_round(world)
    client = client_for(world.ana)
    attempts: list[tuple[str, dict[str, str]]] = [
        (url("round_answer", round), {"text": ""}),  # 422: her empty answer
        (url("round_answer", round), {"text": "x" * 2001}),  # 422: too long
        (url("round_withdraw", round), {}),  # 409: she has none
        (url("round_comment", round), {"text": "So?"}),  # 409: no talk before the reveal
    ]
    for target, data in attempts:
        for headers in ({}, HTMX):
            response = client.post(target, data, **headers)
            assert 400 <= response.status_code < 500, (target, response.status_code)
            assert CANARY not in response.content, target


def test_cy_cannot_reach_the_round_or_answer_through_it(world: World) -> None:
    round = _sealed_round(world)
    client = client_for(world.cy)
    for name in ("round_detail",):
        assert client.get(url(name, round)).status_code == 404
    for name in ("round_answer", "round_withdraw", "round_reveal", "round_comment"):
        response = client.post(url(name, round), {"text": "Me"}, **HTMX)
        assert response.status_code == 404
        assert CANARY not in response.content


_TOKENS = re.compile(rb'[A-Za-z0-9]{64}|nonce="[^"]+"')
# "3 minutes ago" moves on while a slow machine renders the page twice.
_TIMES = re.compile(rb"<time [^>]*>[^<]*</time>")


def _as_ana_sees_it(client: Client, target: str, **headers: Any) -> bytes:
    """The page without its CSRF tokens, script nonces and relative times, which change with
    each request."""
    return _TIMES.sub(b"<time>", _TOKENS.sub(b"TOKEN", client.get(target, **headers).content))


def test_not_even_the_length_of_the_sealed_answer_shows(world: World) -> None:
    round = _sealed_round(world)
    client = client_for(world.ana)
    pages = [url("round_detail", round), reverse("conversations:talk", kwargs={"polycule_id": world.polycule_id})]
    short = {(p, h): _as_ana_sees_it(client, p, **headers) for p in pages for h, headers in (("", {}), ("hx", HTMX))}
    services.answer(member=world.ben, round=round, text=" ".join([SEALED] * 20))
    long = {(p, h): _as_ana_sees_it(client, p, **headers) for p in pages for h, headers in (("", {}), ("hx", HTMX))}
    assert short == long
    assert not re.search(rb"\d+ (words?|characters?)\b", long[(pages[0], "")])


def test_after_the_reveal_ana_reads_bens_answer(world: World) -> None:
    round = _sealed_round(world)
    client = client_for(world.ana)
    response = client.post(url("round_answer", round), {"text": "My own"}, **HTMX)
    assert response.status_code == 200
    assert CANARY in response.content
    assert CANARY in client.get(url("round_detail", round)).content
    # Cy, never asked, still cannot.
    cy = client_for(world.cy)
    for page in _pages(world):
        assert CANARY not in cy.get(page).content, page
