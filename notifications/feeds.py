"""A member's private calendar: check-ins, their own actions that are due, and the days items
are due for a look together, as an iCalendar feed at an address only they know.

The address carries a random token; only its SHA-256 is kept (as for invitations), so the
token is shown once, when made. A new address makes the old one stop working; leaving the
polycule ends it. Calendar services fetch feeds from their own servers, so, as in mail, event
titles say only what kind of thing it is unless the member chose fuller titles: never a
journal, a note or any text beyond a title.

UIDs are stable (``checkin-<public id>@trellis``). SEQUENCE grows when an event changes and is
counted from append-only history, so it never goes back: a review's date moves with each new
version and each reaffirmation, and its SEQUENCE is the number of both since the first
version. A check-in cannot be moved or renamed, nor an action's date or words changed, so
theirs stay 0; an action marked done, or a check-in out of sight, leaves the feed. DTSTAMP is
when the event last changed, so the same state always gives the same feed."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.mail import site_url
from conversations.models import Action, CheckIn
from relationships.acting import acting
from relationships.models import Membership
from relationships.services import RuleError
from values.models import Item, Reaffirmation
from values.selectors import review_due_at

from .models import CalendarFeed
from .settings_selectors import preferences_of

TOKEN_MAX = 128
# What a feed holds: a year of past check-ins, everything to come, within a fixed bound.
PAST = timedelta(days=366)
MOST = 500
CHECKIN_LENGTH = timedelta(hours=1)

MINIMAL_TITLES = {
    "checkin": "Trellis check-in",
    "action": "Trellis: an action of yours",
    "review": "Trellis: something to look at together",
}


# The address


def new_token() -> str:
    """256 bits from ``secrets``, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(token: str) -> str:
    return site_url(reverse("notifications:feed", args=[token]))


# The member's row is locked: one change of a member's address at a time, none after leaving.
# The member's own settings, seen by no one else: not counted as a change of the polycule.
@acting("membership", counted=False)
def make_feed(*, membership: Membership) -> tuple[CalendarFeed, str]:
    """A new calendar address for the member; the old one, if any, stops working at once.
    Returns the feed and its token, which is never stored and so shown only now."""
    feed = CalendarFeed.objects.filter(membership=membership).first() or CalendarFeed(membership=membership)
    token = new_token()
    feed.token_hash = hash_token(token)
    feed.created_at = timezone.now()
    feed.save()
    return feed, token


@acting("membership", counted=False)
def stop_feed(*, membership: Membership) -> bool:
    """The address stops working. False when there was none."""
    deleted, _ = CalendarFeed.objects.filter(membership=membership).delete()
    return deleted > 0


@acting("membership", counted=False)
def choose_titles(*, membership: Membership, full_titles: bool) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(membership=membership).first()
    if feed is None:
        raise RuleError("There is no calendar address for this polycule yet. Make one first.")
    feed.full_titles = full_titles
    feed.save(update_fields=["full_titles"])
    return feed


def find_feed(token: str) -> CalendarFeed | None:
    """The feed a token opens, while its member is still in the polycule; None otherwise."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return (
        CalendarFeed.objects.select_related("membership__polycule", "membership__user")
        .filter(token_hash=hash_token(token), membership__left_at__isnull=True, membership__user__is_active=True)
        .first()
    )


# What the feed holds


@dataclass(frozen=True)
class Entry:
    uid: str
    sequence: int
    stamp: datetime  # when the event last changed
    start: datetime | date  # a date for a whole day
    summary: str
    url: str

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _checkins(me: Membership, full: bool, now: datetime) -> list[Entry]:
    checkins = (
        CheckIn.objects.visible_to(me)
        .filter(scheduled_for__gte=now - PAST)
        .only("public_id", "title", "scheduled_for", "created_at")
        .order_by("scheduled_for", "id")[:MOST]
    )
    polycule = me.polycule.public_id
    return [
        Entry(
            uid=f"checkin-{c.public_id}@trellis",
            sequence=0,
            stamp=c.created_at,
            start=c.scheduled_for,
            summary=c.title if full else MINIMAL_TITLES["checkin"],
            url=site_url(reverse("conversations:checkin_detail", args=[polycule, c.public_id])),
        )
        for c in checkins
    ]


def _actions(me: Membership, full: bool) -> list[Entry]:
    actions = (
        Action.objects.filter(
            owner=me,
            done_at__isnull=True,
            due_on__isnull=False,
            checkin__in=CheckIn.objects.visible_to(me),
        )
        .select_related("checkin")
        .only("public_id", "text", "due_on", "created_at", "checkin__public_id")
        .order_by("due_on", "id")[:MOST]
    )
    polycule = me.polycule.public_id
    return [
        Entry(
            uid=f"action-{a.public_id}@trellis",
            sequence=0,
            stamp=a.created_at,
            start=a.due_on,
            summary=a.text if full else MINIMAL_TITLES["action"],
            url=site_url(reverse("conversations:checkin_detail", args=[polycule, a.checkin.public_id])),
        )
        for a in actions
        if a.due_on is not None
    ]


def _reviews(me: Membership, full: bool, zone: ZoneInfo) -> list[Entry]:
    reaffirmations = Reaffirmation.objects.filter(item=OuterRef("pk"))
    items = (
        Item.objects.visible_to(me)
        .live()
        .filter(review_every_days__isnull=False)
        .select_related("current_version")
        .annotate(
            last_reaffirmed_at=Subquery(reaffirmations.order_by("-created_at").values("created_at")[:1]),
            reaffirmed=Coalesce(
                Subquery(reaffirmations.values("item").annotate(n=Count("id")).values("n")[:1]),
                0,
                output_field=IntegerField(),
            ),
        )
        .order_by("id")[:MOST]
    )
    polycule = me.polycule.public_id
    entries = []
    for item in items:
        due = review_due_at(item)
        version = item.current_version
        if due is None or version is None:
            continue
        entries.append(
            Entry(
                uid=f"review-{item.public_id}@trellis",
                sequence=version.number - 1 + item.reaffirmed,  # type: ignore[attr-defined]
                stamp=max(version.created_at, item.last_reaffirmed_at or version.created_at),  # type: ignore[attr-defined]
                start=due.astimezone(zone).date(),
                summary=version.title if full else MINIMAL_TITLES["review"],
                url=site_url(reverse("values:item_detail", args=[polycule, item.public_id])),
            )
        )
    return entries


def entries(feed: CalendarFeed, now: datetime | None = None) -> list[Entry]:
    """Everything the feed's member sees, soonest first. Four queries."""
    me = feed.membership
    now = now or timezone.now()
    zone = _zone(preferences_of(me.user).time_zone)
    found = [
        *_checkins(me, feed.full_titles, now),
        *_actions(me, feed.full_titles),
        *_reviews(me, feed.full_titles, zone),
    ]
    return sorted(found, key=lambda e: (_day(e.start, zone), e.uid))


def _day(start: datetime | date, zone: ZoneInfo) -> date:
    return start.astimezone(zone).date() if isinstance(start, datetime) else start


def calendar(feed: CalendarFeed, now: datetime | None = None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Trellis//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = f"Trellis · {feed.membership.polycule.name}" if feed.full_titles else "Trellis"
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", timedelta(hours=1))
    for entry in entries(feed, now):
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("sequence", entry.sequence)
        event.add("dtstamp", entry.stamp.astimezone(UTC))
        if isinstance(entry.start, datetime):
            event.add("dtstart", entry.start.astimezone(UTC))
            event.add("duration", CHECKIN_LENGTH)
        else:
            event.add("dtstart", entry.start)
            event.add("dtend", entry.start + timedelta(days=1))
        event.add("summary", entry.summary)
        event.add("url", entry.url)
        cal.add_component(event)
    return cal
