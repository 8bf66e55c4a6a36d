"""The conversations' part of a polycule's timeline: choices shared, what-if rounds opened and
revealed, check-ins held, discussions started, each only for those who may see it. Never a
journal entry, never an answer: a round's line says that it opened or was revealed, nothing
of what anyone wrote. Same columns as values.timeline, merged by home.timeline; a choice's,
a round's and a check-in's rows carry their public id and words, so that only discussions
are read again for their lines."""

from collections.abc import Mapping
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse

from accounts import paging
from relationships.models import Membership, Polycule
from values.models import Item
from values.timeline import COLUMNS, After, Line, Part, Row, kind, newest, no_public_ref, no_words, none

from .models import CheckIn, Choice, Discussion, Round

CHOICE_SHARED = "choice_shared"
ROUND_OPENED = "round_opened"
ROUND_REVEALED = "round_revealed"
CHECKIN_HELD = "checkin_held"
DISCUSSION_STARTED = "discussion_started"
KINDS = (CHOICE_SHARED, ROUND_OPENED, ROUND_REVEALED, CHECKIN_HELD, DISCUSSION_STARTED)
GROUP = "talk"
LABEL = "Choices, what-ifs, check-ins and discussions"
# Where each kind's line leads, and what its ``words`` column is.
_PAGES = {
    CHOICE_SHARED: ("conversations:choice_detail", "text"),
    ROUND_OPENED: ("conversations:round_detail", "prompt"),
    ROUND_REVEALED: ("conversations:round_detail", "prompt"),
    CHECKIN_HELD: ("conversations:checkin_detail", "title"),
}
_VERBS = {
    CHOICE_SHARED: "shared a choice:",
    ROUND_OPENED: "asked “what if”",
    ROUND_REVEALED: "Everyone's answers revealed:",
    CHECKIN_HELD: "held",
    DISCUSSION_STARTED: "started a discussion about",
}


def parts(
    membership: Membership,
    *,
    group: str = "",
    person: Membership | None = None,
    item: Item | None = None,
    after: After | None = None,
    size: int = paging.PAGE_SIZE,
) -> list[Part]:
    """The conversations' rows this member may see."""
    if group and group != GROUP:
        return []
    discussions = Discussion.objects.visible_to(membership).filter(item__isnull=False)
    if item:
        discussions = discussions.filter(item=item)
    sources: list[tuple[str, QuerySet[Any], str, str | None]] = [
        (DISCUSSION_STARTED, discussions, "created_at", "started_by_id"),
    ]
    if not item:
        rounds = Round.objects.visible_to(membership)
        sources += [
            (CHOICE_SHARED, Choice.objects.visible_to(membership), "created_at", "author_id"),
            (ROUND_OPENED, rounds, "created_at", "asker_id"),
            (ROUND_REVEALED, rounds.filter(revealed_at__isnull=False), "revealed_at", None),
            (
                CHECKIN_HELD,
                CheckIn.objects.visible_to(membership).filter(held_at__isnull=False),
                "held_at",
                "held_by_id",
            ),
        ]
    found: list[Part] = []
    for name, rows, moment, actor in sources:
        if person:
            if actor is None:
                continue  # nobody reveals a round: it reveals itself
            rows = rows.filter(**{actor: person.pk})
        shown = name in _PAGES
        part = (
            rows.order_by()
            .annotate(
                at=F(moment),
                kind=kind(name),
                ref=F("id"),
                actor_ref=F(actor) if actor else none(),
                public_ref=F("public_id") if shown else no_public_ref(),
                words=F(_PAGES[name][1]) if shown else no_words(),
            )
            .values(*COLUMNS)
        )
        found.append(newest(part, after=after, size=size))
    return found


def lines(rows: list[Row], *, people: Mapping[int, Membership], polycule: Polycule) -> list[Line | None]:
    """The lines of the rows that are the conversations' (None for the others): one query at
    most, for the discussions."""
    refs = {r["ref"] for r in rows if r["kind"] == DISCUSSION_STARTED}
    discussions = (
        Discussion.objects.select_related(
            "polycule", "item__current_version", "version", "proposal", "round__polycule"
        ).in_bulk(refs)
        if refs
        else {}
    )
    found: list[Line | None] = []
    for r in rows:
        name = r["kind"]
        actor = people.get(r["actor_ref"]) if r["actor_ref"] else None
        if name in _PAGES:
            url = reverse(_PAGES[name][0], args=[polycule.public_id, r["public_ref"]])
            found.append(Line(r["at"], name, actor, _VERBS[name], url=url, text=r["words"] or ""))
        elif name == DISCUSSION_STARTED and (talk := discussions.get(r["ref"])) is not None:
            about = talk.item.title if talk.item else ""
            found.append(Line(r["at"], name, actor, _VERBS[name], url=talk.get_absolute_url(), text=about))
        else:
            found.append(None)
    return found
