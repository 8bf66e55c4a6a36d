"""The person's choices about being told, and the delivery log that makes sure one event
reaches one person at most once."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from relationships.models import Membership

from .kinds import Delivery, Kind


class Preferences(models.Model):
    """How one person likes to be told. Kinds they left alone follow ``kinds.DEFAULTS``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences")
    # An IANA name, taken from the browser the first time the settings page opens; "" until then (UTC).
    time_zone = models.CharField(max_length=64, blank=True)
    digest_hour = models.PositiveSmallIntegerField(default=8)
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    # Mail says only what kind of thing waits, and where; titles travel only if the person chooses.
    include_titles = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=Q(digest_hour__lte=23), name="preferences_digest_hour_in_a_day"),
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | (Q(quiet_from__isnull=False, quiet_until__isnull=False) & ~Q(quiet_from=models.F("quiet_until"))),
                name="preferences_quiet_hours_both_and_different",
            ),
        ]

    def __str__(self) -> str:
        return f"Preferences of {self.user}"


class KindChoice(models.Model):
    """A person's own choice for one kind of notice, where it differs from the default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_choices")
    kind = models.CharField(max_length=16, choices=Kind)
    delivery = models.CharField(max_length=8, choices=Delivery)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "kind"], name="kind_choice_once_per_person")
        ]


class Letter(models.Model):
    """One mail to one person, gathering the notices sent together (at once, or the digest).
    Its words are written when it is sent, from its notices: nothing private waits in a queue."""

    class Sort(models.TextChoices):
        AT_ONCE = "now", "At once"
        DIGEST = "digest", "Daily digest"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="letters")
    sort = models.CharField(max_length=8, choices=Sort)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Letter {self.pk} to {self.user_id}"


class Notice(models.Model):
    """One thing worth telling one person: the delivery log. Its key names the event it is
    about (``"values.event:42"``, ``"review:item:7:2026-12-01"``); one person gets one notice
    per key, whatever retries, restarts or double runs of ``tick`` happen."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to be sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent"  # off, done already, or no longer visible

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind)
    key = models.CharField(max_length=160)
    delivery = models.CharField(max_length=8, choices=Delivery)
    happened_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    # Not before: the end of quiet hours, the digest's hour, or an hour after the last mail.
    due_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status, default=Status.WAITING)
    sent_at = models.DateTimeField(null=True, blank=True)
    letter = models.ForeignKey(Letter, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices")
    why_skipped = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["happened_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_person_and_event")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "due_at"], name="notice_waiting_by_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}: {self.key}"


class Tick(models.Model):
    """One run of ``manage.py tick``: the health page reports the last one."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    notices = models.PositiveIntegerField(default=0)
    mails = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["-started_at", "-id"]


class CalendarFeed(models.Model):
    """A member's private calendar address. Only a hash of its token is kept; a new token makes
    the old address stop working; leaving the polycule ends it."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    full_titles = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
