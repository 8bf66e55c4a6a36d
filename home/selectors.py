"""The top floor's read models: what each app asks of one person, gathered in one place.
Each app exposes its own part as a function (``values.selectors.needs``,
``conversations.selectors.needs.needs``); this composes them."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from accounts.models import User
from accounts.paging import Page
from conversations.models import Draft
from conversations.selectors import journal
from conversations.selectors import needs as talk
from relationships.models import Membership
from values import selectors as values
from values.selectors import ItemRow

from .models import WaitingCount

# How long a kept count is trusted while nothing in its polycule changes: time alone makes some
# things wait (an item comes due for a look together), and nothing is written then.
COUNT_KEPT = timedelta(minutes=5)


@dataclass(frozen=True)
class PolyculeNeeds:
    """What one polycule asks of the person now."""

    membership: Membership
    values: values.Needs
    talk: talk.Needs

    @property
    def count(self) -> int:
        return self.values.count + self.talk.count


@dataclass(frozen=True)
class Dashboard:
    polycules: list[PolyculeNeeds]
    drafts: list[Draft]  # kept in the journal, to look at again: the person's alone

    @property
    def count(self) -> int:
        """What ``needs_count`` counts: what waits in every polycule (drafts are not asked of anyone)."""
        return sum(polycule.count for polycule in self.polycules)


def dashboard(user: User, today: date) -> Dashboard:
    memberships = Membership.objects.active().filter(user=user).select_related("polycule")
    return Dashboard(
        polycules=[PolyculeNeeds(membership=m, values=values.needs(m), talk=talk.needs(m)) for m in memberships],
        drafts=journal.drafts_to_look_at(user, today),
    )


def needs_count(user: User, now: datetime | None = None) -> int:
    """How many things wait on the person, everywhere: the header's small count, asked after
    every page. Kept for each membership (``WaitingCount``) with the sum of its polycule's
    changes (``Membership.changes``, which every write through a member counts), and counted
    again once that sum moved or ``COUNT_KEPT`` passed: after a page where nothing changed, the
    count costs one query, not the dashboard's."""
    now = now or timezone.now()
    changes = (
        Membership.objects.filter(polycule_id=OuterRef("polycule_id"))
        .order_by()
        .values("polycule_id")
        .annotate(total=Sum("changes"))
        .values("total")
    )
    memberships = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("polycule", "waiting_count")
        .annotate(polycule_changes=Subquery(changes))
    )
    total, recounted = 0, []
    for membership in memberships:
        seen: int = membership.polycule_changes  # type: ignore[attr-defined]
        try:
            kept: WaitingCount | None = membership.waiting_count
        except WaitingCount.DoesNotExist:
            kept = None
        if kept is None or kept.changes != seen or kept.counted_at <= now - COUNT_KEPT:
            count = values.needs(membership, now, shown=0).count + talk.count(membership)
            kept = WaitingCount(membership=membership, count=count, changes=seen, counted_at=now)
            recounted.append(kept)
        total += kept.count
    if recounted:
        fields = ["count", "changes", "counted_at"]
        WaitingCount.objects.bulk_create(
            recounted, update_conflicts=True, unique_fields=["membership"], update_fields=fields
        )
    return total


@dataclass(frozen=True)
class Welcome:
    """A newcomer's first look: what was set before them and waits for their answer, a page
    at a time, and how many there are in all."""

    membership: Membership
    items: Page[ItemRow]
    count: int


def welcome(membership: Membership, *, after: str = "") -> Welcome:
    items = values.newcomer_items(membership, after=after)
    count = len(items.rows) if items.first and not items.next else values.newcomer_count(membership)
    return Welcome(membership=membership, items=items, count=count)
