"""Journal routes for the authorization matrix. The world gets an entry of Ana's and a draft
boundary started from it; they are hers alone, so everyone else gets 404."""

from typing import Any

from conversations.models import Draft
from conversations.services import journal
from tests.matrix import WORLD_EXTENSIONS, Route, World

BOUNDARY = {
    "title": "JOURNAL-CANARY draft title",
    "text": "JOURNAL-CANARY draft text",
    "why": "JOURNAL-CANARY draft why",
    "category": "other",
    "everyone": True,
    "audience": [],
    "review_every_days": None,
}


def _extend(world: World) -> None:
    ana = world.ana
    entry = journal.write_entry(author=ana.user, text="JOURNAL-CANARY entry", prompt="What do you need right now?")
    draft = journal.start_draft(author=ana.user, entry=entry, membership=ana, kind=Draft.Kind.BOUNDARY)
    draft = journal.save_draft(author=ana.user, draft=draft, data=BOUNDARY)
    world.extra.update(entry=entry, draft=draft)


WORLD_EXTENSIONS.append(_extend)


def entry(world: World) -> dict[str, Any]:
    return {"entry_id": world.extra["entry"].public_id}


def draft(world: World) -> dict[str, Any]:
    return {"draft_id": world.extra["draft"].public_id}


def _form(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "everyone": "1", "review_every_days": ""}


ROUTES = [
    Route("conversations:journal_entry", entry, member=404, queries=5, private=True),
    Route("conversations:entry_edit", entry, member=404, queries=4, private=True),
    Route("conversations:entry_edit", entry, "post", lambda w: {"text": "Changed"}, 404, 302, queries=5, private=True),
    Route("conversations:entry_delete", entry, member=404, queries=4, private=True),
    Route("conversations:entry_delete", entry, "post", member=404, steward=302, queries=6, private=True),
    Route(
        "conversations:draft_create", entry, "post", lambda w: {"kind": "boundary"}, 404, 302, queries=6, private=True
    ),
    Route("conversations:draft_edit", draft, member=404, queries=4, private=True),
    Route("conversations:draft_edit", draft, "post", lambda w: _form(BOUNDARY), 404, 302, queries=6, private=True),
    Route("conversations:draft_pause", draft, member=404, queries=4, private=True),
    Route("conversations:draft_send", draft, "post", member=404, steward=302, queries=12, private=True),
    Route("conversations:draft_keep", draft, "post", member=404, steward=302, queries=6, private=True),
]
