"""Discussion routes for the authorization matrix. The world gets its own objects, shared only
with Ana (steward) and Ben (member), so that Cy is outside their audience: Ana's boundary, which
Ben asked to talk about, with talk about it, about its version 1 (Ben's comment, Ana's reply) and
about Ana's proposal of a new agreement. Every private word carries CANARY, which must never
reach Cy (tests/values/test_privacy.py, tests/conversations/test_discussions_privacy.py). Ben's
boundary, shared with everyone, shows that Cy is let in where she belongs."""

from typing import Any

from conversations.services import discussions as talk
from tests.matrix import WORLD_EXTENSIONS, Route, World, polycule
from values import services
from values.models import Acknowledgment, Kind


def _extend(world: World) -> None:
    ana, ben = world.ana, world.ben
    private: dict[str, Any] = {"everyone": False, "audience": [ben.public_id]}
    boundary = services.create_boundary(
        owner=ana, title="CANARY-D title", text="CANARY-D text", why="CANARY-D why", **private
    )
    services.acknowledge(
        member=ben, item=boundary, version_number=1, answer=Acknowledgment.Answer.TALK, note="CANARY-D note"
    )
    version = boundary.versions.get(number=1)
    asked = talk.comment_about(author=ben, item=boundary, version=version, text="CANARY-D comment")
    talk.comment(author=ana, discussion=asked.discussion, text="CANARY-D reply", parent=asked)
    talk.comment_about(author=ben, item=boundary, text="CANARY-D about the whole boundary")
    proposal = services.propose_new(
        proposer=ana, kind=Kind.AGREEMENT, title="CANARY-D agreement", text="CANARY-D words", why="CANARY-D", **private
    )
    talk.comment_about(author=ben, item=proposal.item, proposal=proposal, text="CANARY-D on the proposal")
    open_boundary = services.create_boundary(owner=ben, title="Tell me early", text="About plans.", why="Calm.")
    world.extra.update(
        talk_boundary=boundary, talk_comment=asked, talk_proposal=proposal, talk_open_boundary=open_boundary
    )


WORLD_EXTENSIONS.append(_extend)


def boundary(world: World) -> dict[str, Any]:
    return {**polycule(world), "item_id": world.extra["talk_boundary"].public_id}


def version(world: World) -> dict[str, Any]:
    return {**boundary(world), "number": 1}


def proposal(world: World) -> dict[str, Any]:
    return {**polycule(world), "proposal_id": world.extra["talk_proposal"].public_id}


def open_boundary(world: World) -> dict[str, Any]:
    return {**polycule(world), "item_id": world.extra["talk_open_boundary"].public_id}


def comment(world: World) -> dict[str, Any]:
    return {**polycule(world), "comment_id": world.extra["talk_comment"].public_id}


def discussion(world: World) -> dict[str, Any]:
    return {**polycule(world), "discussion_id": world.extra["talk_comment"].discussion.public_id}


def words(world: World) -> dict[str, Any]:
    return {"text": "Can we talk on Sunday?"}


def reply(world: World) -> dict[str, Any]:
    return {"text": "Sunday works.", "discussion": world.extra["talk_comment"].discussion.public_id}


ROUTES = [
    Route("conversations:discussion_item", boundary, queries=6, private=True),
    Route("conversations:discussion_item", open_boundary, queries=5),
    Route("conversations:discussion_item", boundary, "post", words, 302, 302, fragment=10, private=True),
    Route("conversations:discussion_version", version, queries=7, private=True),
    Route("conversations:discussion_version", version, "post", words, 302, 302, fragment=10, private=True),
    Route("conversations:discussion_proposal", proposal, queries=6, private=True),
    Route("conversations:discussion_proposal", proposal, "post", words, 302, 302, fragment=10, private=True),
    Route("conversations:comment_reply", comment, "post", reply, 302, 302, fragment=10, private=True),
    # Ben wrote the comment: he may correct it; Ana gets 404, as for anything not hers to change.
    Route("conversations:comment_correct", comment, member=200, steward=404, queries=7, private=True),
    Route("conversations:comment_correct", comment, "post", words, 302, 404, queries=9, fragment=10, private=True),
    Route(
        "conversations:discussion_mute",
        discussion,
        "post",
        member=302,
        steward=302,
        queries=9,
        fragment=9,
        private=True,
    ),
    Route(
        "conversations:discussion_unmute",
        discussion,
        "post",
        member=302,
        steward=302,
        queries=7,
        fragment=7,
        private=True,
    ),
]
