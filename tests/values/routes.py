"""Values routes for the authorization matrix. The world gets, shared only with
Ana (steward) and Ben (member), so that Cy is outside their audience:
Ana's boundary, an adopted agreement, Ana's open proposal to change it and
Ben's suggestion on Ana's boundary."""

from collections.abc import Callable
from typing import Any

from tests.matrix import WORLD_EXTENSIONS, Route, World, polycule
from values import services
from values.models import Item, Kind, Response


def _extend(world: World) -> None:
    ana, ben = world.ana, world.ben
    private: dict[str, Any] = {"everyone": False, "audience": [ben.public_id]}
    boundary = services.create_boundary(
        owner=ana, title="CANARY-B title", text="CANARY-B text", why="CANARY-B why", **private
    )
    proposal = services.propose_new(
        proposer=ana, kind=Kind.AGREEMENT, title="CANARY-A title", text="CANARY-A text", why="CANARY-A why", **private
    )
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Response.Answer.CONSENT)
    agreement = Item.objects.get(pk=proposal.item_id)
    change = services.propose_change(
        proposer=ana, item=agreement, base_number=1, title="CANARY-P title", text="CANARY-P text", why="CANARY-P why"
    )
    suggestion = services.suggest_change(author=ben, item=boundary, base_number=1, text="CANARY-S", why="CANARY-S why")
    world.extra.update(boundary=boundary, agreement=agreement, proposal=change, suggestion=suggestion)


WORLD_EXTENSIONS.append(_extend)


def boundary(world: World) -> dict[str, Any]:
    return {**polycule(world), "item_id": world.extra["boundary"].public_id}


def agreement(world: World) -> dict[str, Any]:
    return {**polycule(world), "item_id": world.extra["agreement"].public_id}


def proposal(world: World) -> dict[str, Any]:
    return {**polycule(world), "proposal_id": world.extra["proposal"].public_id}


def suggestion(world: World) -> dict[str, Any]:
    return {**polycule(world), "suggestion_id": world.extra["suggestion"].public_id}


def kind(name: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {**polycule(world), "kind": name}


WORDS = {"title": "New title", "text": "New words", "why": "Because", "base": 1}

ROUTES = [
    Route("values:item_list", polycule, queries=6),
    Route("values:item_create", kind("boundary"), queries=4),
    Route(
        "values:item_create",
        kind("boundary"),
        "post",
        lambda w: {**WORDS, "category": "other", "everyone": "1"},
        302,
        302,
        queries=10,
    ),
    Route("values:item_detail", boundary, queries=8, private=True),
    Route("values:item_detail", agreement, queries=8, private=True),
    Route(
        "values:boundary_acknowledge",
        boundary,
        "post",
        lambda w: {"version": 1, "answer": "understood"},
        302,
        302,
        queries=8,
        fragment=8,
        private=True,
    ),
    Route("values:item_reaffirm", boundary, "post", member=302, steward=302, queries=9, fragment=10, private=True),
    Route("values:item_consent", agreement, "post", lambda w: {"version": 1}, 302, 302, queries=7, private=True),
    Route("values:boundary_edit", boundary, member=404, queries=4, private=True),
    Route("values:boundary_edit", boundary, "post", lambda w: WORDS, 404, 302, queries=10, private=True),
    Route("values:boundary_retire", boundary, member=404, queries=4, private=True),
    Route("values:boundary_retire", boundary, "post", member=404, steward=302, queries=9, private=True),
    Route("values:boundary_audience", boundary, member=404, queries=5, private=True),
    Route(
        "values:boundary_audience",
        boundary,
        "post",
        lambda w: {"everyone": "0", "audience": [str(w.ben.public_id)]},
        404,
        302,
        queries=12,
        private=True,
    ),
    Route("values:version_list", boundary, queries=5, private=True),
    Route("values:version_diff", boundary, queries=5, private=True),
    Route("values:suggestion_create", boundary, steward=404, queries=4, private=True),
    Route(
        "values:suggestion_create",
        boundary,
        "post",
        lambda w: {"base": 1, "text": "t", "why": "w"},
        302,
        404,
        queries=10,
        private=True,
    ),
    Route("values:suggestion_take", suggestion, member=404, queries=4, private=True),
    Route("values:suggestion_take", suggestion, "post", lambda w: WORDS, 404, 302, queries=11, private=True),
    Route(
        "values:suggestion_decline",
        suggestion,
        "post",
        lambda w: {"reply": "Not now"},
        404,
        302,
        queries=9,
        private=True,
    ),
    Route("values:proposal_create", agreement, queries=5, private=True),
    Route("values:proposal_create", agreement, "post", lambda w: WORDS, 302, 302, queries=13, private=True),
    Route("values:proposal_retire", agreement, queries=4, private=True),
    Route(
        "values:proposal_retire",
        agreement,
        "post",
        lambda w: {"base": 1, "why": "w"},
        302,
        302,
        queries=12,
        private=True,
    ),
    Route("values:proposal_detail", proposal, queries=7, private=True),
    Route(
        "values:proposal_respond",
        proposal,
        "post",
        lambda w: {"revision": 1, "answer": "consent"},
        302,
        302,
        queries=13,
        fragment=12,
        private=True,
    ),
    Route("values:proposal_amend", proposal, member=404, queries=4, private=True),
    Route("values:proposal_amend", proposal, "post", lambda w: WORDS, 404, 302, queries=11, private=True),
    Route("values:proposal_withdraw", proposal, "post", member=404, steward=302, queries=9, private=True),
    Route("values:proposal_nudge", proposal, "post", member=404, steward=302, queries=9, private=True),
]
