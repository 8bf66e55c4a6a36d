"""A discussion is seen by exactly its item's audience. In the matrix's world
(tests/conversations/routes_discussions.py), Ana's boundary is shared with Ben alone and every
word said about it carries CANARY-D: it must never reach Cy, on any page or fragment, whatever
she sends, while Ana and Ben do see it."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conversations.models import Comment, CommentRevision, Discussion, Mute
from conversations.selectors import discussions as selectors
from tests.conversations.routes_discussions import ROUTES as DISCUSSION_ROUTES
from tests.matrix import World, build_world
from tests.test_authorization import ROUTES

CANARY = b"CANARY-D"


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _signed_in(world: World, who: str) -> Client:
    client = Client()
    client.force_login(getattr(world, who).user)
    return client


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Discussion, Comment, CommentRevision, Mute))


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["plain", "htmx"])
def test_cy_reaches_nothing_of_the_private_discussions_whatever_she_sends(
    world: World, headers: dict[str, Any]
) -> None:
    cy = _signed_in(world, "cy")
    before = _counts()
    for route in DISCUSSION_ROUTES:
        target = reverse(route.name, kwargs=route.kwargs(world))
        response = getattr(cy, route.method)(target, route.data(world), headers=headers)
        assert CANARY not in response.content, route.id
        if route.private:
            assert response.status_code == 404, route.id
    assert _counts() == before


def test_no_page_anyone_can_open_shows_cy_a_private_word(world: World) -> None:
    cy = _signed_in(world, "cy")
    pages = [reverse(r.name, kwargs=r.kwargs(world)) for r in ROUTES if r.method == "get"]
    pages += [reverse("home:dashboard"), reverse("conversations:talk", kwargs={"polycule_id": world.polycule_id})]
    for target in pages:
        for headers in ({}, {"HX-Request": "true"}):
            response = cy.get(target, headers=headers)
            assert response.status_code < 500, target
            assert CANARY not in response.content, target


def test_the_audience_does_see_every_private_word(world: World) -> None:
    boundary = world.extra["talk_boundary"]
    for who in ("ana", "ben"):
        client = _signed_in(world, who)
        version = client.get(
            reverse("conversations:discussion_version", args=[world.polycule_id, boundary.public_id, 1])
        ).content
        assert b"CANARY-D note" in version  # Ben's opening
        assert b"CANARY-D comment" in version
        assert b"CANARY-D reply" in version
        item = client.get(reverse("conversations:discussion_item", args=[world.polycule_id, boundary.public_id]))
        assert b"CANARY-D about the whole boundary" in item.content
        proposal = world.extra["talk_proposal"]
        talk = client.get(reverse("conversations:discussion_proposal", args=[world.polycule_id, proposal.public_id]))
        assert b"CANARY-D on the proposal" in talk.content


def test_cy_is_let_into_open_talk_and_asked_about_nothing_private(world: World) -> None:
    cy = _signed_in(world, "cy")
    open_boundary = world.extra["talk_open_boundary"]
    response = cy.get(reverse("conversations:discussion_item", args=[world.polycule_id, open_boundary.public_id]))
    assert response.status_code == 200
    assert b"Start the conversation" in response.content
    assert selectors.talk_requests(world.cy) == []
    assert selectors.talk_requests(world.ana) == []  # she wrote back under Ben's ask


def test_someone_who_left_or_an_outsider_reaches_nothing(world: World) -> None:
    comment = world.extra["talk_comment"]
    for who in ("dee", "zed"):
        client = _signed_in(world, who)
        for target in (
            reverse("conversations:comment_correct", args=[world.polycule_id, comment.public_id]),
            reverse("conversations:discussion_item", args=[world.polycule_id, world.extra["talk_boundary"].public_id]),
        ):
            response = client.get(target)
            assert response.status_code == 404
            assert CANARY not in response.content
    # Zed, in his own polycule, with the ids of Ana's polycule.
    zed = _signed_in(world, "zed")
    data = {"text": "Hello", "discussion": comment.discussion.public_id}
    response = zed.post(
        reverse("conversations:comment_reply", args=[world.zed.polycule.public_id, comment.public_id]), data
    )
    assert response.status_code == 404
    assert not Comment.objects.filter(author=world.zed).exists()
