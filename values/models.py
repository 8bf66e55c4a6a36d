"""Values, agreements and boundaries: one engine for three kinds of item.

Versions, acknowledgments, consents, proposal revisions, responses and
reaffirmations are append-only: rows are added, never changed or deleted, which
PostgreSQL enforces with the ``AppendOnly`` trigger each of them declares
(promise 19). What is "current" is derived.
"""

import uuid
from typing import ClassVar

import pgtrigger
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q, Value
from django.db.models.functions import Length
from django.db.models.lookups import Exact, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

from relationships.models import Membership, Polycule

TITLE_MAX = 120
TEXT_MAX = 4000
WHY_MAX = 2000
NOTE_MAX = 1000


def within(table: str, **limits: int) -> list[models.BaseConstraint]:
    """Length limits the database enforces too, not only the forms (promise 18)."""
    return [
        models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=f"{table}_{field}_length")
        for field, limit in limits.items()
    ]


class AppendOnly(pgtrigger.Protect):
    """Refuses UPDATE and DELETE of a history row, as an integrity error (promise 19).
    Erasing data on request (account deletion) will go through ``pgtrigger.ignore``.

    ``but`` names the one field of a row that may change after it is written (when someone
    first read it, say): an UPDATE that changes it and nothing else goes through."""

    def __init__(self, *, but: str = "") -> None:
        self.but = but
        super().__init__(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)

    def get_func(self, model: type[models.Model]) -> str:  # type: ignore[override]
        refuse = (
            "RAISE EXCEPTION 'history in % is append-only: % refused', TG_TABLE_NAME, TG_OP"
            " USING ERRCODE = 'integrity_constraint_violation';"
        )
        if not self.but:
            return self.format_sql(refuse)
        kept = [f.column for f in model._meta.concrete_fields if f.name != self.but]
        column = model._meta.get_field(self.but).column  # type: ignore[union-attr]
        old, new = (", ".join(f'{row}."{c}"' for c in kept) for row in ("OLD", "NEW"))
        return self.format_sql(
            f'IF TG_OP = \'UPDATE\' AND OLD."{column}" IS DISTINCT FROM NEW."{column}"'
            f" AND ROW({old}) IS NOT DISTINCT FROM ROW({new}) THEN RETURN NEW; END IF; {refuse}"
        )


class Kind(models.TextChoices):
    VALUE = "value", "Value"
    AGREEMENT = "agreement", "Agreement"
    BOUNDARY = "boundary", "Boundary"


class Category(models.TextChoices):
    COMMUNICATION = "communication", "Communication"
    TIME = "time", "Time and attention"
    FAMILY = "family", "Children and family"
    HOME = "home", "Home and nights"
    HEALTH = "health", "Sexual health"
    NEW_PARTNERS = "new_partners", "New partners"
    PRIVACY = "privacy", "Privacy and disclosure"
    OTHER = "other", "Other"


class ItemQuerySet(models.QuerySet["Item"]):
    def visible_to(self, membership: Membership) -> "ItemQuerySet":
        """Items this member may know exist: every query for items starts here.
        ``Item.audience`` is the same rule read the other way, in Python."""
        in_audience = ItemAudience.objects.filter(item=OuterRef("pk"), membership=membership)
        return self.filter(polycule_id=membership.polycule_id).filter(
            Q(everyone=True) | Q(owner=membership) | Exists(in_audience)
        )

    def adopted(self) -> "ItemQuerySet":
        return self.filter(current_version__isnull=False)

    def live(self) -> "ItemQuerySet":
        return self.adopted().filter(retired_at__isnull=True)


def seen_by_another(member: Membership, item: str = "") -> Exists:
    """Whether an active member other than ``member`` is in the audience of an item read in
    the same query (``item``: the path to it from the query's rows, "" for items themselves):
    ``Item.audience()`` in SQL, for a write that adopts at once what nobody else sees."""
    path = f"{item}__" if item else ""
    chosen = ItemAudience.objects.filter(
        item=OuterRef(OuterRef(f"{item}_id" if item else "pk")), membership=OuterRef("pk")
    )
    others = Membership.objects.active().filter(polycule_id=OuterRef(f"{path}polycule_id")).exclude(pk=member.pk)
    return Exists(
        others.filter(Q(Exact(OuterRef(f"{path}everyone"), True)) | Q(pk=OuterRef(f"{path}owner_id")) | Exists(chosen))
    )


class Item(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=Kind)
    category = models.CharField(max_length=24, choices=Category, default=Category.OTHER)
    # A boundary belongs to one member; values and agreements to their audience.
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="boundaries")
    everyone = models.BooleanField(default=True, help_text="The whole polycule, now and later, can see it.")
    review_every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="items_created")
    created_at = models.DateTimeField(default=timezone.now)
    # The newest adopted version; None while a new item is only proposed.
    current_version = models.OneToOneField(
        "Version", on_delete=models.PROTECT, null=True, blank=True, related_name="current_of"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    # The current version's title, kept beside the item (``services.items.next_version`` sets
    # both) so that the item list is read in its order from an index, a page at a time, rather
    # than joining every item to its version to sort them.
    current_title = models.CharField(max_length=TITLE_MAX, default="", editable=False)

    objects: ClassVar[ItemQuerySet] = ItemQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(kind=Kind.BOUNDARY, owner__isnull=False) | (~Q(kind=Kind.BOUNDARY) & Q(owner__isnull=True)),
                name="item_only_boundaries_have_an_owner",
            ),
            models.CheckConstraint(
                condition=Q(review_every_days__isnull=True) | Q(review_every_days__gte=1),
                name="item_review_interval_positive",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            # The item list's order (``selectors.ITEM_ORDER``) within a polycule.
            models.Index(fields=["polycule", "kind", "current_title", "id"], name="item_list_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("values:item_detail", args=[self.polycule.public_id, self.public_id])

    @property
    def title(self) -> str:
        return self.current_version.title if self.current_version else "(proposed)"

    def audience(self) -> list[Membership]:
        """The active members who can see this item, its owner included: the Python form of
        ``Item.objects.visible_to``, which must agree with it (tests/values/test_audience_agrees.py)."""
        return list(self.audience_members())

    def audience_members(self) -> models.QuerySet[Membership]:
        """``audience()`` as a query, for a page to join what each member gave a version."""
        members = Membership.objects.active().filter(polycule_id=self.polycule_id)
        return members.filter(self._sees()).order_by("joined_at", "id")

    def polycule_members(self) -> list[tuple[Membership, bool]]:
        """The polycule's active members, each with whether they are in ``audience()``, in one
        query: for a form that chooses among them and starts from who sees it now."""
        sees = self._sees()
        members = Membership.objects.active().filter(polycule_id=self.polycule_id)
        members = members.annotate(
            sees=ExpressionWrapper(sees, output_field=models.BooleanField()) if sees else Value(True)
        )
        return [(m, bool(m.sees)) for m in members.order_by("joined_at", "id")]  # type: ignore[attr-defined]

    def _sees(self) -> Q:
        """Whether a membership, the row of a query on memberships, is in the audience (an
        empty condition when everyone is)."""
        if self.everyone:
            return Q()
        chosen = ItemAudience.objects.filter(item=self, membership=OuterRef("pk"))
        return Q(Exists(chosen)) | Q(pk=self.owner_id or 0)


class ItemAudience(models.Model):
    """A member chosen to see an item whose audience is not the whole polycule."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="audience_links")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="audience_links")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["item", "membership"], name="item_audience_once_per_member")
        ]


class Version(models.Model):
    # No index of its own: ``version_number_unique_per_item`` (item, number) serves a lookup by
    # item as well. With a second one, PostgreSQL took it for "version 1 of this item" once other
    # polycules' short histories made items look small, and read all 2,479 versions of a long one.
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions", db_index=False)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX)
    text = models.TextField(max_length=TEXT_MAX)
    why = models.TextField(max_length=WHY_MAX, blank=True)
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="versions_written")
    created_at = models.DateTimeField(default=timezone.now)
    # The proposal whose adoption made this version, for values and agreements.
    proposal = models.OneToOneField(
        "Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="adopted_version"
    )

    class Meta:
        triggers: ClassVar[list[pgtrigger.Trigger]] = [AppendOnly()]
        ordering: ClassVar[list[str]] = ["item", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["item", "number"], name="version_number_unique_per_item"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            *within("version", text=TEXT_MAX, why=WHY_MAX),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.title}"


class Acknowledgment(models.Model):
    """An audience member's answer to one version of someone's boundary."""

    class Answer(models.TextChoices):
        UNDERSTOOD = "understood", "Understood"
        TALK = "talk", "I'd like to talk about this"

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="acknowledgments")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="acknowledgments")
    answer = models.CharField(max_length=16, choices=Answer.choices)
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        triggers: ClassVar[list[pgtrigger.Trigger]] = [AppendOnly()]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "member"], name="acknowledgment_once_per_version"),
            *within("acknowledgment", note=NOTE_MAX),
        ]


class Consent(models.Model):
    """A member's consent to one version of a value or agreement."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="consents")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="consents")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        triggers: ClassVar[list[pgtrigger.Trigger]] = [AppendOnly()]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "member"], name="consent_once_per_version")
        ]


class Proposal(models.Model):
    class Change(models.TextChoices):
        CREATE = "create", "New"
        REVISE = "revise", "Change"
        RETIRE = "retire", "Retire"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ADOPTED = "adopted", "Adopted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="proposals")
    # The item's polycule, kept beside it (as an answer keeps its own) so that a polycule's open
    # proposals are read from an index of their own, whatever other polycules hold.
    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="+")
    change = models.CharField(max_length=16, choices=Change.choices)
    proposer = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="proposals")
    # The version this proposal was written against (None for a new item).
    base_version = models.ForeignKey(
        Version, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals_against"
    )
    revision = models.OneToOneField(
        "ProposalRevision", on_delete=models.PROTECT, null=True, blank=True, related_name="current_of"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="open", change="create"),
                name="proposal_one_open_creation_per_item",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            # "Has an open proposal", for one item: only the open ones, found from the item.
            models.Index(fields=["item"], condition=Q(status="open"), name="proposal_open_by_item"),
            # A polycule's open proposals, newest first (the lists of them, and "has an open
            # proposal" over a page of items): read from this polycule's alone.
            models.Index(
                fields=["polycule", "-created_at", "-id"], condition=Q(status="open"), name="proposal_open_in_polycule"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_change_display()} proposal"

    def get_absolute_url(self) -> str:
        return reverse("values:proposal_detail", args=[self.item.polycule.public_id, self.public_id])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ProposalRevision(models.Model):
    """The words of a proposal; amending adds a revision, which needs fresh responses."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX)
    text = models.TextField(max_length=TEXT_MAX)
    why = models.TextField(max_length=WHY_MAX)
    # Who would see the item once adopted; None leaves its audience as it is.
    everyone = models.BooleanField(null=True, blank=True)
    audience = models.ManyToManyField(Membership, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        triggers: ClassVar[list[pgtrigger.Trigger]] = [AppendOnly()]
        ordering: ClassVar[list[str]] = ["proposal", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposal_revision_number_unique"),
            *within("proposalrevision", text=TEXT_MAX, why=WHY_MAX),
        ]


class Response(models.Model):
    """One answer to one revision; a changed answer is a newer row, the latest counts."""

    class Answer(models.TextChoices):
        CONSENT = "consent", "I consent"
        STAND_ASIDE = "stand_aside", "I stand aside"
        OBJECT = "object", "I object"

    revision = models.ForeignKey(ProposalRevision, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="responses")
    # The member's polycule (the item's), kept on the answer so that a polycule's newest answers
    # are read from an index, as its events are (the timeline), not found through every proposal.
    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="+")
    # The proposal's item, kept on the answer too: the timeline tests each of the polycule's newest
    # answers against the items the viewer sees, instead of PostgreSQL starting from those items
    # when it underestimates how many answers each proposal has (it did, with other polycules).
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    # And the revision's proposal: "has this member answered the proposal that made this version"
    # (``selectors.with_state``, on every list of items) is read from the member's answers alone,
    # not joined to each one's revision, which grew with every other polycule's revisions.
    # Its index is ``response_by_proposal_member``, which asks that for one item in one probe.
    proposal = models.ForeignKey("Proposal", on_delete=models.CASCADE, related_name="+", db_index=False)
    answer = models.CharField(max_length=16, choices=Answer.choices)
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        triggers: ClassVar[list[pgtrigger.Trigger]] = [AppendOnly()]
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=~Q(answer="object") | ~Q(note=""), name="response_objection_has_a_note"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["polycule", "-created_at", "-id"], name="response_polycule_recent"),
            models.Index(fields=["proposal", "member"], name="response_by_proposal_member"),
        ]


class Nudge(models.Model):
    """The proposer's reminder to those who have not answered yet."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="nudges")
    by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="nudges_sent")
    created_at = models.DateTimeField(default=timezone.now)


class Suggestion(models.Model):
    """Someone's suggested change to another member's boundary."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting"
        TAKEN = "taken", "Taken"
        DECLINED = "declined", "Declined"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="suggestions")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="suggestions")
    base_version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="suggestions")
    text = models.TextField(max_length=TEXT_MAX)
    why = models.TextField(max_length=WHY_MAX)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reply=""), name="suggestion_decline_has_a_note"
            ),
            *within("suggestion", text=TEXT_MAX, why=WHY_MAX, reply=NOTE_MAX),
        ]


class Reaffirmation(models.Model):
    """ "Still holds for me": a date, without a new version."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reaffirmations")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="reaffirmations")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        triggers: ClassVar[list[pgtrigger.Trigger]] = [AppendOnly()]
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]


class Event(models.Model):
    """One line of a polycule's timeline about an item. Members joining and
    leaving come from their memberships (see values.timeline)."""

    class Kind(models.TextChoices):
        ITEM_CREATED = "item_created", "set"
        VERSION_ADOPTED = "version_adopted", "changed"
        PROPOSAL_OPENED = "proposal_opened", "proposed"
        PROPOSAL_AMENDED = "proposal_amended", "amended a proposal"
        PROPOSAL_ADOPTED = "proposal_adopted", "adopted"
        PROPOSAL_WITHDRAWN = "proposal_withdrawn", "withdrew a proposal"
        ACKNOWLEDGED = "acknowledged", "answered"
        CONSENTED = "consented", "consented"
        REAFFIRMED = "reaffirmed", "reaffirmed"
        SUGGESTED = "suggested", "suggested a change"
        SUGGESTION_DECLINED = "suggestion_declined", "declined a suggestion"
        ITEM_RETIRED = "item_retired", "retired"
        AUDIENCE_CHANGED = "audience_changed", "changed who can see"

    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind)
    actor = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, related_name="events")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["polycule", "-created_at"], name="event_polycule_recent"),
        ]
