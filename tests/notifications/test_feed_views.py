"""The calendar address on the settings page, and the feed as calendar apps fetch it: shown
once, remade, stopped, a 404 for every wrong, revoked or ended token, and never in a log."""

import logging
import re
from collections.abc import Iterator

import pytest
from django.contrib.messages import get_messages
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from notifications import feeds
from notifications.models import CalendarFeed
from relationships.models import Membership
from relationships.services import leave_polycule

from ..conftest import client_for
from ..values.build import boundary
from .build import action, checkin, token_for


def _token_on(page: bytes) -> str:
    found = re.search(rb"/feeds/([A-Za-z0-9_-]+)\.ics", page)
    assert found, "the new address is on the page"
    return found.group(1).decode()


def _create(member: Membership) -> str:
    response = client_for(member).post(reverse("notifications:feed_create", args=[member.polycule.public_id]))
    assert response.status_code == 200
    return _token_on(response.content)


def test_making_an_address_shows_it_once(ben: Membership) -> None:
    response = client_for(ben).post(reverse("notifications:feed_create", args=[ben.polycule.public_id]))
    token = _token_on(response.content)
    assert response["Referrer-Policy"] == "no-referrer"
    assert b"webcal://" in response.content
    assert b"only time Trellis shows it" in response.content
    assert feeds.find_feed(token) == CalendarFeed.objects.get(membership=ben)
    settings_page = client_for(ben).get(reverse("notifications:preferences"))
    assert token.encode() not in settings_page.content
    assert b"Make a new address" in settings_page.content


def test_a_new_address_stops_the_old_one(ben: Membership) -> None:
    old = _create(ben)
    new = _create(ben)
    assert Client().get(f"/feeds/{old}.ics").status_code == 404
    assert Client().get(f"/feeds/{new}.ics").status_code == 200


def test_stopping_the_address_makes_it_a_404(ben: Membership) -> None:
    token = _create(ben)
    response = client_for(ben).post(reverse("notifications:feed_delete", args=[ben.polycule.public_id]))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Your calendar address for {ben.polycule.name} no longer works."
    ]
    assert Client().get(f"/feeds/{token}.ics").status_code == 404
    again = client_for(ben).post(reverse("notifications:feed_delete", args=[ben.polycule.public_id]), follow=True)
    assert b"There was no calendar address" in again.content


def test_titles_are_chosen_per_polycule(ana: Membership, ben: Membership) -> None:
    checkin(ana, title="Sunday walk")
    token = _create(ben)
    url = reverse("notifications:feed_titles", args=[ben.polycule.public_id])
    assert client_for(ben).post(url, {"full_titles": "on"}).status_code == 302
    assert b"SUMMARY:Sunday walk" in Client().get(f"/feeds/{token}.ics").content
    assert client_for(ben).post(url, {}).status_code == 302
    assert b"SUMMARY:Trellis check-in" in Client().get(f"/feeds/{token}.ics").content


def test_titles_without_an_address_get_a_clear_word(ben: Membership) -> None:
    url = reverse("notifications:feed_titles", args=[ben.polycule.public_id])
    response = client_for(ben).post(url, {"full_titles": "on"}, follow=True)
    assert b"There is no calendar address for this polycule yet" in response.content
    assert not CalendarFeed.objects.exists()


def test_an_outsider_or_former_member_cannot_make_an_address_there(
    ana: Membership, dee: Membership, zed: Membership
) -> None:
    for person in (dee, zed):
        response = client_for(person).post(reverse("notifications:feed_create", args=[ana.polycule.public_id]))
        assert response.status_code == 404
    assert not CalendarFeed.objects.exists()


def test_the_settings_page_lists_each_polycule_i_am_in(ana: Membership, ben: Membership, dee: Membership) -> None:
    page = client_for(dee).get(reverse("notifications:preferences"))
    assert ana.polycule.name.encode() not in page.content
    assert b"Once you are in a polycule" in page.content
    page = client_for(ben).get(reverse("notifications:preferences"))
    assert f"calendar-{ben.polycule.public_id}".encode() in page.content


# The feed itself


def test_wrong_tokens_get_a_calm_404(ben: Membership) -> None:
    token = _create(ben)
    for wrong in ("x", token[:-1], token + "A", "a" * 500, "%00", "..%2f..%2fetc"):
        response = Client().get(f"/feeds/{wrong}.ics")
        assert response.status_code == 404, wrong
    assert Client().get(f"/feeds/{token}").status_code == 404


def test_a_member_who_leaves_loses_the_feed(ana: Membership, ben: Membership) -> None:
    token = _create(ben)
    leave_polycule(membership=ben)
    assert Client().get(f"/feeds/{token}.ics").status_code == 404


def test_the_feed_refuses_posts(ben: Membership) -> None:
    token = _create(ben)
    assert Client().post(f"/feeds/{token}.ics").status_code == 405
    assert Client().head(f"/feeds/{token}.ics").status_code == 200


def test_the_feed_costs_the_same_whatever_it_holds(
    ana: Membership, ben: Membership, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    token = _create(ben)
    for n in range(12):
        talk = checkin(ana, days=n + 1, title=f"Check-in {n}")
        action(talk, ben, text=f"Action {n}")
        boundary(ana, title=f"Item {n}", review_every_days=30 + n)
    with django_assert_max_num_queries(5):
        response = Client().get(f"/feeds/{token}.ics")
    assert response.content.count(b"BEGIN:VEVENT") == 36


# Logs (promise 15, as for invitations)


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything logged at DEBUG or above, including loggers that do not propagate."""
    caplog.set_level(logging.DEBUG)
    quiet = [logging.getLogger(name) for name in ("trellis.security", "django.server")]
    for logger in quiet:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in quiet:
        logger.removeHandler(caplog.handler)


def _outage(token: str) -> None:
    raise OperationalError("the database went away")


def test_the_feed_token_is_never_logged(
    ben: Membership, all_logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = token_for(ben)
    assert Client().get(f"/feeds/{raw}.ics").status_code == 200
    # A revoked or partly copied address, a post, an outage: each answered without the token in the log.
    assert Client().get(f"/feeds/{raw[:-2]}.ics").status_code == 404
    assert Client().post(f"/feeds/{raw}.ics").status_code == 405
    monkeypatch.setattr(feeds, "find_feed", _outage)
    assert Client(raise_request_exception=False).get(f"/feeds/{raw}.ics").status_code == 500
    assert "Not Found: /feeds/" in all_logs.text
    assert "Internal Server Error: /feeds/" in all_logs.text
    text = all_logs.text + "".join(str(r.args) for r in all_logs.records)
    for start in range(0, len(raw) - 16, 8):
        assert raw[start : start + 16] not in text


def test_the_development_server_log_drops_feed_and_unsubscribe_tokens(all_logs: pytest.LogCaptureFixture) -> None:
    raw = "0123456789abcdef" * 3
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /feeds/{raw}.ics HTTP/1.1", 200, 0)
    logging.getLogger("django.server").info('"%s" %s %s', f"POST /notifications/unsubscribe/{raw}/ HTTP/1.1", 200, 0)
    assert "GET /feeds/…" in all_logs.text
    assert "POST /notifications/unsubscribe/…/" in all_logs.text
    assert raw[:16] not in all_logs.text
