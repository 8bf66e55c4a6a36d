"""What-if rounds in the authorization matrix, and how the rounds' tests build a round.

The world gets two rounds Ana asked of Ben alone, so that Cy, who was not asked, gets 404 for
both (``private=True``): a sealed one, which Ben has answered and Ana has not, its deadline passed
so that Ana may reveal it; and a revealed one, with its discussion open."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from conversations.models import Round
from conversations.services import rounds as services
from relationships.models import Membership
from tests.matrix import WORLD_EXTENSIONS, Route, World, polycule

# Ben's answers in the world: never for Cy, who was not asked (tests/values/test_privacy.py looks
# for CANARY everywhere she can go). Ana's actions in the matrix reveal the first, so it is not the
# SEALED-CANARY that tests/test_canaries.py and test_rounds_privacy.py plant where nothing reveals it.
ASKED = "ROUND-CANARY Ben's answer, which Ana reads once she answers or reveals"
REVEALED = "REVEALED-CANARY Ben's answer, for Ana and Ben alone"
SEALED = "SEALED-CANARY Ben's answer, which nobody may read before the reveal"
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def ask(asker: Membership, *others: Membership, prompt: str = "What if we lived apart?", **kwargs: Any) -> Round:
    return services.open_round(asker=asker, prompt=prompt, participants=[m.public_id for m in others], **kwargs)


def past_deadline(round: Round) -> Round:
    """Moves a round's deadline to an hour ago, as if time had passed."""
    Round.objects.filter(pk=round.pk).update(deadline=timezone.now() - timedelta(hours=1))
    round.refresh_from_db()
    return round


def fresh(round: Round) -> Round:
    return Round.objects.get(pk=round.pk)


def url(name: str, round: Round) -> str:
    return reverse(f"conversations:{name}", args=[round.polycule.public_id, round.public_id])


def _extend(world: World) -> None:
    ana, ben = world.ana, world.ben
    sealed = ask(ana, ben, prompt="What if one of us moved away?", deadline=timezone.now() + timedelta(days=1))
    services.answer(member=ben, round=sealed, text=ASKED)
    past_deadline(sealed)
    revealed = ask(ana, ben, prompt="What if someone new came along?")
    services.answer(member=ben, round=revealed, text=REVEALED)
    services.answer(member=ana, round=revealed, text="REVEALED-CANARY Ana's answer")
    world.extra.update(sealed_round=sealed, revealed_round=revealed)


WORLD_EXTENSIONS.append(_extend)


def sealed(world: World) -> dict[str, Any]:
    return {**polycule(world), "round_id": world.extra["sealed_round"].public_id}


def revealed(world: World) -> dict[str, Any]:
    return {**polycule(world), "round_id": world.extra["revealed_round"].public_id}


def _new_round(world: World) -> dict[str, Any]:
    everyone = [m.public_id for m in (world.ana, world.ben, world.cy)]
    return {"prompt_key": "distance-move", "participants": everyone, "deadline_days": "7"}


ROUTES: list[Route] = [
    Route("conversations:round_create", polycule, queries=4),
    Route("conversations:round_create", polycule, "post", _new_round, 302, 302),
    Route("conversations:round_detail", sealed, queries=5, private=True),
    Route("conversations:round_detail", revealed, queries=9, private=True),
    # Ben changes his sealed answer; Ana's is the last, which reveals them all.
    Route(
        "conversations:round_answer",
        sealed,
        "post",
        lambda w: {"text": "My answer"},
        302,
        302,
        queries=10,
        fragment=10,
        private=True,
    ),
    # Ben withdraws his answer; Ana has none to withdraw.
    Route("conversations:round_withdraw", sealed, "post", member=302, steward=409, queries=9, fragment=9, private=True),
    # Only Ana, who asked, may reveal after the deadline.
    Route("conversations:round_reveal", sealed, "post", member=403, steward=302, queries=9, fragment=9, private=True),
    Route(
        "conversations:round_comment",
        revealed,
        "post",
        lambda w: {"text": "Talking it over"},
        302,
        302,
        fragment=10,
        private=True,
    ),
]
