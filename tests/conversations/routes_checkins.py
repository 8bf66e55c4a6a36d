"""Check-in routes for the authorization matrix. The world gets two check-ins, both Ana's:
one for Ana and Ben alone, started an hour ago, so that Cy is outside it, with a topic, a note,
an action of Ana's and Ben's reconnect line, every word of them carrying CANARY-K; and one for
everyone, planned for tomorrow, where Cy belongs, and which the private one's open action is
carried to (for Ana and Ben only)."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from conversations.services import checkins as services
from tests.matrix import WORLD_EXTENSIONS, Route, World, polycule


def _extend(world: World) -> None:
    ana, ben, cy = world.ana, world.ben, world.cy
    now = timezone.now()
    private = services.start_checkin(
        by=ana,
        title="CANARY-K title",
        time_zone="Europe/Paris",
        everyone=False,
        audience=[ben.public_id],
        now=now - timedelta(hours=1),
    )
    topic = services.add_topic(member=ben, checkin=private, title="CANARY-K topic")
    services.add_note(member=ana, topic=topic, text="CANARY-K note")
    action = services.agree_action(member=ben, checkin=private, owner=ana, text="CANARY-K action")
    services.reconnect(member=ben, checkin=private, text="CANARY-K how I am")
    everyone = services.plan_checkin(
        by=ana, title="Monthly check-in", day=(now + timedelta(days=1)).date(), at=now.time(), time_zone="UTC"
    )
    services.add_topic(member=cy, checkin=everyone, title="The summer holidays")
    services.agree_action(member=cy, checkin=everyone, owner=cy, text="Ask about the cabin")
    world.extra.update(checkin=private, topic=topic, action=action, open_checkin=everyone)


WORLD_EXTENSIONS.append(_extend)


def checkin(world: World) -> dict[str, Any]:
    return {**polycule(world), "checkin_id": world.extra["checkin"].public_id}


def open_checkin(world: World) -> dict[str, Any]:
    return {**polycule(world), "checkin_id": world.extra["open_checkin"].public_id}


def topic(world: World) -> dict[str, Any]:
    return {**polycule(world), "topic_id": world.extra["topic"].public_id}


def action(world: World) -> dict[str, Any]:
    return {**polycule(world), "action_id": world.extra["action"].public_id}


def planned(world: World) -> dict[str, Any]:
    day = (timezone.now() + timedelta(days=7)).date()
    when = {"date": day.isoformat(), "time": "19:00", "time_zone": "Europe/Paris", "when": "later"}
    return {"title": "Sunday talk", **when, "everyone": "1"}


ROUTES = [
    Route("conversations:checkin_list", polycule, queries=6),
    Route("conversations:checkin_create", polycule, queries=5),
    Route("conversations:checkin_create", polycule, "post", planned, 302, 302, queries=10),
    Route("conversations:checkin_detail", checkin, queries=10, private=True),
    Route("conversations:checkin_detail", open_checkin, queries=10),
    Route(
        "conversations:topic_create",
        checkin,
        "post",
        lambda w: {"title": "Where we sleep"},
        302,
        302,
        queries=9,
        fragment=10,
        private=True,
    ),
    Route(
        "conversations:topic_create",
        open_checkin,
        "post",
        lambda w: {"title": "Birthdays"},
        302,
        302,
        queries=9,
        fragment=10,
    ),
    Route(
        "conversations:note_create",
        topic,
        "post",
        lambda w: {"text": "We agreed to try it"},
        302,
        302,
        queries=9,
        fragment=10,
        private=True,
    ),
    Route(
        "conversations:action_create",
        checkin,
        "post",
        lambda w: {"text": "Call the landlord", "owner": str(w.ben.public_id)},
        302,
        302,
        fragment=10,
        private=True,
    ),
    # Ana's action: hers to mark done; Ben sees it, and is told it isn't his.
    Route("conversations:action_done", action, "post", member=403, steward=302, queries=8, fragment=8, private=True),
    Route(
        "conversations:reconnect",
        checkin,
        "post",
        lambda w: {"text": "Lighter than before"},
        302,
        302,
        queries=9,
        fragment=9,
        private=True,
    ),
    Route("conversations:checkin_hold", checkin, "post", member=302, steward=302, queries=8, fragment=10, private=True),
]
