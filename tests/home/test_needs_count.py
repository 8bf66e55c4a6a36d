"""The header's count of what needs me: a link to the dashboard on every page, whose number
arrives afterwards from home:needs_count, so no page pays for the dashboard's queries."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from relationships.models import Membership
from tests.factories import MembershipFactory, StewardFactory

from ..conftest import client_for
from ..conversations.routes_rounds import ask
from ..values.build import boundary

URL = "/home/count/"


def test_the_address_is_home_count() -> None:
    assert reverse("home:needs_count") == URL


def test_nothing_waiting_says_only_needs_you(ben: Membership) -> None:
    response = client_for(ben).get(URL, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.strip() == b'<a id="needs-count" href="/home/">Needs you</a>'


def test_the_count_adds_up_what_waits_in_every_polycule(ana: Membership, ben: Membership) -> None:
    boundary(ana, title="Sleepovers")
    boundary(ana, title="Mornings")
    elsewhere = StewardFactory.create()
    MembershipFactory.create(polycule=elsewhere.polycule, user=ben.user)
    boundary(elsewhere, title="Weekends")
    response = client_for(ben).get(URL)
    assert b'<span class="badge">3<span class="visually-hidden"> things wait for you</span></span>' in response.content
    assert b"<html" not in response.content
    assert b"Sleepovers" not in response.content, "a number, never what it is"
    assert b'<span class="badge">' not in client_for(ana).get(URL).content, "nobody is told of their own doing"


def test_every_signed_in_page_links_to_the_dashboard_and_asks_for_the_count(ben: Membership) -> None:
    page = client_for(ben).get(reverse("relationships:polycule_list"))
    link = b'<a id="needs-count" href="/home/" data-hx-get="/home/count/" data-hx-trigger="load">Needs you</a>'
    assert link in page.content


def test_the_dashboard_shows_the_count_it_made_and_asks_for_none(ana: Membership, ben: Membership) -> None:
    boundary(ana, title="Sleepovers")
    ask(ana, ben)
    elsewhere = StewardFactory.create()
    MembershipFactory.create(polycule=elsewhere.polycule, user=ben.user)
    boundary(elsewhere, title="Weekends")
    client = client_for(ben)
    counted = client.get(URL, HTTP_HX_REQUEST="true").content.strip()
    assert b'<span class="badge">3<' in counted
    dashboard = client.get(reverse("home:dashboard")).content
    assert counted in dashboard
    assert b'data-hx-get="/home/count/"' not in dashboard


def test_signed_out_pages_have_no_count(db: None) -> None:
    assert b"needs-count" not in Client().get(reverse("account_login")).content


def test_pages_cost_nothing_more_for_the_count(
    ana: Membership, ben: Membership, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(ben)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("relationships:polycule_list"))
    for n in range(10):
        boundary(ana, title=f"Boundary {n}")
    with django_assert_max_num_queries(len(before)):
        client.get(reverse("relationships:polycule_list"))


def test_the_count_costs_the_same_however_much_waits(
    ana: Membership, ben: Membership, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(ben)
    boundary(ana, title="One")
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for n in range(10):
        boundary(ana, title=f"Boundary {n}")
    with django_assert_max_num_queries(len(one)):
        response = client.get(URL)
    assert b'<span class="badge">11' in response.content
