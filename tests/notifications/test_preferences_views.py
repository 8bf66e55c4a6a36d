"""The settings page: every kind with its default, the time zone left for the browser to fill,
each choice saved, and bad input answered with a clear message, a 422 and nothing saved."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries

from accounts.models import User
from notifications import feeds
from notifications.forms import kind_field
from notifications.kinds import DEFAULTS, Delivery, Kind
from notifications.models import KindChoice, Preferences
from notifications.settings_selectors import deliveries_of
from relationships.models import Membership
from tests.factories import MembershipFactory

from ..conftest import client_for

URL = "/notifications/"


def valid(**changes: str) -> dict[str, str]:
    data = {
        "time_zone": "Europe/Paris",
        "digest_hour": "8",
        "quiet_from": "",
        "quiet_until": "",
        **{kind_field(kind): delivery.value for kind, delivery in DEFAULTS.items()},
    }
    return {**data, **changes}


def test_the_address_is_the_one_the_account_page_links_to(user: User) -> None:
    assert reverse("notifications:preferences") == URL
    account = client_for(user).get(reverse("accounts:settings"))
    assert f'href="{URL}"'.encode() in account.content


def test_the_page_shows_every_kind_with_its_default(user: User) -> None:
    response = client_for(user).get(URL)
    assert response.status_code == 200
    for kind, delivery in DEFAULTS.items():
        select = re.search(rf'<select name="{kind_field(kind)}".*?</select>'.encode(), response.content, re.S)
        assert select, kind
        assert f'<option value="{delivery.value}" selected>'.encode() in select.group(0)
    assert b"mail passes through other people&#x27;s servers" in response.content.replace(b"M", b"m")


def test_the_time_zone_is_left_for_the_browser_until_chosen(user: User) -> None:
    response = client_for(user).get(URL)
    zone = re.search(rb"<select[^>]*data-browser-zone[^>]*>.*?</select>", response.content, re.S)
    assert zone
    assert b'<option value="" selected>' in zone.group(0)
    assert zone.group(0).count(b"<option") > 400
    nonce = re.search(rb'<script src="[^"]*js/timezone\.js" nonce="([^"]+)"', response.content)
    assert nonce
    assert nonce.group(1)
    assert b"<script>" not in response.content, "nothing inline"


def test_a_chosen_time_zone_is_shown_again(user: User) -> None:
    assert client_for(user).post(URL, valid(time_zone="Asia/Tokyo")).status_code == 302
    response = client_for(user).get(URL)
    assert b'<option value="Asia/Tokyo" selected>' in response.content


def test_saving_keeps_every_choice_and_says_so(user: User) -> None:
    data = valid(
        time_zone="America/Chicago",
        digest_hour="19",
        quiet_from="22:30",
        quiet_until="06:45",
        include_titles="on",
        **{kind_field(Kind.MEMBERS): "off", kind_field(Kind.REVIEW): "now"},
    )
    response = client_for(user).post(URL, data, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert b"Saved." in response.content
    kept = Preferences.objects.get(user=user)
    assert (kept.time_zone, kept.digest_hour, kept.include_titles) == ("America/Chicago", 19, True)
    assert (str(kept.quiet_from), str(kept.quiet_until)) == ("22:30:00", "06:45:00")
    assert deliveries_of(user) == {**DEFAULTS, Kind.MEMBERS: Delivery.OFF, Kind.REVIEW: Delivery.AT_ONCE}
    assert KindChoice.objects.count() == 2
    assert b'value="22:30"' in response.content


# Bad input: a clear message, a 422, nothing saved


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "That isn&#x27;t a time zone we know."),
        ({"time_zone": ""}, "Choose your time zone"),
        ({"quiet_from": "22:00", "quiet_until": "22:00"}, "Quiet hours need to start and end at different times."),
        ({"quiet_from": "22:00"}, "Give quiet hours both a start and an end"),
        ({"quiet_until": "07:00"}, "Give quiet hours both a start and an end"),
        ({"quiet_from": "25:99", "quiet_until": "07:00"}, "Enter a time, like 22:00."),
        ({"digest_hour": "24"}, "Choose an hour of the day for the digest."),
        ({"digest_hour": "eight"}, "Choose an hour of the day for the digest."),
        ({kind_field(Kind.VERSION): "sometimes"}, "Choose at once, in the daily digest, or off."),
        ({kind_field(Kind.VERSION): ""}, "Choose at once, in the daily digest, or off."),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(user: User, changes: dict[str, str], message: str) -> None:
    data = valid(**{kind_field(Kind.MEMBERS): "off"}, include_titles="on", **changes)
    response = client_for(user).post(URL, data)
    assert response.status_code == 422
    assert message.encode() in response.content
    assert not Preferences.objects.exists()
    assert not KindChoice.objects.exists()


def test_an_empty_post_is_answered_calmly(user: User) -> None:
    response = client_for(user).post(URL, {})
    assert response.status_code == 422
    assert not Preferences.objects.exists()


FUZZ = hypothesis_settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", "\x00", "24", "-1", "00:00", "23:59", "UTC", "now", "off", "digest", "x" * 3000, "💥"]),
)
FIELDS = ["time_zone", "digest_hour", "quiet_from", "quiet_until", "include_titles", *map(kind_field, Kind)]


@FUZZ
@given(data=st.dictionaries(st.sampled_from(FIELDS), NASTY))
def test_no_input_makes_a_server_error(user: User, data: dict[str, Any]) -> None:
    response = client_for(user).post(URL, valid(**data))
    assert response.status_code in {302, 422}
    if response.status_code == 422:
        assert b'class="errors"' in response.content


def test_the_page_costs_the_same_for_one_polycule_or_many(
    ben: Membership, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(ben)
    client.post(URL, valid(**{kind_field(kind): "off" for kind in Kind}))
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for _ in range(5):
        feeds.make_feed(membership=MembershipFactory.create(user=ben.user))
    with django_assert_max_num_queries(len(one)):
        response = client.get(URL)
    assert len(one) <= 8
    assert response.content.count(b"Make a new address") == 5
    assert response.content.count(b"Make a calendar address") == 1


def test_signed_out_people_are_sent_to_sign_in(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
