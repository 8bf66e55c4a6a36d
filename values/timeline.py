"""The values' part of a polycule's timeline: item events, invitations, and members joining
and leaving.

Item events are stored (values.Event); invitations, joining and leaving are read from the
invitations and memberships themselves. Each part is a query of the same columns (``COLUMNS``), so that the page that
gathers the timeline (home.timeline) merges them, and the parts of the apps above, with
UNION ALL; ``lines`` turns the rows of a page back into lines.

A page is found by keyset (accounts.paging), in ``ORDER``: newest first, then by kind and the
row's own id, which together are unique across every part. ``newest`` shapes each part for
that: only its rows after the cursor and, where the database allows ORDER BY and LIMIT inside
a UNION (PostgreSQL), only its first page of them, so that each part is read from its own
index, newest first, and the union sorts a few rows per part, never the history."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, CharField, F, OuterRef, Q, QuerySet, Subquery, TextField, UUIDField, Value
from django.db.models.functions import Cast

from accounts import paging
from relationships.models import Invitation, Membership

from .models import Acknowledgment, Event, Item, Proposal, Response, Version

# Every part's columns, in this order. ``ref`` is the row's own id (the event's, the
# membership's...); ``public_ref`` and ``words`` carry what the apps above show of their
# lines (a choice's public id and its words), so those need no query of their own.
COLUMNS = ("at", "kind", "ref", "actor_ref", "public_ref", "words")
ORDER = ("-at", "-kind", "-ref")
type Row = dict[str, Any]
type Part = QuerySet[Any, Row]
# The cursor: the (at, kind, ref) of the last row shown.
type After = tuple[datetime, str, int]

MEMBER_JOINED = "member_joined"
MEMBER_LEFT = "member_left"
INVITATION_SENT = "invitation_sent"
PROPOSAL_ANSWERED = "proposal_answered"
KIND_GROUPS: dict[str, list[str]] = {
    "items": [
        Event.Kind.ITEM_CREATED,
        Event.Kind.VERSION_ADOPTED,
        Event.Kind.ITEM_RETIRED,
        Event.Kind.AUDIENCE_CHANGED,
    ],
    "proposals": [
        Event.Kind.PROPOSAL_OPENED,
        Event.Kind.PROPOSAL_AMENDED,
        Event.Kind.PROPOSAL_ADOPTED,
        Event.Kind.PROPOSAL_WITHDRAWN,
        PROPOSAL_ANSWERED,
    ],
    "answers": [Event.Kind.ACKNOWLEDGED, Event.Kind.CONSENTED, Event.Kind.REAFFIRMED],
    "suggestions": [Event.Kind.SUGGESTED, Event.Kind.SUGGESTION_DECLINED],
    "members": [INVITATION_SENT, MEMBER_JOINED, MEMBER_LEFT],
}
KIND_LABELS = {
    "items": "Items set, changed or retired",
    "proposals": "Proposals",
    "answers": "Acknowledgments, consents and reaffirmations",
    "suggestions": "Suggestions",
    "members": "Invitations, people joining and leaving",
}


@dataclass
class Line:
    """One line of the timeline, whichever app it comes from."""

    at: datetime
    kind: str
    actor: Membership | None
    verb: str
    item: Item | None = None
    version: Version | None = None
    proposal: Proposal | None = None
    # For the lines of the apps above: where the line leads, and in what words.
    url: str = ""
    text: str = ""
    # Said of no one in particular ("adopted with everyone's consent"): no name before the verb.
    impersonal: bool = False


def none() -> Cast:
    """An empty id column, typed: PostgreSQL reads a bare NULL heading a UNION as text."""
    return Cast(Value(None), output_field=BigIntegerField())


def no_public_ref() -> Cast:
    return Cast(Value(None), output_field=UUIDField())


def no_words() -> Cast:
    return Cast(Value(None), output_field=TextField())


def kind(name: str) -> Value:
    return Value(name, output_field=CharField())


def newest(rows: Part, *, after: After | None, size: int) -> Part:
    """A part's rows after the cursor, newest first, and where the database allows it only
    the ``size + 1`` first: a page needs no more of any part."""
    if after is not None:
        # ``at <= …`` is implied by the keyset condition; said alone, it bounds the index scan.
        rows = rows.filter(Q(at__lte=after[0]) & paging.after_q(ORDER, list(after)))
    if connections[rows.db].features.supports_slicing_ordering_in_compound:
        rows = rows.order_by(*ORDER)[: size + 1]
    return rows


def parts(
    membership: Membership,
    *,
    group: str = "",
    person: Membership | None = None,
    item: Item | None = None,
    after: After | None = None,
    size: int = paging.PAGE_SIZE,
) -> list[Part]:
    """The values' rows this member may see; none for a group that is not theirs."""
    if group and group not in KIND_GROUPS:
        return []
    events = Event.objects.filter(polycule_id=membership.polycule_id, item__in=Item.objects.visible_to(membership))
    kinds = KIND_GROUPS.get(group)
    if kinds:
        events = events.filter(kind__in=kinds)
    if person:
        events = events.filter(actor=person)
    if item:
        events = events.filter(item=item)
    found: list[Part] = []
    if group != "members":
        found.append(
            events.order_by()
            .annotate(
                at=F("created_at"),
                ref=F("id"),
                actor_ref=F("actor_id"),
                public_ref=no_public_ref(),
                words=no_words(),
            )
            .values(*COLUMNS)
        )
    if group in {"", "proposals"}:
        # Answers to proposals, read from the answers themselves: consents, objections and
        # stand-asides, each as given (a changed answer is a line of its own). The proposer's
        # own consent, given by proposing, is the "proposed" line already.
        # Each of the polycule's newest answers is tested against the items the viewer sees
        # through the item it carries (``Response.item``), so the page is read from the index.
        answers = Response.objects.filter(
            polycule_id=membership.polycule_id, item__in=Item.objects.visible_to(membership)
        ).exclude(member=F("revision__proposal__proposer"))
        if person:
            answers = answers.filter(member=person)
        if item:
            answers = answers.filter(item=item)
        found.append(
            answers.order_by()
            .annotate(
                at=F("created_at"),
                kind=kind(PROPOSAL_ANSWERED),
                ref=F("id"),
                actor_ref=F("member_id"),
                public_ref=no_public_ref(),
                words=Cast(F("answer"), output_field=TextField()),
            )
            .values(*COLUMNS)
        )
    if not item and group in {"", "members"}:
        members = Membership.objects.filter(polycule_id=membership.polycule_id).order_by()
        if person:
            members = members.filter(pk=person.pk)
        # A joining's words: the name of whoever invited them, if an invitation brought them.
        inviter = Invitation.objects.filter(accepted_membership=OuterRef("pk")).values("invited_by__display_name")[:1]
        for name, moment, subset, words in (
            (MEMBER_JOINED, "joined_at", members, Subquery(inviter, output_field=TextField())),
            (MEMBER_LEFT, "left_at", members.filter(left_at__isnull=False), no_words()),
        ):
            found.append(
                subset.annotate(
                    at=F(moment),
                    kind=kind(name),
                    ref=F("id"),
                    actor_ref=F("id"),
                    public_ref=no_public_ref(),
                    words=words,
                ).values(*COLUMNS)
            )
        invitations = Invitation.objects.filter(polycule_id=membership.polycule_id).order_by()
        if person:
            invitations = invitations.filter(invited_by=person)
        found.append(
            invitations.annotate(
                at=F("created_at"),
                kind=kind(INVITATION_SENT),
                ref=F("id"),
                actor_ref=F("invited_by_id"),
                public_ref=no_public_ref(),
                words=Cast(F("email"), output_field=TextField()),
            ).values(*COLUMNS)
        )
    return [newest(part, after=after, size=size) for part in found]


RESPONSE_VERBS: dict[str, str] = {
    Response.Answer.CONSENT: "consented to the proposal",
    Response.Answer.STAND_ASIDE: "stood aside on the proposal",
    Response.Answer.OBJECT: "objected to the proposal",
}
ANSWER_VERBS = {
    Acknowledgment.Answer.UNDERSTOOD: "understood",
    Acknowledgment.Answer.TALK: "would like to talk about",
}


def _member_line(r: Row, people: Mapping[int, Membership], founder: Membership | None) -> Line:
    actor = people.get(r["actor_ref"])
    if r["kind"] == MEMBER_LEFT:
        verb = "left the polycule"
    elif r["words"]:
        verb = f"joined the polycule, invited by {r['words']}"
    elif actor is not None and actor == founder:
        verb = "started the polycule"
    else:
        verb = "joined the polycule"
    return Line(at=r["at"], kind=r["kind"], actor=actor, verb=verb)


def lines(rows: list[Row], *, people: Mapping[int, Membership]) -> list[Line | None]:
    """The lines of the rows that are the values' (None for the others): one query at most,
    for the events (with what an acknowledgment said); ``people`` are the polycule's
    memberships, by id."""
    refs = {r["ref"] for r in rows if r["kind"] in Event.Kind.values}
    said = Acknowledgment.objects.filter(version=OuterRef("version"), member=OuterRef("actor")).values("answer")[:1]
    events = (
        Event.objects.select_related(
            "item__current_version", "item__polycule", "version", "proposal__revision", "proposal__item__polycule"
        )
        .annotate(answer=Subquery(said))
        .in_bulk(refs)
        if refs
        else {}
    )
    founder = min(people.values(), key=lambda m: (m.joined_at, m.pk), default=None)
    answer_refs = {r["ref"] for r in rows if r["kind"] == PROPOSAL_ANSWERED}
    answered = (
        Response.objects.select_related(
            "revision__proposal__revision",
            "revision__proposal__item__current_version",
            "revision__proposal__item__polycule",
        ).in_bulk(answer_refs)
        if answer_refs
        else {}
    )
    found: list[Line | None] = []
    for r in rows:
        if r["kind"] in {MEMBER_JOINED, MEMBER_LEFT}:
            found.append(_member_line(r, people, founder))
        elif r["kind"] == PROPOSAL_ANSWERED and (response := answered.get(r["ref"])) is not None:
            proposal = response.revision.proposal
            found.append(
                Line(
                    at=r["at"],
                    kind=r["kind"],
                    actor=people.get(r["actor_ref"]),
                    verb=RESPONSE_VERBS.get(response.answer, "answered"),
                    item=proposal.item,
                    proposal=proposal,
                )
            )
        elif r["kind"] == INVITATION_SENT:
            verb = f"invited {r['words']}"
            found.append(Line(at=r["at"], kind=r["kind"], actor=people.get(r["actor_ref"]), verb=verb))
        elif (event := events.get(r["ref"])) is not None and r["kind"] in Event.Kind.values:
            adopted = r["kind"] == Event.Kind.PROPOSAL_ADOPTED
            if adopted:
                verb = "Adopted with everyone's consent:"
            elif r["kind"] == Event.Kind.ACKNOWLEDGED:
                verb = ANSWER_VERBS.get(event.answer, "answered")
            else:
                verb = str(Event.Kind(r["kind"]).label)
            found.append(
                Line(
                    at=r["at"],
                    kind=r["kind"],
                    actor=None if adopted else people.get(r["actor_ref"]),
                    verb=verb,
                    item=event.item,
                    version=event.version,
                    proposal=event.proposal,
                    impersonal=adopted,
                )
            )
        else:
            found.append(None)
    return found
