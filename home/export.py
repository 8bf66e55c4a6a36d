"""A person's export: everything they can see and everything they wrote, as one JSON document
(its shape is written in docs/EXPORT.md).

Every polycule part starts from the person's membership and goes through each app's gate
(``Item.objects.visible_to``, ``Discussion/Choice/Round/CheckIn.objects.visible_to``), and shows
what the pages show that person, never more: other people's notes on an old version, other
people's answers to a choice that is not theirs, a what-if answer before the reveal stay out.
The journal and drafts are read from the person (``author=user``), never through a polycule.

Each part costs a fixed number of queries, whatever the number of items or comments in it:
rows are fetched in bulk and joined here through dictionaries.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from conversations.models import (
    Action,
    CheckIn,
    CheckInAudience,
    Choice,
    ChoiceAudience,
    ChoiceReply,
    ChoiceResponse,
    Comment,
    CommentRevision,
    Discussion,
    Draft,
    JournalEntry,
    Reconnect,
    Round,
    RoundAnswer,
    RoundParticipant,
    Topic,
    TopicNote,
)
from relationships.models import Membership
from values.models import (
    Acknowledgment,
    Consent,
    Item,
    ItemAudience,
    Proposal,
    ProposalRevision,
    Reaffirmation,
    Response,
    Suggestion,
    Version,
)

FORMAT = "trellis-export"
FORMAT_VERSION = 1

type Json = dict[str, Any]


def at(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


class People:
    """Every membership of one polycule, by id: who wrote what, without a join per row."""

    def __init__(self, memberships: Iterable[Membership]) -> None:
        self.by_id = {m.pk: m for m in memberships}

    def __call__(self, membership_id: int | None) -> Json | None:
        member = self.by_id.get(membership_id) if membership_id is not None else None
        if member is None:
            return None
        return {"id": str(member.public_id), "name": member.display_name}

    def active(self) -> list[Membership]:
        return sorted((m for m in self.by_id.values() if m.is_active), key=lambda m: (m.joined_at, m.pk))


# The whole document


def export(user: User, now: datetime | None = None) -> Json:
    memberships = list(Membership.objects.filter(user=user).select_related("polycule").order_by("joined_at", "id"))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": at(now or timezone.now()),
        "account": account(user),
        "journal": journal(user),
        "drafts": drafts(user),
        "polycules": [polycule(m) if m.is_active else former_polycule(m) for m in memberships],
    }


def account(user: User) -> Json:
    addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return {
        "name": user.name,
        "email": user.email,
        "email_addresses": [{"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses],
        "joined_at": at(user.date_joined),
    }


def journal(user: User) -> list[Json]:
    entries = JournalEntry.objects.filter(author=user).order_by("created_at", "id")
    return [
        {
            "id": str(e.public_id),
            "prompt": e.prompt,
            "text": e.text,
            "created_at": at(e.created_at),
            "updated_at": at(e.updated_at),
        }
        for e in entries
    ]


def drafts(user: User) -> list[Json]:
    found = (
        Draft.objects.filter(author=user).select_related("membership__polycule", "entry").order_by("created_at", "id")
    )
    return [
        {
            "id": str(d.public_id),
            "kind": d.kind,
            "polycule": {"id": str(d.membership.polycule.public_id), "name": d.membership.polycule.name},
            "from_journal_entry": str(d.entry.public_id) if d.entry else None,
            "data": d.data,
            "created_at": at(d.created_at),
            "look_again_on": at(d.look_again_on),
            "sent_at": at(d.sent_at),
        }
        for d in found
    ]


def _you(me: Membership) -> Json:
    return {
        "id": str(me.public_id),
        "display_name": me.display_name,
        "pronouns": me.pronouns,
        "role": me.role,
        "joined_at": at(me.joined_at),
        "left_at": at(me.left_at),
        "departure": me.departure,
    }


def polycule(me: Membership) -> Json:
    """One polycule the person is in, as its pages show it to them."""
    people = People(Membership.objects.filter(polycule_id=me.polycule_id))
    items, audiences = _items(me, people)
    return {
        "id": str(me.polycule.public_id),
        "name": me.polycule.name,
        "status": "member",
        "you": _you(me),
        "members": [
            {
                **(people(m.pk) or {}),
                "pronouns": m.pronouns,
                "role": m.role,
                "joined_at": at(m.joined_at),
                "left_at": at(m.left_at),
            }
            for m in sorted(people.by_id.values(), key=lambda m: (m.joined_at, m.pk))
        ],
        "items": items,
        "proposals": _proposals(me, people, audiences),
        "suggestions": _suggestions(me, people),
        "discussions": _discussions(me, people),
        "choices": _choices(me, people),
        "what_ifs": _rounds(me, people),
        "check_ins": _checkins(me, people),
    }


# Values, boundaries and agreements


def _audiences(items: list[Item], people: People) -> dict[int, list[Membership]]:
    """Each item's audience as ``Item.audience`` says it (active members, its owner among them),
    for all the items in one query."""
    chosen: dict[int, set[int]] = defaultdict(set)
    links = ItemAudience.objects.filter(item__in=[i.pk for i in items if not i.everyone])
    for item_id, membership_id in links.values_list("item_id", "membership_id"):
        chosen[item_id].add(membership_id)
    active = people.active()
    found: dict[int, list[Membership]] = {}
    for item in items:
        if item.everyone:
            found[item.pk] = active
        else:
            ids = chosen[item.pk] | ({item.owner_id} if item.owner_id else set())
            found[item.pk] = [m for m in active if m.pk in ids]
    return found


def _items(me: Membership, people: People) -> tuple[list[Json], dict[int, list[Membership]]]:
    visible = list(Item.objects.visible_to(me).select_related("current_version").order_by("created_at", "id"))
    audiences = _audiences(visible, people)
    adopted = [i for i in visible if i.current_version_id is not None]
    versions: dict[int, list[Version]] = defaultdict(list)
    for v in Version.objects.filter(item__in=[i.pk for i in adopted]).order_by("item", "number"):
        versions[v.item_id].append(v)
    acks: dict[int, list[Acknowledgment]] = defaultdict(list)
    for a in Acknowledgment.objects.filter(version__item__in=[i.pk for i in adopted]).order_by("created_at", "id"):
        acks[a.version_id].append(a)
    consents: dict[int, list[Consent]] = defaultdict(list)
    for c in Consent.objects.filter(version__item__in=[i.pk for i in adopted]).order_by("created_at", "id"):
        consents[c.version_id].append(c)
    reaffirmed: dict[int, list[Reaffirmation]] = defaultdict(list)
    for r in Reaffirmation.objects.filter(item__in=[i.pk for i in adopted]).order_by("created_at", "id"):
        reaffirmed[r.item_id].append(r)

    def acknowledgment(a: Acknowledgment, item: Item, audience_ids: set[int]) -> Json:
        # The item page shows the notes of the current version's audience; an older version's
        # notes are no longer shown to anyone but their writer.
        shows_note = a.member_id == me.pk or (a.version_id == item.current_version_id and a.member_id in audience_ids)
        return {
            "by": people(a.member_id),
            "answer": a.answer,
            "at": at(a.created_at),
            "note": a.note if shows_note else None,
        }

    rows = []
    for item in adopted:
        audience = audiences[item.pk]
        audience_ids = {m.pk for m in audience}
        rows.append(
            {
                "id": str(item.public_id),
                "kind": item.kind,
                "category": item.category,
                "owner": people(item.owner_id),
                "shared_with": "everyone" if item.everyone else [people(m.pk) for m in audience],
                "review_every_days": item.review_every_days,
                "created_at": at(item.created_at),
                "retired_at": at(item.retired_at),
                "current_version": item.current_version.number if item.current_version else None,
                "versions": [
                    {
                        "number": v.number,
                        "title": v.title,
                        "text": v.text,
                        "why": v.why,
                        "author": people(v.author_id),
                        "created_at": at(v.created_at),
                        "acknowledgments": [acknowledgment(a, item, audience_ids) for a in acks[v.pk]],
                        "consents": [{"by": people(c.member_id), "at": at(c.created_at)} for c in consents[v.pk]],
                    }
                    for v in versions[item.pk]
                ],
                "reaffirmations": [{"by": people(r.member_id), "at": at(r.created_at)} for r in reaffirmed[item.pk]],
            }
        )
    return rows, audiences


def _proposals(me: Membership, people: People, audiences: dict[int, list[Membership]]) -> list[Json]:
    proposals = list(
        Proposal.objects.filter(item__in=Item.objects.visible_to(me))
        .select_related("item", "base_version")
        .order_by("created_at", "id")
    )
    revisions: dict[int, list[ProposalRevision]] = defaultdict(list)
    found = ProposalRevision.objects.filter(proposal__in=[p.pk for p in proposals]).prefetch_related("audience")
    for r in found.order_by("proposal", "number"):
        revisions[r.proposal_id].append(r)
    responses: dict[int, list[Response]] = defaultdict(list)
    for response in Response.objects.filter(revision__proposal__in=[p.pk for p in proposals]).order_by(
        "created_at", "id"
    ):
        responses[response.revision_id].append(response)

    def answer(response: Response) -> Json:
        return {
            "by": people(response.member_id),
            "answer": response.answer,
            "note": response.note,
            "at": at(response.created_at),
        }

    rows = []
    for p in proposals:
        # The proposal's page shows each audience member's latest answer to the current wording;
        # the person's own answers, to every wording, are theirs.
        audience_ids = {m.pk for m in audiences.get(p.item_id, [])}
        latest: dict[int, Response] = {}
        for response in responses[p.revision_id] if p.revision_id else []:
            latest[response.member_id] = response
        mine = [r for rev in revisions[p.pk] for r in responses[rev.pk] if r.member_id == me.pk]
        rows.append(
            {
                "id": str(p.public_id),
                "item": str(p.item.public_id),
                "change": p.change,
                "status": p.status,
                "proposer": people(p.proposer_id),
                "based_on_version": p.base_version.number if p.base_version else None,
                "created_at": at(p.created_at),
                "decided_at": at(p.decided_at),
                "revisions": [
                    {
                        "number": r.number,
                        "title": r.title,
                        "text": r.text,
                        "why": r.why,
                        "created_at": at(r.created_at),
                        "shares_with": None
                        if r.everyone is None
                        else "everyone"
                        if r.everyone
                        else [people(m.pk) for m in r.audience.all()],
                    }
                    for r in revisions[p.pk]
                ],
                "responses_to_current_wording": [
                    answer(r) for member_id, r in latest.items() if member_id in audience_ids or member_id == me.pk
                ],
                "your_responses": [
                    {**answer(r), "wording": next(rev.number for rev in revisions[p.pk] if rev.pk == r.revision_id)}
                    for r in mine
                ],
            }
        )
    return rows


def _suggestions(me: Membership, people: People) -> list[Json]:
    """The ones the person wrote, and the ones made to their own boundaries (theirs to answer)."""
    found = (
        Suggestion.objects.filter(item__in=Item.objects.visible_to(me))
        .filter(Q(author=me) | Q(item__owner=me))
        .select_related("item", "base_version")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": str(s.public_id),
            "item": str(s.item.public_id),
            "author": people(s.author_id),
            "based_on_version": s.base_version.number,
            "text": s.text,
            "why": s.why,
            "status": s.status,
            "reply": s.reply,
            "created_at": at(s.created_at),
            "decided_at": at(s.decided_at),
        }
        for s in found
    ]


# Conversations


def _comments(discussions: list[Discussion], people: People) -> dict[int, list[Json]]:
    comments = list(Comment.objects.filter(discussion__in=[d.pk for d in discussions]).order_by("created_at", "id"))
    wordings: dict[int, list[CommentRevision]] = defaultdict(list)
    for r in CommentRevision.objects.filter(comment__in=[c.pk for c in comments]).order_by("comment", "number"):
        wordings[r.comment_id].append(r)
    ids = {c.pk: str(c.public_id) for c in comments}
    found: dict[int, list[Json]] = defaultdict(list)
    for c in comments:
        words = wordings[c.pk]
        found[c.discussion_id].append(
            {
                "id": ids[c.pk],
                "reply_to": ids.get(c.parent_id) if c.parent_id else None,
                "author": people(c.author_id),
                "created_at": at(c.created_at),
                "text": words[-1].text if words else "",
                "earlier_wordings": [{"text": w.text, "at": at(w.created_at)} for w in words[:-1]],
            }
        )
    return found


def _discussions(me: Membership, people: People) -> list[Json]:
    # A round's talk opens only after its reveal; never read it before, whatever is stored.
    discussions = list(
        Discussion.objects.visible_to(me)
        .filter(Q(round__isnull=True) | Q(round__revealed_at__isnull=False))
        .select_related("item", "version", "proposal", "round")
        .order_by("created_at", "id")
    )
    comments = _comments(discussions, people)
    return [
        {
            "id": str(d.public_id),
            "about": {
                "item": str(d.item.public_id) if d.item else None,
                "version": d.version.number if d.version else None,
                "proposal": str(d.proposal.public_id) if d.proposal else None,
                "what_if": str(d.round.public_id) if d.round else None,
            },
            "started_by": people(d.started_by_id),
            "created_at": at(d.created_at),
            "comments": comments[d.pk],
        }
        for d in discussions
    ]


def _choices(me: Membership, people: People) -> list[Json]:
    choices = list(Choice.objects.visible_to(me).order_by("created_at", "id"))
    ids = [c.pk for c in choices]
    told: dict[int, set[int]] = defaultdict(set)
    for choice_id, membership_id in ChoiceAudience.objects.filter(choice__in=ids).values_list(
        "choice_id", "membership_id"
    ):
        told[choice_id].add(membership_id)
    linked: dict[int, list[Json]] = defaultdict(list)
    visible_items = Item.objects.visible_to(me).adopted()
    for link in Choice.items.through.objects.filter(choice__in=ids, item__in=visible_items).select_related(
        "item__current_version"
    ):
        linked[link.choice_id].append({"id": str(link.item.public_id), "title": link.item.title})
    # The one who shared a choice reads how it landed for each; anyone else, only their own answer.
    mine_or_theirs = Q(member=me) | Q(choice__author=me)
    responses: dict[int, dict[int, ChoiceResponse]] = defaultdict(dict)
    for r in ChoiceResponse.objects.filter(mine_or_theirs, choice__in=ids).order_by("created_at", "id"):
        responses[r.choice_id][r.member_id] = r
    # Words back from the one who shared it: all of theirs to them, to anyone else only their own.
    replies: dict[int, list[ChoiceReply]] = defaultdict(list)
    for reply in ChoiceReply.objects.filter(Q(to=me) | Q(choice__author=me), choice__in=ids).order_by(
        "created_at", "id"
    ):
        replies[reply.choice_id].append(reply)
    active = people.active()
    rows = []
    for c in choices:
        audience = active if c.everyone else [m for m in active if m.pk in told[c.pk] or m.pk == c.author_id]
        audience_ids = {m.pk for m in audience}
        latest = responses[c.pk]
        shown = [
            r
            for member_id, r in latest.items()
            if member_id == me.pk or (c.author_id == me.pk and member_id in audience_ids)
        ]
        rows.append(
            {
                "id": str(c.public_id),
                "author": people(c.author_id),
                "text": c.text,
                "why": c.why,
                "told_to": "everyone" if c.everyone else [people(m.pk) for m in audience],
                "items": linked[c.pk],
                "created_at": at(c.created_at),
                "answers": [
                    {"by": people(r.member_id), "feeling": r.feeling, "note": r.note, "at": at(r.created_at)}
                    for r in shown
                ],
                "written_back": [
                    {"to": people(r.to_id), "note": r.note, "at": at(r.created_at)} for r in replies[c.pk]
                ],
            }
        )
    return rows


def _rounds(me: Membership, people: People) -> list[Json]:
    rounds = list(Round.objects.visible_to(me).order_by("created_at", "id"))
    ids = [r.pk for r in rounds]
    places: dict[int, list[int]] = defaultdict(list)
    for round_id, membership_id in (
        RoundParticipant.objects.filter(round__in=ids)
        .order_by("membership__joined_at", "membership_id")
        .values_list("round_id", "membership_id")
    ):
        places[round_id].append(membership_id)
    revealed = [r.pk for r in rounds if r.revealed_at is not None]
    # Before the reveal nobody's words but the person's own are even read; who has answered is
    # shown on the round's page, what they answered is not.
    answered: dict[int, set[int]] = defaultdict(set)
    for round_id, member_id in RoundAnswer.objects.filter(round__in=ids).values_list("round_id", "member_id"):
        answered[round_id].add(member_id)
    words: dict[int, list[RoundAnswer]] = defaultdict(list)
    readable = RoundAnswer.objects.filter(Q(round__in=revealed) | Q(round__in=ids, member=me))
    for a in readable.order_by("created_at", "id"):
        words[a.round_id].append(a)
    return [
        {
            "id": str(r.public_id),
            "asker": people(r.asker_id),
            "prompt": r.prompt,
            "theme": r.theme,
            "deadline": at(r.deadline),
            "created_at": at(r.created_at),
            "revealed_at": at(r.revealed_at),
            "participants": [
                {**(people(m) or {}), "answered": m in answered[r.pk], "left": not people.by_id[m].is_active}
                for m in places[r.pk]
            ],
            "answers": [
                {
                    "by": people(a.member_id),
                    "text": a.text,
                    "created_at": at(a.created_at),
                    "updated_at": at(a.updated_at),
                }
                for a in words[r.pk]
            ],
        }
        for r in rounds
    ]


def _checkins(me: Membership, people: People) -> list[Json]:
    checkins = list(CheckIn.objects.visible_to(me).order_by("scheduled_for", "id"))
    ids = [c.pk for c in checkins]
    chosen: dict[int, set[int]] = defaultdict(set)
    for checkin_id, membership_id in CheckInAudience.objects.filter(checkin__in=ids).values_list(
        "checkin_id", "membership_id"
    ):
        chosen[checkin_id].add(membership_id)
    topics: dict[int, list[Topic]] = defaultdict(list)
    all_topics = list(Topic.objects.filter(checkin__in=ids).order_by("created_at", "id"))
    for t in all_topics:
        topics[t.checkin_id].append(t)
    notes: dict[int, list[TopicNote]] = defaultdict(list)
    for n in TopicNote.objects.filter(topic__in=[t.pk for t in all_topics]).order_by("created_at", "id"):
        notes[n.topic_id].append(n)
    actions: dict[int, list[Action]] = defaultdict(list)
    for a in Action.objects.filter(checkin__in=ids).order_by("created_at", "id"):
        actions[a.checkin_id].append(a)
    lines: dict[int, list[Reconnect]] = defaultdict(list)
    for line in Reconnect.objects.filter(checkin__in=ids).order_by("created_at", "id"):
        lines[line.checkin_id].append(line)
    active = people.active()
    return [
        {
            "id": str(c.public_id),
            "title": c.title,
            "scheduled_for": at(c.scheduled_for),
            "time_zone": c.time_zone,
            "planned_by": people(c.created_by_id),
            "for": "everyone"
            if c.everyone
            else [people(m.pk) for m in active if m.pk in chosen[c.pk] or m.pk == c.created_by_id],
            "created_at": at(c.created_at),
            "held_at": at(c.held_at),
            "held_by": people(c.held_by_id),
            "topics": [
                {
                    "title": t.title,
                    "added_by": people(t.added_by_id),
                    "created_at": at(t.created_at),
                    "notes": [{"by": people(n.author_id), "text": n.text, "at": at(n.created_at)} for n in notes[t.pk]],
                }
                for t in topics[c.pk]
            ],
            "actions": [
                {
                    "text": a.text,
                    "owner": people(a.owner_id),
                    "agreed_by": people(a.created_by_id),
                    "due_on": at(a.due_on),
                    "created_at": at(a.created_at),
                    "done_at": at(a.done_at),
                }
                for a in actions[c.pk]
            ],
            "reconnect": [{"by": people(r.member_id), "text": r.text, "at": at(r.created_at)} for r in lines[c.pk]],
        }
        for c in checkins
    ]


# A polycule the person has left: its pages are closed to them, so only their own words


def former_polycule(me: Membership) -> Json:
    """What the person wrote in a polycule they left (or were removed from). Its pages answer
    them 404 now, so nothing anyone else wrote is included; their own words are theirs."""
    versions = Version.objects.filter(author=me).select_related("item").order_by("created_at", "id")
    acks = Acknowledgment.objects.filter(member=me).select_related("version__item").order_by("created_at", "id")
    consents = Consent.objects.filter(member=me).select_related("version__item").order_by("created_at", "id")
    proposals = list(Proposal.objects.filter(proposer=me).select_related("item").order_by("created_at", "id"))
    revisions: dict[int, list[ProposalRevision]] = defaultdict(list)
    for rev in ProposalRevision.objects.filter(proposal__in=[p.pk for p in proposals]).order_by("proposal", "number"):
        revisions[rev.proposal_id].append(rev)
    responses = Response.objects.filter(member=me).select_related("revision__proposal").order_by("created_at", "id")
    suggestions = Suggestion.objects.filter(author=me).select_related("item").order_by("created_at", "id")
    comments = list(Comment.objects.filter(author=me).select_related("discussion").order_by("created_at", "id"))
    wordings: dict[int, list[CommentRevision]] = defaultdict(list)
    for w in CommentRevision.objects.filter(comment__in=[c.pk for c in comments]).order_by("comment", "number"):
        wordings[w.comment_id].append(w)
    return {
        "id": str(me.polycule.public_id),
        "name": me.polycule.name,
        "status": "former member",
        "you": _you(me),
        "written": {
            "versions": [
                {
                    "item": str(v.item.public_id),
                    "kind": v.item.kind,
                    "number": v.number,
                    "title": v.title,
                    "text": v.text,
                    "why": v.why,
                    "created_at": at(v.created_at),
                }
                for v in versions
            ],
            "acknowledgments": [
                {
                    "item": str(a.version.item.public_id),
                    "version": a.version.number,
                    "answer": a.answer,
                    "note": a.note,
                    "at": at(a.created_at),
                }
                for a in acks
            ],
            "consents": [
                {
                    "item": str(c.version.item.public_id),
                    "version": c.version.number,
                    "at": at(c.created_at),
                }
                for c in consents
            ],
            "proposals": [
                {
                    "id": str(p.public_id),
                    "item": str(p.item.public_id),
                    "change": p.change,
                    "status": p.status,
                    "created_at": at(p.created_at),
                    "revisions": [
                        {"number": r.number, "title": r.title, "text": r.text, "why": r.why, "at": at(r.created_at)}
                        for r in revisions[p.pk]
                    ],
                }
                for p in proposals
            ],
            "responses": [
                {
                    "proposal": str(r.revision.proposal.public_id),
                    "wording": r.revision.number,
                    "answer": r.answer,
                    "note": r.note,
                    "at": at(r.created_at),
                }
                for r in responses
            ],
            "suggestions": [
                {
                    "item": str(s.item.public_id),
                    "text": s.text,
                    "why": s.why,
                    "status": s.status,
                    "created_at": at(s.created_at),
                }
                for s in suggestions
            ],
            "comments": [
                {
                    "id": str(c.public_id),
                    "discussion": str(c.discussion.public_id),
                    "created_at": at(c.created_at),
                    "wordings": [{"text": w.text, "at": at(w.created_at)} for w in wordings[c.pk]],
                }
                for c in comments
            ],
            "choices": [
                {"id": str(c.public_id), "text": c.text, "why": c.why, "created_at": at(c.created_at)}
                for c in Choice.objects.filter(author=me).order_by("created_at", "id")
            ],
            "choice_answers": [
                {"choice": str(r.choice.public_id), "feeling": r.feeling, "note": r.note, "at": at(r.created_at)}
                for r in ChoiceResponse.objects.filter(member=me).select_related("choice").order_by("created_at", "id")
            ],
            "choice_words_back": [
                {"choice": str(r.choice.public_id), "note": r.note, "at": at(r.created_at)}
                for r in ChoiceReply.objects.filter(choice__author=me)
                .select_related("choice")
                .order_by("created_at", "id")
            ],
            "what_if_answers": [
                {"what_if": str(a.round.public_id), "text": a.text, "at": at(a.updated_at)}
                for a in RoundAnswer.objects.filter(member=me).select_related("round").order_by("created_at", "id")
            ],
            "check_in_topics": [
                {"check_in": str(t.checkin.public_id), "title": t.title, "at": at(t.created_at)}
                for t in Topic.objects.filter(added_by=me).select_related("checkin").order_by("created_at", "id")
            ],
            "check_in_actions": [
                {"check_in": str(a.checkin.public_id), "text": a.text, "due_on": at(a.due_on), "at": at(a.created_at)}
                for a in Action.objects.filter(created_by=me).select_related("checkin").order_by("created_at", "id")
            ],
            "reaffirmations": [
                {"item": str(r.item.public_id), "at": at(r.created_at)}
                for r in Reaffirmation.objects.filter(member=me).select_related("item").order_by("created_at", "id")
            ],
            "check_in_notes": [
                {"check_in": str(n.topic.checkin.public_id), "text": n.text, "at": at(n.created_at)}
                for n in TopicNote.objects.filter(author=me)
                .select_related("topic__checkin")
                .order_by("created_at", "id")
            ],
            "reconnect": [
                {"check_in": str(r.checkin.public_id), "text": r.text, "at": at(r.created_at)}
                for r in Reconnect.objects.filter(member=me).select_related("checkin").order_by("created_at", "id")
            ],
        },
    }
