"""The conversations' part of a polycule's timeline: choices shared, what-if rounds opened and
revealed, check-ins held, discussions started, each only for those who may see it. Never a
journal entry, never an answer: a round's line says that it opened or was revealed, nothing
of what anyone wrote. Same columns as values.timeline, merged by home.timeline."""

from typing import Any

from django.db.models import F, QuerySet

from relationships.models import Membership
from values.models import Item
from values.timeline import COLUMNS, Line, Part, Row, kind, none

from .models import CheckIn, Choice, Discussion, Round

CHOICE_SHARED = "choice_shared"
ROUND_OPENED = "round_opened"
ROUND_REVEALED = "round_revealed"
CHECKIN_HELD = "checkin_held"
DISCUSSION_STARTED = "discussion_started"
KINDS = (CHOICE_SHARED, ROUND_OPENED, ROUND_REVEALED, CHECKIN_HELD, DISCUSSION_STARTED)
GROUP = "talk"
LABEL = "Choices, what-ifs, check-ins and discussions"


def parts(
    membership: Membership, *, group: str = "", person: Membership | None = None, item: Item | None = None
) -> list[Part]:
    """The conversations' rows this member may see, unordered."""
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
        about_item = name == DISCUSSION_STARTED
        found.append(
            rows.order_by()
            .annotate(
                at=F(moment),
                kind=kind(name),
                actor_ref=F(actor) if actor else none(),
                item_ref=F("item_id") if about_item else none(),
                version_ref=F("version_id") if about_item else none(),
                proposal_ref=F("proposal_id") if about_item else none(),
                other_ref=F("id"),
            )
            .values(*COLUMNS)
        )
    return found


def lines(rows: list[Row]) -> list[Line | None]:
    """The lines of the rows that are the conversations' (None for the others); fixed queries."""
    ours = [r for r in rows if r["kind"] in KINDS]
    refs = {name: {r["other_ref"] for r in ours if r["kind"] in names} for name, names in _MODELS.items()}
    actors = Membership.objects.in_bulk({r["actor_ref"] for r in ours if r["actor_ref"]})
    choices = Choice.objects.select_related("polycule").in_bulk(refs["choice"])
    rounds = Round.objects.select_related("polycule").in_bulk(refs["round"])
    checkins = CheckIn.objects.select_related("polycule").in_bulk(refs["checkin"])
    discussions = Discussion.objects.select_related(
        "polycule", "item__current_version", "version", "proposal", "round__polycule"
    ).in_bulk(refs["discussion"])
    found: list[Line | None] = []
    for r in rows:
        actor = actors.get(r["actor_ref"])
        at, ref = r["at"], r["other_ref"]
        match r["kind"]:
            case "choice_shared":
                told = choices.get(ref)
                found.append(
                    Line(at, r["kind"], actor, "shared a choice:", url=_url(told), text=told.text if told else "")
                )
            case "round_opened":
                asked = rounds.get(ref)
                found.append(
                    Line(at, r["kind"], actor, "asked “what if”", url=_url(asked), text=asked.prompt if asked else "")
                )
            case "round_revealed":
                shown = rounds.get(ref)
                found.append(
                    Line(
                        at,
                        r["kind"],
                        None,
                        "Everyone's answers revealed:",
                        url=_url(shown),
                        text=shown.prompt if shown else "",
                    )
                )
            case "checkin_held":
                held = checkins.get(ref)
                found.append(Line(at, r["kind"], actor, "held", url=_url(held), text=held.title if held else ""))
            case "discussion_started":
                talk = discussions.get(ref)
                about = talk.item.title if talk and talk.item else ""
                found.append(Line(at, r["kind"], actor, "started a discussion about", url=_url(talk), text=about))
            case _:
                found.append(None)
    return found


_MODELS = {
    "choice": {CHOICE_SHARED},
    "round": {ROUND_OPENED, ROUND_REVEALED},
    "checkin": {CHECKIN_HELD},
    "discussion": {DISCUSSION_STARTED},
}


def _url(thing: Choice | Round | CheckIn | Discussion | None) -> str:
    return thing.get_absolute_url() if thing else ""
