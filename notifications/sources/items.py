"""Notices from values, boundaries and agreements: read from the rows values already keeps
(its events, responses, acknowledgments, nudges, and review dates). values never calls here."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from conversations.models import Comment, Mute
from relationships.models import Membership
from values import selectors as values
from values.models import (
    Acknowledgment,
    Event,
    Item,
    ItemAudience,
    Nudge,
    Proposal,
    Reaffirmation,
    Response,
    Suggestion,
)
from values.models import Kind as ItemKind

from ..kinds import Kind
from ..models import Notice
from .base import (
    ANSWERED,
    CLOSED,
    DONE,
    MISSING,
    MUTED,
    RETIRED,
    SUPERSEDED,
    About,
    Audiences,
    Candidate,
    Found,
    Gone,
    absolute,
    number,
    others,
    proposal_title,
    still_there,
)

EVENT = "values.event"
OBJECTION = "values.objection"
TALK = "values.talk"
NUDGE = "values.nudge"
REVIEW = "review"
PREFIXES = (EVENT, OBJECTION, TALK, NUDGE, REVIEW)

TOLD: dict[str, Kind] = {
    Event.Kind.ITEM_CREATED: Kind.VERSION,
    Event.Kind.VERSION_ADOPTED: Kind.VERSION,
    Event.Kind.PROPOSAL_OPENED: Kind.PROPOSAL,
    Event.Kind.PROPOSAL_AMENDED: Kind.PROPOSAL,
    Event.Kind.PROPOSAL_ADOPTED: Kind.DECIDED,
    Event.Kind.PROPOSAL_WITHDRAWN: Kind.DECIDED,
    Event.Kind.SUGGESTED: Kind.SUGGESTION,
}
NOUN = {ItemKind.VALUE: "value", ItemKind.AGREEMENT: "agreement", ItemKind.BOUNDARY: "boundary"}


def _name(member: Membership | None) -> str:
    return member.display_name if member is not None else "Someone"


def _noun(item: Item) -> str:
    return NOUN.get(ItemKind(item.kind), "item")


# Who is told


def _told_of_event(event: Event, audience: list[Membership]) -> list[Membership]:
    item = event.item
    match TOLD[event.kind]:
        case Kind.VERSION:
            return others(audience, item.owner_id, event.actor_id) if item.kind == ItemKind.BOUNDARY else []
        case Kind.SUGGESTION:
            return [m for m in audience if m.pk == item.owner_id and m.pk != event.actor_id]
        case _ if event.kind == Event.Kind.PROPOSAL_ADOPTED:
            # Recorded as the proposer's, yet made by the last answer: the proposer hears of it,
            # the one whose answer adopted it (and saw it say so) does not.
            return others(audience, _adopted_by(event))
        case _:
            return others(audience, event.actor_id)


def _adopted_by(event: Event) -> int | None:
    """Whose answer adopted the proposal: the last one given to its final wording (the proposer's
    own consent, for a proposal with nobody else to ask)."""
    latest = Response.objects.filter(revision__proposal=event.proposal_id).order_by("-created_at", "-id")
    return latest.values_list("member_id", flat=True).first()


def _newly_shown(event: Event, audience: list[Membership]) -> list[Membership]:
    """Who a boundary's owner added to its audience by this change: their links were made after
    the audience was last set (the boundary made, or its audience changed before). Not for a
    boundary shown to everyone: its links are not kept, so who newly sees it is not known."""
    item = event.item
    if item.everyone:
        return []
    set_before = (
        Event.objects.filter(
            item=item,
            kind__in=(Event.Kind.ITEM_CREATED, Event.Kind.AUDIENCE_CHANGED),
            created_at__lt=event.created_at,
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    links = ItemAudience.objects.filter(item=item, added_at__lte=event.created_at)
    if set_before is not None:
        links = links.filter(added_at__gt=set_before)
    added = set(links.values_list("membership_id", flat=True))
    return [m for m in others(audience, item.owner_id, event.actor_id) if m.pk in added]


def candidates(since: datetime, now: datetime) -> Iterator[Candidate]:
    audiences = Audiences()
    window = {"created_at__gt": since, "created_at__lte": now}
    events = Event.objects.filter(kind__in=TOLD, **window).select_related("item").order_by("created_at", "id")
    for event in events:
        for member in _told_of_event(event, audiences.of(event.item)):
            yield Candidate(member, TOLD[event.kind], f"{EVENT}:{event.pk}", event.created_at)

    shared = Event.objects.filter(kind=Event.Kind.AUDIENCE_CHANGED, item__kind=ItemKind.BOUNDARY, **window)
    for event in shared.select_related("item").order_by("created_at", "id"):
        for member in _newly_shown(event, audiences.of(event.item)):
            yield Candidate(member, Kind.VERSION, f"{EVENT}:{event.pk}", event.created_at)

    objections = Response.objects.filter(answer=Response.Answer.OBJECT, **window).select_related(
        "revision__proposal__item"
    )
    for response in objections:
        proposal = response.revision.proposal
        for member in others(audiences.of(proposal.item), response.member_id):
            if member.pk == proposal.proposer_id and proposal.is_open:
                yield Candidate(member, Kind.OBJECTION, f"{OBJECTION}:{response.pk}", response.created_at)

    talks = Acknowledgment.objects.filter(answer=Acknowledgment.Answer.TALK, **window).select_related("version__item")
    for ack in talks:
        item = ack.version.item
        for member in others(audiences.of(item), ack.member_id):
            if member.pk == item.owner_id:
                yield Candidate(member, Kind.TALK, f"{TALK}:{ack.pk}", ack.created_at)

    nudges = Nudge.objects.filter(proposal__status=Proposal.Status.OPEN, **window).select_related(
        "proposal__item", "proposal__revision"
    )
    for nudge in nudges:
        for member in others(values.waiting_on(nudge.proposal), nudge.by_id):
            yield Candidate(member, Kind.NUDGE, f"{NUDGE}:{nudge.pk}", nudge.created_at)

    for item, due_at in _due_for_review(since, now):
        for member in audiences.of(item):
            yield Candidate(member, Kind.REVIEW, _review_key(item, due_at), due_at)


def _reviewable() -> QuerySet[Item]:
    latest = Reaffirmation.objects.filter(item=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    return (
        Item.objects.live()
        .filter(review_every_days__isnull=False)
        .select_related("current_version")
        .annotate(last_reaffirmed_at=Subquery(latest))
    )


def _due_for_review(since: datetime, now: datetime) -> Iterator[tuple[Item, datetime]]:
    # Due dates are computed in Python as values does (values.selectors.review_due_at), over the
    # items that have a review interval at all.
    for item in _reviewable():
        due_at = values.review_due_at(item)
        if due_at is not None and since < due_at <= now:
            yield item, due_at


def _review_key(item: Item, due_at: datetime) -> str:
    return f"{REVIEW}:item:{item.pk}:{due_at.date().isoformat()}"


# What each notice is about, read again when it is about to go and when its mail is written


def about(notices: Sequence[Notice], now: datetime) -> dict[int, Found]:
    by_prefix: dict[str, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_prefix[notice.key.split(":")[0]].append(notice)
    audiences = Audiences()
    found: dict[int, Found] = {}
    found |= _about_events(by_prefix[EVENT], audiences)
    found |= _about_objections(by_prefix[OBJECTION], audiences)
    found |= _about_talks(by_prefix[TALK], audiences)
    found |= _about_nudges(by_prefix[NUDGE], audiences)
    found |= _about_reviews(by_prefix[REVIEW], audiences)
    return found


def _answered(proposal: Proposal, member_id: int) -> bool:
    return Response.objects.filter(revision_id=proposal.revision_id, member_id=member_id).exists()


def _still_open(proposal: Proposal, member_id: int) -> Gone | None:
    """Why a proposal no longer asks this member for an answer, if so."""
    if not proposal.is_open or proposal.item.retired_at is not None:
        return Gone(CLOSED)
    if _answered(proposal, member_id):
        return Gone(ANSWERED)
    return None


def _about_events(notices: list[Notice], audiences: Audiences) -> dict[int, Found]:
    events = Event.objects.select_related(
        "actor", "item__current_version", "item__polycule", "proposal__revision", "proposal__item__polycule"
    ).in_bulk({number(n.key) for n in notices})
    found: dict[int, Found] = {}
    for notice in notices:
        event = events.get(number(notice.key))
        if event is None:
            found[notice.pk] = Gone(MISSING)
            continue
        found[notice.pk] = still_there(notice, audiences.of(event.item)) or _about_event(event, notice)
    return found


# What someone did to a boundary that is theirs to read, as a mail says it.
_TO_READ: dict[str, str] = {
    Event.Kind.ITEM_CREATED: "set a new boundary",
    Event.Kind.VERSION_ADOPTED: "changed a boundary",
    Event.Kind.AUDIENCE_CHANGED: "shared a boundary with you",
}


def _about_event(event: Event, notice: Notice) -> Found:
    item, who = event.item, _name(event.actor)
    polycule = item.polycule.name
    if event.kind in _TO_READ:
        if item.retired_at is not None or item.current_version_id is None:
            return Gone(RETIRED)
        # A change of audience is told only to those it newly showed the boundary to: whatever
        # version is current then is theirs to read.
        if event.kind != Event.Kind.AUDIENCE_CHANGED and item.current_version_id != event.version_id:
            return Gone(SUPERSEDED)
        if Acknowledgment.objects.filter(version_id=item.current_version_id, member_id=notice.membership_id).exists():
            return Gone(DONE)
        sentence = f"{who} {_TO_READ[event.kind]}: read it, and say how it lands for you."
        return About(Kind.VERSION, polycule, sentence, _url(item), item.title)
    if event.kind == Event.Kind.SUGGESTED:
        if not item.suggestions.filter(author_id=event.actor_id, status=Suggestion.Status.OPEN).exists():
            return Gone(ANSWERED)
        sentence = f"{who} suggested a change to your boundary: take it, or say why not."
        return About(Kind.SUGGESTION, polycule, sentence, _url(item), item.title)
    proposal = event.proposal
    if proposal is None:
        return Gone(MISSING)
    title = proposal_title(proposal)
    if event.kind in (Event.Kind.PROPOSAL_OPENED, Event.Kind.PROPOSAL_AMENDED):
        gone = _still_open(proposal, notice.membership_id)
        if gone:
            return gone
        return About(Kind.PROPOSAL, polycule, _proposed(event, proposal, who), _url(proposal), title)
    if event.kind == Event.Kind.PROPOSAL_ADOPTED:
        if proposal.proposer_id == notice.membership_id:
            return About(
                Kind.DECIDED, polycule, "Your proposal was adopted, with everyone's consent.", _url(proposal), title
            )
        return About(Kind.DECIDED, polycule, f"A proposal {who} made was adopted.", _url(proposal), title)
    return About(Kind.DECIDED, polycule, f"{who} withdrew a proposal.", _url(proposal), title)


def _proposed(event: Event, proposal: Proposal, who: str) -> str:
    noun = _noun(proposal.item)
    if event.kind == Event.Kind.PROPOSAL_AMENDED:
        return f"{who} amended a proposal about a {noun}: it waits for your answer again."
    match proposal.change:
        case Proposal.Change.CREATE:
            return f"{who} proposed a new {noun}: it waits for your answer."
        case Proposal.Change.RETIRE:
            return f"{who} proposed retiring a {noun}: it waits for your answer."
        case _:
            return f"{who} proposed a change to a {noun}: it waits for your answer."


def _url(thing: Item | Proposal) -> str:
    return absolute(thing.get_absolute_url())


def _about_objections(notices: list[Notice], audiences: Audiences) -> dict[int, Found]:
    responses = Response.objects.select_related("member", "revision__proposal__item__polycule").in_bulk(
        {number(n.key) for n in notices}
    )
    found: dict[int, Found] = {}
    for notice in notices:
        response = responses.get(number(notice.key))
        if response is None:
            found[notice.pk] = Gone(MISSING)
            continue
        proposal = response.revision.proposal
        found[notice.pk] = still_there(notice, audiences.of(proposal.item)) or _about_objection(response, proposal)
    return found


def _about_objection(response: Response, proposal: Proposal) -> Found:
    if not proposal.is_open:
        return Gone(CLOSED)
    latest = (
        Response.objects.filter(revision_id=proposal.revision_id, member_id=response.member_id)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if latest != response.pk:
        return Gone(SUPERSEDED)  # amended since, or the answer changed
    sentence = f"{_name(response.member)} objected to your proposal: talk it through, amend it, or withdraw it."
    # The title is the proposal's wording the objection was made to: the current one.
    return About(Kind.OBJECTION, proposal.item.polycule.name, sentence, _url(proposal), response.revision.title)


def _about_talks(notices: list[Notice], audiences: Audiences) -> dict[int, Found]:
    acks = Acknowledgment.objects.select_related("member", "version__item__current_version", "version__item__polycule")
    found: dict[int, Found] = {}
    by_pk = acks.in_bulk({number(n.key) for n in notices})
    for notice in notices:
        ack = by_pk.get(number(notice.key))
        if ack is None:
            found[notice.pk] = Gone(MISSING)
            continue
        item = ack.version.item
        found[notice.pk] = still_there(notice, audiences.of(item)) or _about_talk(ack, item, notice)
    return found


def _about_talk(ack: Acknowledgment, item: Item, notice: Notice) -> Found:
    if item.retired_at is not None:
        return Gone(RETIRED)
    owner = notice.membership_id
    talk = {"discussion__version_id": ack.version_id}
    if Comment.objects.filter(author_id=owner, created_at__gt=ack.created_at, **talk).exists():
        return Gone(ANSWERED)
    if Mute.objects.filter(member_id=owner, **talk).exists():
        return Gone(MUTED)
    url = reverse(
        "conversations:discussion_version", args=[item.polycule.public_id, item.public_id, ack.version.number]
    )
    sentence = f"{_name(ack.member)} would like to talk about your boundary."
    return About(Kind.TALK, item.polycule.name, sentence, absolute(url), item.title)


def _about_nudges(notices: list[Notice], audiences: Audiences) -> dict[int, Found]:
    nudges = Nudge.objects.select_related("by", "proposal__revision", "proposal__item__polycule").in_bulk(
        {number(n.key) for n in notices}
    )
    found: dict[int, Found] = {}
    for notice in notices:
        nudge = nudges.get(number(notice.key))
        if nudge is None:
            found[notice.pk] = Gone(MISSING)
            continue
        proposal = nudge.proposal
        gone = still_there(notice, audiences.of(proposal.item)) or _still_open(proposal, notice.membership_id)
        sentence = f"{_name(nudge.by)} would love to hear from you on a proposal."
        found[notice.pk] = gone or About(
            Kind.NUDGE, proposal.item.polycule.name, sentence, _url(proposal), proposal_title(proposal)
        )
    return found


def _about_reviews(notices: list[Notice], audiences: Audiences) -> dict[int, Found]:
    items = _reviewable().select_related("polycule").in_bulk({number(n.key, 2) for n in notices})
    found: dict[int, Found] = {}
    for notice in notices:
        item = items.get(number(notice.key, 2))
        if item is None:
            found[notice.pk] = Gone(RETIRED)  # retired, or no longer reviewed at intervals
            continue
        gone = still_there(notice, audiences.of(item))
        due_at = values.review_due_at(item)
        if gone is None and (due_at is None or _review_key(item, due_at) != notice.key):
            gone = Gone(DONE)  # looked at (reaffirmed or changed) since: the next date is another notice
        sentence = f"A {_noun(item)} is due for a look together: does it still hold?"
        found[notice.pk] = gone or About(Kind.REVIEW, item.polycule.name, sentence, _url(item), item.title)
    return found
