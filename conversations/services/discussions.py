"""Discussions: talk about an item, one of its versions or a proposal, or under a revealed
what-if round. Flat comments with one level of replies; correcting a comment adds a
revision, so the earlier wording stays readable. Each workflow runs in one transaction and
refuses with the predicates of ``conversations.rules``."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from relationships.acting import acting
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError
from values.models import Item, Proposal, Version

from .. import rules
from ..models import TEXT_MAX, Comment, CommentRevision, Discussion, Mute, Round
from .words import words

# The same words from the same person in the same place this soon after: a double submit.


def _get_or_create(lookup: dict[str, object], defaults: dict[str, object], *, new: bool = False) -> Discussion:
    """One discussion per thing: the unique constraints decide a race, the loser reads the winner's.
    ``new``: the caller knows there is none yet, so it is not looked for first."""
    found = None if new else Discussion.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Discussion.objects.create(**lookup, **defaults)
    except IntegrityError:
        return Discussion.objects.get(**lookup)


def _check_about(item: Item, version: Version | None, proposal: Proposal | None) -> None:
    if version is not None and proposal is not None:
        raise RuleError("A discussion is about a version or a proposal, not both.")
    if (version is not None and version.item_id != item.pk) or (proposal is not None and proposal.item_id != item.pk):
        raise RuleError("That isn't part of this item.")


@acting("member")
def discussion_about(
    *, member: Membership, item: Item, version: Version | None = None, proposal: Proposal | None = None
) -> Discussion:
    """The discussion about an item, or one of its versions, or a proposal about it: the one
    that exists, or a new one started by ``member``."""
    _check_about(item, version, proposal)
    if not rules.can_comment(member, item.audience()):
        raise NotAllowed("Only the people this is shared with can talk about it.")
    return _get_or_create(
        {"item": item, "version": version, "proposal": proposal, "round": None},
        {"polycule_id": item.polycule_id, "started_by": member},
    )


@acting("by")
def open_for_round(*, round: Round, by: Membership, revealing: list[Membership] | None = None) -> Discussion:
    """The discussion under a what-if round, once its answers are revealed: its audience is the
    round's participants. ``revealing``: that audience, when the caller reveals the round now,
    under its lock, so that nobody can have opened the talk yet."""
    if not rules.is_revealed(round):
        raise RuleError("The talk opens once the answers are revealed.")
    if not rules.can_comment(by, round.audience() if revealing is None else revealing):
        raise NotAllowed("Only the people asked into this round can talk about it.")
    lookup: dict[str, object] = {"round": round, "item": None}
    discussion = _get_or_create(lookup, {"polycule_id": round.polycule_id, "started_by": by}, new=revealing is not None)
    discussion.opened_empty = revealing is not None  # the reveal writes nothing else in it
    return discussion


def _words(text: str) -> str:
    return words(text, limit=TEXT_MAX, empty="Write something first.", too_long="Keep it under {limit} characters.")


def _locked(author: Membership, **lookup: object) -> tuple[Discussion, list[Membership]] | None:
    """The discussion, locked so that the same words sent twice at once are seen as the double
    submit they are, with its audience as far as the rules ask it about ``author``: ``[author]``
    when the gate (``visible_to``, which agrees with ``audience()``) lets them in, else nobody.
    One statement; None when there is no such discussion."""
    found = _letting_in(author, Discussion.objects.select_for_update(of=("self",)), "pk").filter(**lookup).first()
    if found is None:
        return None
    return found, _audience(author, found)


def _letting_in[M: (Discussion, Comment)](author: Membership, rows: QuerySet[M], discussion: str) -> QuerySet[M]:
    """``rows``, each saying whether the gate lets ``author`` into its discussion (``discussion``
    names the discussion's key), for ``_audience``."""
    gate = Discussion.objects.visible_to(author).filter(pk=OuterRef(discussion))
    return rows.annotate(lets_in=Exists(gate)).order_by("pk")


def _audience(author: Membership, row: Discussion | Comment) -> list[Membership]:
    """The audience as far as the rules ask it about ``author``, from a row of ``_letting_in``:
    the gate and ``audience()`` agree, so it is ``[author]`` when the gate lets them in, else
    nobody. Spares reading the whole audience again."""
    return [author] if row.lets_in else []  # type: ignore[union-attr]


def _comment(
    *, author: Membership, discussion: Discussion, audience: list[Membership], words: str, parent: Comment | None
) -> Comment:
    """A comment in ``discussion``, locked by ``_locked`` with its ``audience``."""
    if not rules.can_comment(author, audience):
        raise NotAllowed("Only the people this is shared with can write here.")
    if parent is not None:
        if parent.discussion_id != discussion.pk:
            raise RuleError("That comment belongs to another discussion.")
        if not rules.can_reply(parent, author, audience):
            raise RuleError("Replies go one level deep: reply to the comment above it instead.")
    last = (
        CommentRevision.objects.filter(
            comment__discussion=discussion,
            comment__author=author,
            comment__parent=parent,
            number=1,
            created_at__gte=timezone.now() - rules.DOUBLE_SUBMIT,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None and last.text == words:
        raise RuleError("You've just written this: it's already here.")
    new = Comment.objects.create(discussion=discussion, author=author, parent=parent)
    CommentRevision.objects.create(comment=new, number=1, text=words, created_at=new.created_at)
    return new


@acting("author")
def comment(
    *,
    author: Membership,
    discussion: Discussion,
    text: str,
    parent: Comment | None = None,
    refused: str = "Only the people this is shared with can write here.",
) -> Comment:
    """A comment, or a reply to one: replies go one level deep. ``refused``: what to tell
    someone outside the audience."""
    words = _words(text)
    locked = _locked(author, pk=discussion.pk)
    if locked is None:
        raise Discussion.DoesNotExist
    found, audience = locked
    if not rules.can_comment(author, audience):
        raise NotAllowed(refused)
    return _comment(author=author, discussion=found, audience=audience, words=words, parent=parent)


@acting("author")
def comment_about(
    *,
    author: Membership,
    item: Item,
    version: Version | None = None,
    proposal: Proposal | None = None,
    text: str,
) -> Comment:
    """A comment about an item, a version or a proposal, starting its discussion with the first
    one. One transaction: a refused comment leaves no empty discussion behind."""
    _check_about(item, version, proposal)
    locked = _locked(author, item=item, version=version, proposal=proposal, round=None)
    if locked is None:  # the first comment: discussion_about asks the item's audience, and starts it
        started = discussion_about(member=author, item=item, version=version, proposal=proposal)
        locked = _locked(author, pk=started.pk)
        assert locked is not None
    discussion, audience = locked
    if not rules.can_comment(author, audience):
        raise NotAllowed("Only the people this is shared with can talk about it.")
    discussion.item = item
    return _comment(author=author, discussion=discussion, audience=audience, words=_words(text), parent=None)


@acting("author")
def correct(*, author: Membership, comment: Comment, text: str) -> CommentRevision:
    """A new wording of one's own comment. The earlier ones stay, and the comment says "edited"."""
    words = _words(text)
    comment = _letting_in(author, Comment.objects.select_for_update(of=("self",)), "discussion_id").get(pk=comment.pk)
    if not rules.can_correct(comment, author, _audience(author, comment)):
        raise NotAllowed("Only the person who wrote a comment can correct it.")
    latest = comment.revisions.order_by("-number").first()
    if latest is not None and latest.text == words:
        raise RuleError("That's the wording it already has.")
    number = latest.number + 1 if latest is not None else 1
    return CommentRevision.objects.create(comment=comment, number=number, text=words)


@acting("member")
def mute(*, member: Membership, discussion: Discussion) -> None:
    """Stop being told about a discussion; reading and writing in it stay open."""
    discussion = _letting_in(member, Discussion.objects.all(), "pk").get(pk=discussion.pk)
    if not rules.can_mute(member, _audience(member, discussion)):
        raise NotAllowed("Only the people this is shared with can mute it.")
    if Mute.objects.filter(discussion=discussion, member=member).exists():
        return
    try:
        with transaction.atomic():
            Mute.objects.create(discussion=discussion, member=member)
    except IntegrityError:
        pass  # muted twice at once: once is what was asked


@acting("member")
def unmute(*, member: Membership, discussion: Discussion) -> None:
    Mute.objects.filter(discussion=discussion, member=member).delete()
