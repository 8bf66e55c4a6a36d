from typing import ClassVar

from django.db import models
from django.utils import timezone

from relationships.models import Membership, Polycule


class StewardHandover(models.Model):
    """A member who became steward because the last steward deleted their account: the
    polycule's timeline tells it (home.timeline), so nobody wonders why."""

    polycule = models.ForeignKey(Polycule, on_delete=models.CASCADE, related_name="steward_handovers")
    steward = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="steward_handovers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.steward} became steward of {self.polycule}"


class WaitingCount(models.Model):
    """The header's count of what waits on a member, kept from the last time it was counted
    (``home.selectors.needs_count``) with the polycule's changes it saw then: counted again once
    anything in the polycule changed, or after ``selectors.COUNT_KEPT``."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, primary_key=True, related_name="waiting_count"
    )
    count = models.PositiveIntegerField()
    changes = models.PositiveBigIntegerField()
    counted_at = models.DateTimeField()
    # Which items waited, by kind, when it was counted (``values.selectors.Owing.kept``: ids and
    # counts, never words): the dashboard reads them again by id while the count is kept.
    owing = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.count} waiting on {self.membership_id}"
