"""Choices routes for the authorization matrix. The world gets a choice Ana told Ben alone, so
that Cy is outside its audience, linked to a boundary of Ana's that Ben can see too; Ben has
said how it lands, so that Ana may write back to him."""

from typing import Any

from conversations.models import Feeling
from conversations.services.choices import answer_choice, share_choice
from tests.matrix import WORLD_EXTENSIONS, Route, World, polycule
from values import services


def _extend(world: World) -> None:
    ana, ben = world.ana, world.ben
    linked = services.create_boundary(
        owner=ana, title="CANARY-L title", text="CANARY-L text", why="w", everyone=False, audience=[ben.public_id]
    )
    choice = share_choice(
        author=ana,
        text="CANARY-C I'm seeing Sam on Friday",
        why="CANARY-C why",
        everyone=False,
        audience=[ben.public_id],
        items=[linked.public_id],
    )
    answer_choice(member=ben, choice=choice, feeling=Feeling.UNEASY, note="CANARY-C Can we talk first?")
    world.extra.update(choice=choice)


WORLD_EXTENSIONS.append(_extend)


def choice(world: World) -> dict[str, Any]:
    return {**polycule(world), "choice_id": world.extra["choice"].public_id}


ROUTES = [
    Route("conversations:choice_create", polycule, queries=5),
    Route(
        "conversations:choice_create",
        polycule,
        "post",
        lambda w: {"text": "We'll stay in", "why": "", "everyone": "1"},
        302,
        302,
    ),
    # Ana reads Ben's answer for the first time: the page marks it read (two writes).
    Route("conversations:choice_detail", choice, queries=10, private=True),
    # Ben was told and answers; Ana shared it, and has no answer to give.
    Route(
        "conversations:choice_answer",
        choice,
        "post",
        lambda w: {"feeling": "safe", "note": "Thank you for telling me"},
        302,
        403,
        queries=10,
        fragment=10,
        private=True,
    ),
    # Ana shared it and writes back to Ben's answer; Ben may not write back on Ana's choice.
    Route(
        "conversations:choice_write_back",
        choice,
        "post",
        lambda w: {"to": w.ben.public_id, "note": "Thursday evening, over dinner?"},
        403,
        302,
        queries=10,
        fragment=10,
        private=True,
    ),
]
