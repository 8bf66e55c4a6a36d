import uuid
from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone


class Polycule(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("relationships:polycule_detail", args=[self.public_id])


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(left_at__isnull=True)

    def stewards(self) -> "MembershipQuerySet":
        return self.active().filter(role=Membership.Role.STEWARD)


class Membership(models.Model):
    """A person in one polycule, under the name they chose there."""

    class Role(models.TextChoices):
        STEWARD = "steward", "Steward"
        MEMBER = "member", "Member"

    class Departure(models.TextChoices):
        LEFT = "left", "Left"
        REMOVED = "removed", "Removed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    display_name = models.CharField(max_length=60)
    pronouns = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    departure = models.CharField(max_length=16, choices=Departure.choices, blank=True)
    # The writes made through this membership, its creation the first (relationships.acting):
    # their sum over a polycule moves whenever something in it changed, which is how a count
    # kept for later knows it is out of date (home.selectors.needs_count).
    changes = models.PositiveIntegerField(default=1, editable=False)

    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar[list[str]] = ["joined_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["polycule", "user"],
                condition=Q(left_at__isnull=True),
                name="membership_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True, departure="") | Q(left_at__isnull=False) & ~Q(departure=""),
                name="membership_departure_matches_left_at",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def is_steward(self) -> bool:
        return self.is_active and self.role == self.Role.STEWARD


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        return self.unanswered().filter(expires_at__gt=timezone.now())

    def unanswered(self) -> "InvitationQuerySet":
        """Neither used nor revoked: waiting, or expired (a new link can still be sent)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An e-mail invitation into a polycule. Only a hash of its link's token is stored."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="invitations_sent")
    email = models.EmailField(max_length=254)
    note = models.TextField(max_length=1000, blank=True)
    # Random per invitation; the link's token is an HMAC of it under SECRET_KEY,
    # so the database alone cannot rebuild a working link.
    salt = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_membership = models.OneToOneField(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation_accepted"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[InvitationQuerySet] = InvitationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=LessThanOrEqual(Length("note"), 1000), name="invitation_note_length"),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.email}"

    def status_at(self, now: datetime) -> "Invitation.Status":
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status(self) -> "Invitation.Status":
        return self.status_at(timezone.now())

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
