"""What an operator needs to see at a glance: the database answers, the task worker keeps up,
the scheduler's ``tick`` runs. Nothing about anyone: counts of time, never of people or words."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, connection
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import Tick

# tick runs every two minutes; a quarter of an hour without one means the scheduler stopped.
LATE = timedelta(minutes=15)


@dataclass(frozen=True)
class Health:
    database: bool
    queue_age: timedelta  # how long the oldest task ready to run has waited
    last_tick: datetime | None  # when the last tick finished
    now: datetime

    @property
    def status(self) -> str:
        if not self.database:
            return "failing"
        if self.last_tick is None or self.now - self.last_tick > LATE or self.queue_age > LATE:
            return "late"
        return "ok"

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "database": "ok" if self.database else "failing",
            "queue_age_seconds": int(self.queue_age.total_seconds()) if self.database else None,
            "last_tick": self.last_tick.isoformat() if self.last_tick else None,
        }


def oldest_waiting(now: datetime) -> timedelta:
    """Age of the oldest task the worker could run now: waiting since it was queued, or
    since the time it was told to wait for (a retry's backoff). Zero when none waits."""
    since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    oldest: datetime | None = DBTaskResult.objects.ready().aggregate(oldest=Min(since))["oldest"]
    return max(now - oldest, timedelta(0)) if oldest else timedelta(0)


def check(now: datetime | None = None) -> Health:
    now = now or timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queue_age = oldest_waiting(now)
        last_tick = (
            Tick.objects.filter(finished_at__isnull=False)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
    except DatabaseError:
        return Health(database=False, queue_age=timedelta(0), last_tick=None, now=now)
    return Health(database=True, queue_age=queue_age, last_tick=last_tick, now=now)
