"""Notices from discussions: someone wrote in a conversation you are part of. Told, in the
digest by default, to whoever it is about (a boundary's owner, a proposal's proposer) and to
those who wrote in it before; never to whoever wrote, nor to someone who muted it or wrote in it
again since. Read from what conversations keeps; it never calls here.

A comment's words are never read: only who wrote, where and when. A mail names the item (or
the round's prompt) only for someone who chose titles."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime

from django.db.models import Max, Min

from conversations.models import Comment, Discussion, Mute
from relationships.models import Membership

from ..kinds import Kind
from ..models import Notice
from .base import (
    ANSWERED,
    MISSING,
    MUTED,
    About,
    Candidate,
    Found,
    Gone,
    absolute,
    number,
    prompt_title,
    proposal_title,
    still_there,
)

COMMENT = "comment"
PREFIXES = (COMMENT,)


def candidates(since: datetime, now: datetime) -> Iterator[Candidate]:
    fresh = list(Comment.objects.filter(created_at__gt=since, created_at__lte=now))
    if not fresh:
        return
    talked = {c.discussion_id for c in fresh}
    # Who is part of each conversation, and since when: whoever it is about (a boundary's owner,
    # a proposal's proposer) from the start, anyone else from the first time they wrote in it.
    part: dict[int, dict[int, datetime | None]] = defaultdict(dict)
    about_whom = Discussion.objects.filter(pk__in=talked).values_list("pk", "item__owner_id", "proposal__proposer_id")
    for discussion_id, *concerned in about_whom:
        part[discussion_id].update((pk, None) for pk in concerned if pk is not None)
    first = (
        Comment.objects.filter(discussion_id__in=talked)
        .values_list("discussion_id", "author_id")
        .annotate(at=Min("created_at"))
    )
    for discussion_id, author_id, at in first:
        part[discussion_id].setdefault(author_id, at)
    people = Membership.objects.in_bulk({pk for members in part.values() for pk in members})
    for comment in fresh:
        for member_id, since_at in part[comment.discussion_id].items():
            if member_id != comment.author_id and (since_at is None or since_at < comment.created_at):
                yield Candidate(people[member_id], Kind.WROTE, f"{COMMENT}:{comment.pk}", comment.created_at)


# What each notice is about, read again when it is about to go and when its mail is written


def about(notices: Sequence[Notice], now: datetime) -> dict[int, Found]:
    comments = Comment.objects.select_related(
        "author",
        "discussion__polycule",
        "discussion__item",
        "discussion__version",
        "discussion__proposal__revision",
        "discussion__round",
    ).in_bulk({number(n.key) for n in notices})
    discussions = {c.discussion_id for c in comments.values()}
    people = {n.membership_id for n in notices}
    muted = set(
        Mute.objects.filter(discussion_id__in=discussions, member_id__in=people).values_list(
            "discussion_id", "member_id"
        )
    )
    # When each of these people last wrote in each of these conversations.
    last = {
        (discussion_id, author_id): at
        for discussion_id, author_id, at in Comment.objects.filter(discussion_id__in=discussions, author_id__in=people)
        .values_list("discussion_id", "author_id")
        .annotate(at=Max("created_at"))
    }
    audiences: dict[int, list[Membership]] = {}
    found: dict[int, Found] = {}
    for notice in notices:
        comment = comments.get(number(notice.key))
        if comment is None:
            found[notice.pk] = Gone(MISSING)
            continue
        discussion = comment.discussion
        if discussion.pk not in audiences:
            audiences[discussion.pk] = discussion.audience()
        place = (discussion.pk, notice.membership_id)
        found[notice.pk] = (
            still_there(notice, audiences[discussion.pk])
            or (Gone(MUTED) if place in muted else None)
            or (Gone(ANSWERED) if last.get(place, comment.created_at) > comment.created_at else None)
            or _about(comment, discussion, notice.membership_id)
        )
    return found


def _about(comment: Comment, discussion: Discussion, member_id: int) -> About:
    name = comment.author.display_name
    if discussion.item is not None and discussion.item.owner_id == member_id:  # only boundaries have owners
        sentence = f"{name} wrote about your boundary."
    elif discussion.proposal is not None and discussion.proposal.proposer_id == member_id:
        sentence = f"{name} wrote about your proposal."
    else:
        sentence = f"{name} wrote in a conversation you took part in."
    if discussion.round is not None:
        title = prompt_title(discussion.round)
    elif discussion.proposal is not None:
        title = proposal_title(discussion.proposal)  # a new item's has no title of its own yet
    else:
        assert discussion.item is not None
        title = discussion.item.current_title
    url = absolute(discussion.get_absolute_url())
    # One line per conversation, however many wrote in it since: the latest of them.
    return About(Kind.WROTE, discussion.polycule.name, sentence, url, title)
