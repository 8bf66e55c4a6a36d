"""What the settings page shows: how a person likes to be told, kind by kind, and their
calendar addresses, one per polycule. Three queries, however many polycules or choices."""

from dataclasses import dataclass

from accounts.models import User
from relationships.models import Membership

from .kinds import DEFAULTS, Delivery, Kind
from .models import CalendarFeed, KindChoice, Preferences


@dataclass(frozen=True)
class CalendarRow:
    """One polycule the person is in, and its calendar address if they made one."""

    membership: Membership
    feed: CalendarFeed | None


@dataclass(frozen=True)
class PreferencesPage:
    preferences: Preferences  # unsaved, with the defaults, until the person first saves
    deliveries: dict[Kind, Delivery]  # every kind: the person's choice, or the default
    calendars: list[CalendarRow]


def preferences_of(user: User) -> Preferences:
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


def deliveries_of(user: User) -> dict[Kind, Delivery]:
    chosen = KindChoice.objects.filter(user=user).values_list("kind", "delivery")
    return {**DEFAULTS, **{Kind(kind): Delivery(delivery) for kind, delivery in chosen if kind in Kind.values}}


def preferences_page(user: User) -> PreferencesPage:
    memberships = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("polycule", "calendar_feed")
        .order_by("polycule__name", "id")
    )
    return PreferencesPage(
        preferences=preferences_of(user),
        deliveries=deliveries_of(user),
        calendars=[CalendarRow(membership=m, feed=getattr(m, "calendar_feed", None)) for m in memberships],
    )
