"""The top floor's read models: what each app asks of one person, gathered in one place.
Each app exposes its own part as a function (``values.selectors.needs``,
``conversations.selectors.needs.needs``); this composes them."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import OuterRef, QuerySet, Subquery, Sum
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


def dashboard(user: User, today: date, now: datetime | None = None) -> Dashboard:
    """Every polycule's needs. The items that wait are read by their ids where the header's
    count kept them (``WaitingCount.owing``) and nothing has changed since; decided afresh
    otherwise. The dashboard does not keep them itself: that would be a write on a page."""
    now = now or timezone.now()
    polycules = []
    for membership in _with_kept(user):
        kept = _still_kept(membership, now)
        owed = values.owing_kept(membership, kept.owing) if kept else None
        needs = values.needs(membership, now, owed=owed)
        polycules.append(PolyculeNeeds(membership=membership, values=needs, talk=talk.needs(membership)))
    return Dashboard(polycules=polycules, drafts=journal.drafts_to_look_at(user, today))


def _with_kept(user: User) -> QuerySet[Membership]:
    """The person's memberships, each with its kept count and the sum of its polycule's
    changes now (``polycule_changes``): one query."""
    changes = (
        Membership.objects.filter(polycule_id=OuterRef("polycule_id"))
        .order_by()
        .values("polycule_id")
        .annotate(total=Sum("changes"))
        .values("total")
    )
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("polycule", "waiting_count")
        .annotate(polycule_changes=Subquery(changes))
    )


def _still_kept(membership: Membership, now: datetime) -> WaitingCount | None:
    """The membership's kept count, if nothing in its polycule changed since and it is fresh."""
    try:
        kept: WaitingCount = membership.waiting_count
    except WaitingCount.DoesNotExist:
        return None
    if kept.changes != membership.polycule_changes or kept.counted_at <= now - COUNT_KEPT:  # type: ignore[attr-defined]
        return None
    return kept


def needs_count(user: User, now: datetime | None = None) -> int:
    """How many things wait on the person, everywhere: the header's small count, asked after
    every page. Kept for each membership (``WaitingCount``) with the sum of its polycule's
    changes (``Membership.changes``, which every write through a member counts), and counted
    again once that sum moved or ``COUNT_KEPT`` passed: after a page where nothing changed, the
    count costs one query, not the dashboard's. Counted again, it keeps which items wait too
    (``values.Owing``), for the dashboard to read by their ids."""
    now = now or timezone.now()
    total, recounted = 0, []
    for membership in _with_kept(user):
        kept = _still_kept(membership, now)
        if kept is None:
            owed = values.owing(membership, now)
            count = values.needs(membership, now, shown=0, owed=owed).count + talk.count(membership)
            seen: int = membership.polycule_changes  # type: ignore[attr-defined]
            kept = WaitingCount(membership=membership, count=count, changes=seen, counted_at=now, owing=owed.kept)
            recounted.append(kept)
        total += kept.count
    if recounted:
        fields = ["count", "changes", "counted_at", "owing"]
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
