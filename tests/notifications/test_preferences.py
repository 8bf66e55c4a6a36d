"""How a person likes to be told, as the services keep it: defaults until they choose, only
what differs stored, and refusals for what cannot be (an unknown zone, quiet hours that
start and end at once) that leave everything as it was."""

from datetime import time
from typing import Any

import pytest

from accounts.models import User
from notifications import settings_services as services
from notifications.kinds import DEFAULTS, GROUPS, Delivery, Kind
from notifications.models import KindChoice, Preferences
from notifications.settings_selectors import deliveries_of, preferences_of, preferences_page
from relationships.models import Membership
from relationships.services import RuleError


def save(user: User, **changes: Any) -> Preferences:
    choices: dict[str, Any] = {
        "deliveries": dict(DEFAULTS),
        "time_zone": "Europe/Paris",
        "digest_hour": 8,
        "quiet_from": None,
        "quiet_until": None,
        "include_titles": False,
        **changes,
    }
    return services.save_preferences(user=user, **choices)


def test_someone_who_never_chose_gets_the_defaults(user: User) -> None:
    assert deliveries_of(user) == DEFAULTS
    preferences = preferences_of(user)
    assert preferences.pk is None
    assert (preferences.time_zone, preferences.digest_hour, preferences.include_titles) == ("", 8, False)
    assert preferences.quiet_from is None


def test_what_waits_on_me_comes_at_once_and_the_rest_in_the_digest() -> None:
    assert DEFAULTS[Kind.VERSION] == Delivery.AT_ONCE
    assert DEFAULTS[Kind.PROPOSAL] == Delivery.AT_ONCE
    assert DEFAULTS[Kind.MEMBERS] == Delivery.DIGEST
    assert set(DEFAULTS) == set(Kind)
    assert Delivery.OFF not in DEFAULTS.values()


def test_only_choices_that_differ_from_the_default_are_stored(user: User) -> None:
    deliveries = {**DEFAULTS, Kind.MEMBERS: Delivery.OFF, Kind.REVIEW: Delivery.AT_ONCE}
    save(user, deliveries=deliveries)
    assert sorted(KindChoice.objects.values_list("kind", "delivery")) == [("members", "off"), ("review", "now")]
    assert deliveries_of(user) == deliveries
    save(user, deliveries={**deliveries, Kind.MEMBERS: Delivery.DIGEST})
    assert list(KindChoice.objects.values_list("kind", flat=True)) == ["review"]


def test_every_setting_is_kept(user: User) -> None:
    save(
        user, time_zone="America/Chicago", digest_hour=19, quiet_from=time(22), quiet_until=time(7), include_titles=True
    )
    kept = Preferences.objects.get(user=user)
    assert (kept.time_zone, kept.digest_hour, kept.include_titles) == ("America/Chicago", 19, True)
    assert (kept.quiet_from, kept.quiet_until) == (time(22), time(7)), "across midnight is fine"


def test_saving_twice_keeps_one_row(user: User) -> None:
    save(user)
    save(user, digest_hour=9)
    assert Preferences.objects.get().digest_hour == 9


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "isn't a time zone we know"),
        ({"time_zone": ""}, "isn't a time zone we know"),
        ({"time_zone": "../../etc/passwd"}, "isn't a time zone we know"),
        ({"quiet_from": time(22), "quiet_until": time(22)}, "start and end at different times"),
        ({"quiet_from": time(22)}, "both a start and an end"),
        ({"quiet_until": time(7)}, "both a start and an end"),
        ({"digest_hour": 24}, "hour of the day"),
        ({"digest_hour": -1}, "hour of the day"),
    ],
)
def test_what_cannot_be_is_refused_and_nothing_changes(user: User, changes: dict[str, Any], message: str) -> None:
    save(user, deliveries={**DEFAULTS, Kind.MEMBERS: Delivery.OFF}, digest_hour=7)
    with pytest.raises(RuleError, match=message):
        save(user, deliveries={**DEFAULTS, Kind.NUDGE: Delivery.OFF}, **changes)
    assert Preferences.objects.get().digest_hour == 7
    assert list(KindChoice.objects.values_list("kind", flat=True)) == ["members"]


def test_one_kind_can_be_changed_alone(user: User) -> None:
    save(user, deliveries={**DEFAULTS, Kind.MEMBERS: Delivery.OFF}, digest_hour=6)
    services.choose_delivery(user=user, kind=Kind.VERSION, delivery=Delivery.OFF)
    assert deliveries_of(user) == {**DEFAULTS, Kind.MEMBERS: Delivery.OFF, Kind.VERSION: Delivery.OFF}
    services.choose_delivery(user=user, kind=Kind.VERSION, delivery=Delivery.AT_ONCE)
    assert list(KindChoice.objects.values_list("kind", flat=True)) == ["members"]
    assert Preferences.objects.get().digest_hour == 6


def test_one_person_s_choices_are_theirs_alone(ben: Membership, cy: Membership) -> None:
    save(ben.user, deliveries=dict.fromkeys(Kind, Delivery.OFF))
    assert deliveries_of(cy.user) == DEFAULTS


def test_the_page_lists_the_polycules_i_am_in_with_their_calendars(
    ana: Membership, ben: Membership, dee: Membership, zed: Membership
) -> None:
    page = preferences_page(ben.user)
    assert [row.membership for row in page.calendars] == [ben]
    assert page.calendars[0].feed is None
    assert preferences_page(dee.user).calendars == []


def test_the_offered_time_zones_are_every_zone_sorted() -> None:
    zones = services.time_zones()
    assert list(zones) == sorted(zones)
    assert {"Europe/Paris", "America/Chicago", "UTC"} <= set(zones)


def test_the_settings_page_groups_every_kind_once() -> None:
    grouped = [kind for _, kinds in GROUPS for kind in kinds]
    assert sorted(grouped) == sorted(Kind)
