"""One-click unsubscribe: a signed link per person and kind, working signed out and without a
CSRF token as mail clients post it; forged, tampered or expired links get a calm 404."""

import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications import unsubscribe
from notifications.kinds import Delivery, Kind
from notifications.models import KindChoice
from notifications.settings_selectors import deliveries_of
from relationships.models import Membership

from ..conftest import client_for


def _url(user: User, kind: Kind = Kind.VERSION) -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe.token_for(user, kind)])


def test_opening_the_link_asks_first_and_changes_nothing(ben: Membership) -> None:
    response = Client().get(_url(ben.user))
    assert response.status_code == 200
    assert b"Stop these mails?" in response.content
    assert Kind.VERSION.label.encode() in response.content
    assert b'method="post"' in response.content
    assert response["Referrer-Policy"] == "no-referrer"
    assert not KindChoice.objects.exists()


def test_one_click_from_a_mail_client_turns_that_kind_off(ben: Membership) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _url(ben.user), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert b"no more of these mails" in response.content
    assert reverse("notifications:preferences").encode() in response.content
    assert deliveries_of(ben.user)[Kind.VERSION] == Delivery.OFF
    assert KindChoice.objects.get().user == ben.user


def test_it_changes_only_its_own_kind_and_keeps_other_choices(ben: Membership) -> None:
    KindChoice.objects.create(user=ben.user, kind=Kind.MEMBERS, delivery=Delivery.AT_ONCE)
    Client().post(_url(ben.user, Kind.NUDGE))
    chosen = deliveries_of(ben.user)
    assert chosen[Kind.NUDGE] == Delivery.OFF
    assert chosen[Kind.MEMBERS] == Delivery.AT_ONCE
    assert chosen[Kind.VERSION] == Delivery.AT_ONCE


def test_twice_is_the_same_as_once(ben: Membership) -> None:
    url = _url(ben.user)
    assert Client().post(url).status_code == 200
    assert Client().post(url).status_code == 200
    assert KindChoice.objects.count() == 1


def test_signed_in_as_someone_else_it_still_changes_only_the_link_s_person(ben: Membership, cy: Membership) -> None:
    response = client_for(cy).post(_url(ben.user))
    assert response.status_code == 200
    assert deliveries_of(ben.user)[Kind.VERSION] == Delivery.OFF
    assert deliveries_of(cy.user)[Kind.VERSION] == Delivery.AT_ONCE


def test_a_link_cannot_be_altered_to_reach_someone_else(ben: Membership, cy: Membership) -> None:
    mine = unsubscribe.token_for(ben.user, Kind.VERSION)
    theirs = unsubscribe.token_for(cy.user, Kind.VERSION)
    # Cy's payload with Ben's signature, and Ben's payload with another kind's signature.
    tampered = [
        theirs.split(":")[0] + ":" + ":".join(mine.split(":")[1:]),
        mine.split(":")[0] + ":" + ":".join(unsubscribe.token_for(ben.user, Kind.NUDGE).split(":")[1:]),
        mine[:-1] + ("A" if mine[-1] != "A" else "B"),
    ]
    for token in tampered:
        for send in (Client().get, Client().post):
            response = send(reverse("notifications:unsubscribe", args=[token]))
            assert response.status_code == 404, token
    assert not KindChoice.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "a" * 600,
        signing.dumps({"u": 1, "k": "version"}, salt="someone.else", compress=True),
        signing.dumps({"u": 1, "k": "version"}),
    ],
    # Named, not shown: a signed token carries the second it was made, and every worker of a
    # parallel run must collect the same tests.
    ids=["nonsense", "too long", "another salt", "no salt"],
)
def test_forged_links_get_a_calm_404(token: str, ben: Membership) -> None:
    response = Client().post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 404
    assert b"This link doesn't work" in response.content
    assert not KindChoice.objects.exists()


def test_a_link_for_an_unknown_kind_or_person_gets_a_404(ben: Membership) -> None:
    salt = "trellis.notifications.unsubscribe"
    for payload in ({"u": ben.user.pk, "k": "journal"}, {"u": 999_999, "k": "version"}, ["u", ben.user.pk]):
        token = signing.dumps(payload, salt=salt, compress=True)
        assert Client().post(reverse("notifications:unsubscribe", args=[token])).status_code == 404


def test_a_link_older_than_a_year_gets_a_404(ben: Membership) -> None:
    url = _url(ben.user)
    later = time.time() + unsubscribe.MAX_AGE + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = Client().post(url)
    assert response.status_code == 404
    assert not KindChoice.objects.exists()


def test_a_deactivated_account_s_link_gets_a_404(ben: Membership) -> None:
    url = _url(ben.user)
    ben.user.is_active = False
    ben.user.save()
    assert Client().get(url).status_code == 404


def test_other_methods_are_refused(ben: Membership) -> None:
    assert Client().put(_url(ben.user)).status_code == 405
    assert not KindChoice.objects.exists()
