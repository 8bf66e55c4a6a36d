"""Reading discussions as one member sees them, always through the gate (``Item.objects.visible_to``,
``Discussion.objects.visible_to``), and the read models their pages and fragments show."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.urls import reverse

from accounts import paging
from relationships.models import Membership
from values.models import Acknowledgment, Item, Proposal, Version

from .. import rules
from ..models import Comment, CommentRevision, Discussion, Mute

TALK = Acknowledgment.Answer.TALK

# The gate: what a member may open, or None


def visible_item(me: Membership, item_id: UUID) -> Item | None:
    """An adopted item this member may see."""
    items = Item.objects.visible_to(me).adopted().select_related("current_version", "owner", "polycule")
    return items.filter(public_id=item_id).first()


def visible_version(me: Membership, item_id: UUID, number: int) -> Version | None:
    """One version of an adopted item this member may see, with its item."""
    versions = Version.objects.filter(item__in=Item.objects.visible_to(me).adopted())
    return (
        versions.select_related("item__current_version", "item__owner", "item__polycule", "author")
        .filter(item__public_id=item_id, number=number)
        .first()
    )


def visible_proposal(me: Membership, proposal_id: UUID) -> Proposal | None:
    proposals = Proposal.objects.filter(item__in=Item.objects.visible_to(me)).select_related(
        "item__current_version", "item__polycule", "revision", "proposer"
    )
    return proposals.filter(public_id=proposal_id).first()


def visible_discussion(me: Membership, discussion_id: UUID) -> Discussion | None:
    discussions = Discussion.objects.visible_to(me).select_related("item", "version", "proposal", "round")
    return discussions.filter(public_id=discussion_id).first()


def visible_comment(me: Membership, comment_id: UUID) -> Comment | None:
    """A comment in a discussion this member may read, with its discussion and what that is about."""
    comments = Comment.objects.filter(discussion__in=Discussion.objects.visible_to(me)).select_related(
        "author", "parent", "discussion__item", "discussion__version", "discussion__proposal", "discussion__round"
    )
    return comments.filter(public_id=comment_id).first()


# Where a discussion lives


def page_url(discussion: Discussion, polycule_id: UUID) -> str:
    """The page that shows the discussion: its own, or the round's it opened under."""
    if discussion.round is not None:
        return reverse("conversations:round_detail", args=[polycule_id, discussion.round.public_id])
    return comment_url(discussion, polycule_id)


def comment_url(discussion: Discussion, polycule_id: UUID) -> str:
    """Where a new comment in the discussion is posted."""
    if discussion.round is not None:
        return reverse("conversations:round_comment", args=[polycule_id, discussion.round.public_id])
    assert discussion.item is not None
    return About(discussion.item, discussion.version, discussion.proposal).url(polycule_id)


@dataclass(frozen=True)
class About:
    """What a discussion page is about: an item, or one of its versions, or a proposal about it."""

    item: Item
    version: Version | None = None
    proposal: Proposal | None = None

    def url(self, polycule_id: UUID) -> str:
        if self.proposal is not None:
            return reverse("conversations:discussion_proposal", args=[polycule_id, self.proposal.public_id])
        if self.version is not None:
            args = [polycule_id, self.item.public_id, self.version.number]
            return reverse("conversations:discussion_version", args=args)
        return reverse("conversations:discussion_item", args=[polycule_id, self.item.public_id])

    def is_about(self, discussion: Discussion) -> bool:
        """Whether ``discussion``, one about this item, is about exactly this."""
        version = self.version.pk if self.version is not None else None
        proposal = self.proposal.pk if self.proposal is not None else None
        return discussion.version_id == version and discussion.proposal_id == proposal


# The thread: comments, one level of replies, and each one's wordings


@dataclass(frozen=True)
class CommentView:
    """A comment as the reader sees it: its current words, its earlier ones if corrected."""

    comment: Comment
    author: Membership
    text: str
    written_at: datetime
    edited: bool
    edited_at: datetime | None
    earlier: list[CommentRevision]  # the wordings before the current one, oldest first
    replies: list["CommentView"]
    can_reply: bool
    can_correct: bool
    reply_url: str
    correct_url: str

    @property
    def public_id(self) -> UUID:
        return self.comment.public_id

    @property
    def reply_key(self) -> str:
        """The reply form's id, and how a view names the form a mistake belongs to."""
        return f"reply-{self.comment.public_id}"

    @property
    def correct_key(self) -> str:
        return f"correct-{self.comment.public_id}"


@dataclass(frozen=True)
class Thread:
    """One discussion as one member sees it; ``discussion`` is None until someone writes."""

    discussion: Discussion | None
    comments: list[CommentView]
    can_comment: bool
    can_mute: bool
    is_muted: bool
    comment_url: str
    mute_url: str
    unmute_url: str
    total: int = 0  # every comment and reply in the discussion, not only this page's
    page: paging.Page[Comment] = field(default_factory=lambda: paging.Page(rows=[], next="", first=True))

    @property
    def count(self) -> int:
        return self.total


def _comment_view(
    comment: Comment,
    me: Membership,
    audience: list[Membership],
    polycule_id: UUID,
    replies: list[CommentView],
    earlier: dict[int, list[CommentRevision]],
) -> CommentView:
    """``comment`` carries its latest wording and how many it has (``_page_of_comments``);
    ``earlier`` holds the wordings before the latest of the corrected ones."""
    edited = comment.wordings > 1  # type: ignore[attr-defined]
    return CommentView(
        comment=comment,
        author=comment.author,
        text=comment.latest_text or "",  # type: ignore[attr-defined]
        written_at=comment.created_at,
        edited=edited,
        edited_at=comment.latest_at if edited else None,  # type: ignore[attr-defined]
        earlier=earlier.get(comment.pk, []),
        replies=replies,
        can_reply=rules.can_reply(comment, me, audience),
        can_correct=rules.can_correct(comment, me, audience),
        reply_url=reverse("conversations:comment_reply", args=[polycule_id, comment.public_id]),
        correct_url=reverse("conversations:comment_correct", args=[polycule_id, comment.public_id]),
    )


def _earlier_wordings(rows: list[Comment]) -> dict[int, list[CommentRevision]]:
    """The wordings before the latest, of the corrected comments only: one query, and none
    when nothing on the page was corrected."""
    corrected = [row.pk for row in rows if row.wordings > 1]  # type: ignore[attr-defined]
    earlier: dict[int, list[CommentRevision]] = {}
    if corrected:
        for revision in CommentRevision.objects.filter(comment_id__in=corrected).order_by("comment_id", "number"):
            earlier.setdefault(revision.comment_id, []).append(revision)
        for wordings in earlier.values():
            wordings.pop()  # the latest is the comment's text
    return earlier


ORDER = ("created_at", "id")


def _page_of_comments(
    me: Membership, discussion: Discussion, *, after: str, anchor: Comment | None, newest: bool
) -> tuple[list[Comment], paging.Page[Comment]]:
    """One page of the thread's comments, oldest first, each with its replies, in one query
    whatever the thread's length: from the cursor ``after``, from ``anchor`` (the comment someone
    just replied to or corrected, so the fragment shows it), or, ``newest``, the last page (where
    a new comment lands). Each row also carries the thread's size and whether ``me`` muted it."""
    top = Comment.objects.filter(discussion=discussion, parent__isnull=True)
    earlier: Any = Value(False, output_field=BooleanField())
    if newest:
        top = top.order_by("-created_at", "-id")
    else:
        values = paging.decode(after, len(ORDER))
        if anchor is not None:
            start = [anchor.created_at, anchor.pk]
            top = top.filter(Q(pk=anchor.pk) | paging.after_q(ORDER, start))
            earlier = Exists(
                Comment.objects.filter(discussion=discussion, parent__isnull=True).filter(
                    Q(created_at__lt=anchor.created_at) | Q(created_at=anchor.created_at, id__lt=anchor.pk)
                )
            )
        elif values is not None:
            top = top.filter(paging.after_q(ORDER, values))
        top = top.order_by(*ORDER)
    shown = top.values("pk")[: paging.PAGE_SIZE + 1]
    latest = CommentRevision.objects.filter(comment=OuterRef("pk")).order_by("-number")[:1]
    wordings = (
        CommentRevision.objects.filter(comment=OuterRef("pk")).values("comment").annotate(n=Count("pk")).values("n")
    )
    size = Comment.objects.filter(discussion=discussion).values("discussion").annotate(n=Count("pk")).values("n")
    rows: list[Comment] = list(
        Comment.objects.filter(discussion=discussion)
        .filter(Q(pk__in=shown) | Q(parent_id__in=shown))
        .select_related("author")
        .annotate(
            latest_text=Subquery(latest.values("text")),
            latest_at=Subquery(latest.values("created_at")),
            wordings=Subquery(wordings),
            thread_size=Subquery(size),
            muted=Exists(Mute.objects.filter(discussion=discussion, member=me)),
            earlier=earlier,
        )
        .order_by(*ORDER)
    )
    tops = [row for row in rows if row.parent_id is None]
    more = len(tops) > paging.PAGE_SIZE
    if newest:
        # The newest page: the extra row is the earliest one, there only to say that more came before.
        kept = tops[1:] if more else tops
        page = paging.Page(rows=kept, next="", first=not more)
    else:
        kept = tops[: paging.PAGE_SIZE]
        page = paging.Page(
            rows=kept,
            next=paging.encode(kept[-1], ORDER) if more else "",
            first=paging.decode(after, len(ORDER)) is None and not (rows and getattr(rows[0], "earlier", False)),
        )
    ids = {row.pk for row in kept}
    return [row for row in rows if row.pk in ids or row.parent_id in ids], page


def _size_and_mute(me: Membership, discussion: Discussion, rows: list[Comment]) -> tuple[int, bool]:
    """How many comments the thread holds and whether ``me`` muted it: read with the comments,
    else (no comment on this page) asked."""
    if rows:
        return getattr(rows[0], "thread_size", 0) or 0, bool(getattr(rows[0], "muted", False))
    return 0, Mute.objects.filter(discussion=discussion, member=me).exists()


def thread(
    me: Membership,
    discussion: Discussion | None,
    *,
    comment_url: str,
    audience: list[Membership] | None = None,
    after: str = "",
    anchor: Comment | None = None,
    newest: bool = False,
) -> Thread:
    """One page of the discussion's comments with their replies and wordings, in two queries
    whatever their number (see ``_page_of_comments`` for which page). ``audience`` spares asking
    the discussion for it when the caller has it already; with no discussion yet and no audience,
    the caller reached what it is about through the gate, so ``me`` may start it while still a
    member."""
    if audience is None:
        audience = discussion.audience() if discussion is not None else [me]
    can_comment = rules.can_comment(me, audience)
    if discussion is None:
        return Thread(None, [], can_comment, False, False, comment_url, "", "")
    polycule_id = me.polycule.public_id
    if discussion.opened_empty:  # opened by this very request: nothing to read in it yet
        rows: list[Comment] = []
        page = paging.Page[Comment](rows=[], next="", first=True)
        total, muted = 0, False
    else:
        rows, page = _page_of_comments(me, discussion, after=after, anchor=anchor, newest=newest)
        total, muted = _size_and_mute(me, discussion, rows)
    earlier = _earlier_wordings(rows)
    replies: dict[int, list[CommentView]] = {}
    for row in rows:
        if row.parent_id is not None:
            replies.setdefault(row.parent_id, []).append(_comment_view(row, me, audience, polycule_id, [], earlier))
    comments = [
        _comment_view(row, me, audience, polycule_id, replies.get(row.pk, []), earlier)
        for row in rows
        if row.parent_id is None
    ]
    args = [polycule_id, discussion.public_id]
    return Thread(
        discussion=discussion,
        comments=comments,
        can_comment=can_comment,
        can_mute=rules.can_mute(me, audience),
        is_muted=muted,
        comment_url=comment_url,
        mute_url=reverse("conversations:discussion_mute", args=args),
        unmute_url=reverse("conversations:discussion_unmute", args=args),
        total=total,
        page=page,
    )


def through_the_gate(me: Membership) -> list[Membership]:
    """The audience as far as the rules ask it about ``me``, who just reached the discussion (or
    what it is about) through ``visible_to``: that gate and ``audience()`` agree
    (tests/conversations/test_audiences_agree.py), so ``me`` is in it, and every predicate asks
    only whether ``me`` is. Spares reading the whole audience again."""
    return [me]


def thread_of(
    me: Membership, discussion: Discussion, *, anchor: Comment | None = None, after: str = "", newest: bool = False
) -> Thread:
    """The thread of a discussion fetched through ``visible_discussion`` or ``visible_comment``."""
    url = comment_url(discussion, me.polycule.public_id)
    audience = through_the_gate(me)
    return thread(me, discussion, comment_url=url, audience=audience, anchor=anchor, after=after, newest=newest)


# The discussion pages


def thread_about(
    me: Membership, about: About, *, after: str = "", newest: bool = False, discussion: Discussion | None = None
) -> Thread:
    """Only the thread of a discussion page, for its in-place fragment: after a new comment, the
    newest page, where it landed; else the page after the cursor ``after``. ``discussion``, the
    one a comment was just written in, spares looking it up."""
    if discussion is None:
        discussion = Discussion.objects.filter(item=about.item, version=about.version, proposal=about.proposal).first()
    if discussion is not None:
        discussion.item = about.item
    url = about.url(me.polycule.public_id)
    return thread(me, discussion, comment_url=url, audience=through_the_gate(me), after=after, newest=newest)


@dataclass(frozen=True)
class DiscussionPage:
    """A discussion page: what it is about, who asked to talk (for a version), the thread, and
    the other talk about the same item."""

    about: About
    openings: list[Acknowledgment]  # "I'd like to talk about this", for a version of a boundary
    thread: Thread
    others: list[Discussion]  # annotated with ``comment_count``


def discussion_page(me: Membership, about: About, *, after: str = "") -> DiscussionPage:
    polycule_id = me.polycule.public_id
    # All the talk about the item at once: this page's discussion, and the others to link to.
    # An item is talked about in a handful of places (as a whole, per version, per proposal).
    talk = list(
        Discussion.objects.filter(item=about.item)
        .select_related("version", "proposal__revision")
        .annotate(comment_count=Count("comments"))
        .order_by("-created_at", "-id")
    )
    discussion = next((d for d in talk if about.is_about(d)), None)
    if discussion is not None:
        discussion.item = about.item
    openings = []
    if about.version is not None:
        asked = Acknowledgment.objects.filter(version=about.version, answer=TALK).select_related("member")
        openings = list(asked.order_by("created_at", "id"))
    conversation = thread(
        me, discussion, comment_url=about.url(polycule_id), audience=through_the_gate(me), after=after
    )
    return DiscussionPage(
        about=about,
        openings=openings,
        thread=conversation,
        others=[d for d in talk if d is not discussion and getattr(d, "comment_count", 0) > 0],
    )


# For the dashboard: who asked the member to talk about their boundary


@dataclass(frozen=True)
class TalkRequest:
    """Someone answered the current version of the member's boundary with "I'd like to talk about
    this", and the owner has not written in that version's discussion since."""

    item: Item
    version: Version
    member: Membership
    note: str
    asked_at: datetime
    url: str


def talk_requests_query(membership: Membership) -> QuerySet[Acknowledgment]:
    """The asks behind ``talk_requests`` (unordered; ``needs`` reads them with the others)."""
    version = OuterRef("version")
    answered = Comment.objects.filter(
        discussion__version=version, author=membership, created_at__gt=OuterRef("created_at")
    )
    muted = Mute.objects.filter(discussion__version=version, member=membership)
    return (
        Acknowledgment.objects.filter(
            answer=TALK,
            version__current_of__owner=membership,
            version__current_of__retired_at__isnull=True,
            member__left_at__isnull=True,
        )
        .exclude(member=membership)
        .filter(~Exists(answered), ~Exists(muted))
    )


# What ``talk_request`` reads with each ask.
TALK_REQUEST_RELATED = ("member", "version__item__current_version", "version__item__polycule")


def talk_request(ask: Acknowledgment) -> TalkRequest:
    """An ask read with ``TALK_REQUEST_RELATED``."""
    item = ask.version.item
    return TalkRequest(
        item=item,
        version=ask.version,
        member=ask.member,
        note=ask.note,
        asked_at=ask.created_at,
        url=About(item, ask.version).url(item.polycule.public_id),
    )


def talk_requests(membership: Membership) -> list[TalkRequest]:
    """On the member's own live boundaries, in one query whatever their number, oldest first."""
    asks = talk_requests_query(membership).select_related(*TALK_REQUEST_RELATED).order_by("created_at", "id")
    return [talk_request(ask) for ask in asks]
