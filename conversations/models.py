"""Talk next to the items: discussions, choices shared as they happen, sealed "what if"
rounds, check-ins, and the journal, which belongs to one person and to no polycule.

Who sees what is said twice, as in values: in SQL (each ``visible_to`` QuerySet method, the
gate every query goes through) and in Python (each ``audience()`` method, which services ask
before letting someone act); tests/conversations/test_audiences_agree.py shows they agree.
"""

import uuid
from typing import ClassVar

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from relationships.models import Membership, Polycule
from values.models import AppendOnly, Item, Proposal, Version, within

TEXT_MAX = 2000
NOTE_MAX = 1000
PROMPT_MAX = 500
TITLE_MAX = 200
JOURNAL_MAX = 5000


def _active(members: "models.QuerySet[Membership]") -> list[Membership]:
    return list(members.filter(left_at__isnull=True).distinct().order_by("joined_at", "id"))


# Discussions


class DiscussionQuerySet(models.QuerySet["Discussion"]):
    def visible_to(self, membership: Membership) -> "DiscussionQuerySet":
        """Discussions this member may read: about an item they see, or a round they are in."""
        return self.filter(polycule_id=membership.polycule_id).filter(
            Q(item__in=Item.objects.visible_to(membership))
            | Exists(RoundParticipant.objects.filter(round=OuterRef("round"), membership=membership))
        )


class Discussion(models.Model):
    """Talk about an item (or one of its versions, or a proposal about it), or under a what-if
    round once its answers are revealed. One discussion per thing talked about."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="discussions")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, null=True, blank=True, related_name="discussions")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, null=True, blank=True, related_name="discussions")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="discussions")
    round = models.OneToOneField("Round", on_delete=models.CASCADE, null=True, blank=True, related_name="discussion")
    started_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="discussions_started")
    created_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[DiscussionQuerySet] = DiscussionQuerySet.as_manager()  # type: ignore[assignment]

    # Not a column: set on the discussion a reveal opens, which the same request shows without
    # asking for its comments or mutes, since it can have none yet.
    opened_empty: bool = False

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(Q(item__isnull=False) & Q(round__isnull=True))
                | (Q(item__isnull=True) & Q(round__isnull=False) & Q(version__isnull=True) & Q(proposal__isnull=True)),
                name="discussion_about_an_item_or_a_round",
            ),
            models.CheckConstraint(
                condition=Q(version__isnull=True) | Q(proposal__isnull=True),
                name="discussion_about_a_version_or_a_proposal_not_both",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(version__isnull=True, proposal__isnull=True, item__isnull=False),
                name="discussion_once_per_item",
            ),
            models.UniqueConstraint(fields=["version"], name="discussion_once_per_version"),
            models.UniqueConstraint(fields=["proposal"], name="discussion_once_per_proposal"),
        ]
        # The polycule's discussions, newest first (the talk page and its list).
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["polycule", "-created_at", "-id"], name="discussion_polycule_newest")
        ]

    def __str__(self) -> str:
        return f"Discussion {self.public_id}"

    def get_absolute_url(self) -> str:
        """The page of what it is about: discussions are addressed by their subject."""
        polycule = self.polycule.public_id
        if self.round is not None:
            return self.round.get_absolute_url()
        assert self.item is not None
        if self.proposal is not None:
            return reverse("conversations:discussion_proposal", args=[polycule, self.proposal.public_id])
        if self.version is not None:
            return reverse(
                "conversations:discussion_version", args=[polycule, self.item.public_id, self.version.number]
            )
        return reverse("conversations:discussion_item", args=[polycule, self.item.public_id])

    def audience(self) -> list[Membership]:
        """The active members who may read and take part: the Python form of ``visible_to``."""
        if self.item is not None:
            return self.item.audience()
        assert self.round is not None
        return self.round.audience()


class Comment(models.Model):
    """A comment, or a reply to one (one level only). Its words are revisions: correcting a
    comment adds one, and the earlier wording stays readable."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        # A thread's page: its comments (not the replies) in order, from a cursor.
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["discussion", "created_at", "id"], condition=Q(parent__isnull=True), name="comment_thread_order"
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.public_id}"


class CommentRevision(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["comment", "number"]
        triggers: ClassVar[list[pgtrigger.Trigger]] = [AppendOnly()]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["comment", "number"], name="comment_revision_number_unique"),
            *within("commentrevision", text=TEXT_MAX),
        ]


class Mute(models.Model):
    """A member who asked not to be told about a discussion any more."""

    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="mutes")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="mutes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["discussion", "member"], name="mute_once_per_member")
        ]


# Choices


class ChoiceQuerySet(models.QuerySet["Choice"]):
    def visible_to(self, membership: Membership) -> "ChoiceQuerySet":
        chosen = ChoiceAudience.objects.filter(choice=OuterRef("pk"), membership=membership)
        return self.filter(polycule_id=membership.polycule_id).filter(
            Q(everyone=True) | Q(author=membership) | Exists(chosen)
        )


class Choice(models.Model):
    """A choice someone made or is about to make, told as it happens, with why."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="choices")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="choices")
    text = models.TextField(max_length=TEXT_MAX)
    why = models.TextField(max_length=TEXT_MAX, blank=True)
    everyone = models.BooleanField(default=True)
    items = models.ManyToManyField(Item, blank=True, related_name="choices")
    created_at = models.DateTimeField(default=timezone.now)
    # When its author last read how it landed: answers after it wait for them on their dashboard.
    answers_seen_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[ChoiceQuerySet] = ChoiceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [*within("choice", text=TEXT_MAX, why=TEXT_MAX)]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["polycule", "-created_at", "-id"], name="choice_polycule_newest")
        ]

    def __str__(self) -> str:
        return f"Choice {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("conversations:choice_detail", args=[self.polycule.public_id, self.public_id])

    def audience(self) -> list[Membership]:
        """The active members told about it, the author included."""
        members = Membership.objects.filter(polycule_id=self.polycule_id)
        if not self.everyone:
            members = members.filter(Q(choice_links__choice=self) | Q(pk=self.author_id))
        return _active(members)


class ChoiceAudience(models.Model):
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="audience_links")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="choice_links")

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["choice", "membership"], name="choice_audience_once_per_member")
        ]


class Feeling(models.TextChoices):
    SAFE = "safe", "Feels safe"
    OKAY = "okay", "Okay"
    UNEASY = "uneasy", "Uneasy"


class ChoiceResponse(models.Model):
    """How a choice lands for someone told about it. A changed answer is a newer row."""

    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="choice_responses")
    feeling = models.CharField(max_length=16, choices=Feeling)
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        triggers: ClassVar[list[pgtrigger.Trigger]] = [AppendOnly()]
        constraints: ClassVar[list[models.BaseConstraint]] = [*within("choiceresponse", note=NOTE_MAX)]


class ChoiceReply(models.Model):
    """A word back from the person who shared a choice to one person's answer, read by the two
    of them alone. A later word is a newer row; only when ``to`` first read it ever changes."""

    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="replies")
    to = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="choice_replies")
    note = models.TextField(max_length=NOTE_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        triggers: ClassVar[list[pgtrigger.Trigger]] = [AppendOnly(but="seen_at")]
        constraints: ClassVar[list[models.BaseConstraint]] = [*within("choicereply", note=NOTE_MAX)]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["to", "choice"], condition=Q(seen_at__isnull=True), name="choicereply_unseen")
        ]


# What-if rounds


class RoundQuerySet(models.QuerySet["Round"]):
    def visible_to(self, membership: Membership) -> "RoundQuerySet":
        """Rounds this member was asked into: nobody else learns they exist."""
        places = RoundParticipant.objects.filter(round=OuterRef("pk"), membership=membership)
        return self.filter(polycule_id=membership.polycule_id).filter(Exists(places))


class Round(models.Model):
    """A "what if" put to chosen members. Answers stay sealed until everyone still in the
    polycule has answered, or the asker reveals them after the deadline; then all at once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="rounds")
    asker = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="rounds_asked")
    prompt = models.TextField(max_length=PROMPT_MAX)
    theme = models.CharField(max_length=32, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revealed_at = models.DateTimeField(null=True, blank=True)
    # Whoever revealed it (with the last answer, or as the asker after the deadline) read the
    # answers as they were revealed: the reveal does not wait for them as unread.
    revealed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects: ClassVar[RoundQuerySet] = RoundQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [*within("round", prompt=PROMPT_MAX)]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["polycule", "-created_at", "-id"], name="round_polycule_newest")
        ]

    def __str__(self) -> str:
        return f"Round {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("conversations:round_detail", args=[self.polycule.public_id, self.public_id])

    def audience(self) -> list[Membership]:
        """The participants still in the polycule, fixed when the round opened."""
        return _active(Membership.objects.filter(round_places__round=self))


class RoundParticipant(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="round_places")
    # When this participant first opened the round after its reveal: theirs alone, shown to nobody.
    seen_reveal_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["round", "membership"], name="round_participant_once")
        ]


class RoundAnswer(models.Model):
    """One participant's answer: sealed, and theirs to change or withdraw, until the reveal."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="round_answers")
    text = models.TextField(max_length=TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["round", "member"], name="round_answer_once_per_member"),
            *within("roundanswer", text=TEXT_MAX),
        ]


# Check-ins


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def visible_to(self, membership: Membership) -> "CheckInQuerySet":
        chosen = CheckInAudience.objects.filter(checkin=OuterRef("pk"), membership=membership)
        return self.filter(polycule_id=membership.polycule_id).filter(
            Q(everyone=True) | Q(created_by=membership) | Exists(chosen)
        )


class CheckIn(models.Model):
    """A structured conversation: review, agenda, discuss, actions, reconnect."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="checkins")
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="checkins_created")
    title = models.CharField(max_length=TITLE_MAX, default="Check-in")
    scheduled_for = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    everyone = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    held_at = models.DateTimeField(null=True, blank=True)
    held_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="checkins_held"
    )

    objects: ClassVar[CheckInQuerySet] = CheckInQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar[list[str]] = ["-scheduled_for", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            # The list (past ones from a cursor, coming ones from now on) and the dashboard's upcoming.
            models.Index(fields=["polycule", "-scheduled_for", "-id"], name="checkin_polycule_scheduled"),
            # The last one held before a check-in, for its review.
            models.Index(
                fields=["polycule", "-held_at", "-id"], condition=Q(held_at__isnull=False), name="checkin_polycule_held"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("conversations:checkin_detail", args=[self.polycule.public_id, self.public_id])

    def audience(self) -> list[Membership]:
        members = Membership.objects.filter(polycule_id=self.polycule_id)
        if not self.everyone:
            members = members.filter(Q(checkin_links__checkin=self) | Q(pk=self.created_by_id))
        return _active(members)


class CheckInAudience(models.Model):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="audience_links")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="checkin_links")

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["checkin", "membership"], name="checkin_audience_once_per_member")
        ]


class Topic(models.Model):
    """Something to talk about at a check-in, added by anyone before or during it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="topics")
    added_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="topics_added")
    title = models.CharField(max_length=TITLE_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]


class TopicNote(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="topic_notes")
    text = models.TextField(max_length=TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [*within("topicnote", text=TEXT_MAX)]


class Action(models.Model):
    """A follow-up agreed at a check-in, with an owner; carried to the next check-in until done."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="actions_owned")
    text = models.CharField(max_length=PROMPT_MAX)
    due_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="actions_created")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]


class Reconnect(models.Model):
    """How someone is, said in a check-in's closing round."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="reconnects")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="reconnects")
    text = models.TextField(max_length=NOTE_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["checkin", "member"], name="reconnect_once_per_member"),
            *within("reconnect", text=NOTE_MAX),
        ]


# The journal: one person's, never a polycule's


class JournalEntry(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal")
    prompt = models.CharField(max_length=PROMPT_MAX, blank=True)
    text = models.TextField(max_length=JOURNAL_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [*within("journalentry", text=JOURNAL_MAX)]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["author", "-created_at", "-id"], name="journalentry_author_newest")
        ]

    def __str__(self) -> str:
        return f"Journal entry {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("conversations:journal_entry", args=[self.public_id])


class Draft(models.Model):
    """Something written in the journal, on its way to becoming a boundary, a proposal or a
    choice in one of the author's polycules. Kept, it comes back on their dashboard."""

    class Kind(models.TextChoices):
        BOUNDARY = "boundary", "Boundary"
        VALUE = "value", "Value"
        AGREEMENT = "agreement", "Agreement"
        CHOICE = "choice", "Choice"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    entry = models.ForeignKey(JournalEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="drafts")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="drafts")
    kind = models.CharField(max_length=16, choices=Kind)
    # What the form held when it was last saved (words, audience ...), as its fields name them.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    look_again_on = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["author", "-created_at", "-id"], condition=Q(sent_at__isnull=True), name="draft_unsent_newest"
            )
        ]

    def __str__(self) -> str:
        return str(self.data.get("title") or self.data.get("text", ""))[:60] or "A draft"

    def get_absolute_url(self) -> str:
        return reverse("conversations:draft_edit", args=[self.public_id])
