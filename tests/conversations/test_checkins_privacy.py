"""Promise 13 for check-ins: what is said in a check-in for Ana and Ben (its title, topics, notes,
actions and reconnect lines, each carrying CANARY-K in the matrix's world) never reaches Cy, on
any page or fragment, not even as an open action carried to a check-in Cy is part of."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conversations import routes_checkins
from tests.matrix import World, build_world
from tests.test_authorization import ROUTES

CANARY = b"CANARY-K"


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _signed_in(world: World, name: str) -> Client:
    client = Client()
    client.force_login(getattr(world, name).user)
    return client


def _url(world: World, name: str, ids: dict[str, Any]) -> str:
    return reverse(f"conversations:{name}", kwargs=ids)


def test_cy_never_sees_the_canary_on_any_page(world: World) -> None:
    cy = _signed_in(world, "cy")
    pid = world.polycule_id
    urls = [reverse(r.name, kwargs=r.kwargs(world)) for r in ROUTES if r.method == "get"]
    urls += [
        reverse("home:dashboard"),
        reverse("conversations:checkin_list", kwargs={"polycule_id": pid}) + "?page=2",
        reverse("relationships:polycule_detail", kwargs={"polycule_id": pid}),
    ]
    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            assert CANARY not in cy.get(url, headers=headers).content, url


def test_cy_never_gets_the_canary_back_from_an_in_place_action(world: World) -> None:
    cy = _signed_in(world, "cy")
    everyone = routes_checkins.open_checkin(world)
    mine = world.extra["open_checkin"].actions.get()
    topic = world.extra["open_checkin"].topics.get()
    posts = [
        ("topic_create", everyone, {"title": "Birthdays"}),
        ("topic_create", everyone, {"title": "Birthdays"}),  # a 409
        ("topic_create", everyone, {"title": ""}),  # a 422
        ("note_create", {**routes_checkins.topic(world), "topic_id": topic.public_id}, {"text": "Mine"}),
        ("action_create", everyone, {"text": "Call", "owner": str(world.cy.public_id)}),
        ("action_create", everyone, {"text": "Call", "owner": str(world.ben.public_id), "due_on": "1999-01-01"}),
        ("action_done", {**routes_checkins.action(world), "action_id": mine.public_id}, {}),
        ("action_done", {**routes_checkins.action(world), "action_id": mine.public_id}, {}),  # a 409, full page
        ("reconnect", everyone, {"text": "Fine"}),
        ("checkin_hold", everyone, {}),
        ("checkin_hold", everyone, {}),  # a 409
        # What she may not see answers 404, saying nothing.
        ("topic_create", routes_checkins.checkin(world), {"title": "x"}),
        ("note_create", routes_checkins.topic(world), {"text": "x"}),
        ("action_done", routes_checkins.action(world), {}),
    ]
    for headers in ({"HX-Request": "true"}, {}):
        for name, ids, data in posts:
            response = cy.post(_url(world, name, ids), data, headers=headers)
            assert response.status_code < 500, (name, response.status_code)
            assert CANARY not in response.content, name
            if response.status_code == 302:
                assert CANARY not in cy.get(response["Location"]).content, name


def test_ben_does_see_them_where_he_belongs(world: World) -> None:
    ben = _signed_in(world, "ben")
    private = ben.get(_url(world, "checkin_detail", routes_checkins.checkin(world))).content
    for words in (b"CANARY-K title", b"CANARY-K topic", b"CANARY-K note", b"CANARY-K action", b"CANARY-K how I am"):
        assert words in private
    # Its open action is carried to the check-in for everyone, for him.
    assert b"CANARY-K action" in ben.get(_url(world, "checkin_detail", routes_checkins.open_checkin(world))).content
    assert b"CANARY-K title" in ben.get(_url(world, "checkin_list", {"polycule_id": world.polycule_id})).content
