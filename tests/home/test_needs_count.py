"""The header's count of what needs me: a link to the dashboard on every page, whose number
arrives afterwards from home:needs_count, so no page pays for the dashboard's queries."""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

import relationships.services
from conversations.models import Draft
from conversations.services import journal
from home.models import WaitingCount
from home.selectors import COUNT_KEPT
from notifications import feeds
from relationships.models import Membership
from tests.factories import MembershipFactory, StewardFactory
from values import services as values
from values.models import Acknowledgment

from ..conftest import client_for
from ..conversations.routes_rounds import ask
from ..values.build import boundary

URL = "/home/count/"


def test_the_address_is_home_count() -> None:
    assert reverse("home:needs_count") == URL


def test_nothing_waiting_says_only_needs_you(ben: Membership) -> None:
    response = client_for(ben).get(URL, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    refresh = b'data-hx-get="/home/count/" data-hx-trigger="needs-changed from:body"'
    assert response.content.strip() == b'<a id="needs-count" href="/home/" ' + refresh + b">Needs you</a>"


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
    asks = b'data-hx-get="/home/count/" data-hx-trigger="load" data-counting'
    link = b'<a id="needs-count" href="/home/" ' + asks + b">Needs you</a>"
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
    assert b"data-counting" not in dashboard, "the count is not asked for again on loading"


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


# The count is kept (home.models.WaitingCount) while nothing in the polycule changes.


def _badge(client: Client) -> bytes:
    return client.get(URL, HTTP_HX_REQUEST="true").content.strip()


def test_a_kept_count_costs_the_session_the_person_and_one_query(
    ana: Membership, ben: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    boundary(ana, title="Sleepovers")
    client = client_for(ben)
    assert b'<span class="badge">1<' in _badge(client)
    with django_assert_num_queries(3):
        assert b'<span class="badge">1<' in _badge(client)


def test_what_anyone_changes_is_counted_at_once(ana: Membership, ben: Membership, cy: Membership) -> None:
    client = client_for(ben)
    assert b"badge" not in _badge(client)
    item = boundary(ana, title="Sleepovers")
    assert b'<span class="badge">1<' in _badge(client), "another member's write"
    boundary(cy, title="Mornings")
    assert b'<span class="badge">2<' in _badge(client), "a third member's write"
    values.acknowledge(member=ben, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    assert b'<span class="badge">1<' in _badge(client), "my own write"


def test_a_kept_count_is_shown_until_the_polycule_changes_or_it_grows_old(ana: Membership, ben: Membership) -> None:
    boundary(ana, title="Sleepovers")
    leaving = MembershipFactory.create(polycule=ana.polycule)
    client = client_for(ben)
    assert b'<span class="badge">1<' in _badge(client)
    # Told a count that is not true, to see which one the page shows.
    WaitingCount.objects.filter(membership=ben).update(count=7)
    assert b'<span class="badge">7<' in _badge(client), "kept: nothing changed"
    WaitingCount.objects.filter(membership=ben).update(counted_at=timezone.now() - COUNT_KEPT)
    assert b'<span class="badge">1<' in _badge(client), "counted again once old"
    WaitingCount.objects.filter(membership=ben).update(count=7)
    relationships.services.leave_polycule(membership=leaving)
    assert b'<span class="badge">1<' in _badge(client), "counted again after someone left"


def test_each_polycule_is_kept_on_its_own(ana: Membership, ben: Membership) -> None:
    elsewhere = StewardFactory.create()
    MembershipFactory.create(polycule=elsewhere.polycule, user=ben.user)
    boundary(ana, title="Sleepovers")
    client = client_for(ben)
    assert b'<span class="badge">1<' in _badge(client)
    boundary(elsewhere, title="Weekends")
    assert b'<span class="badge">2<' in _badge(client)


def _changes(member: Membership) -> int:
    return sum(Membership.objects.filter(polycule_id=member.polycule_id).values_list("changes", flat=True))


def test_writes_no_one_else_sees_leave_the_polycule_unchanged(ana: Membership, ben: Membership) -> None:
    """So that nobody can tell from how fast their own count comes that a partner keeps a
    calendar address or started a draft from their journal."""
    before = _changes(ana)
    feeds.make_feed(membership=ben)
    entry = journal.write_entry(author=ben.user, text="Thinking about Sunday")
    journal.start_draft(author=ben.user, entry=entry, membership=ben, kind=Draft.Kind.CHOICE)
    assert _changes(ana) == before
    boundary(ben, title="Sundays")
    assert _changes(ana) == before + 1


def test_an_answer_given_in_place_has_the_count_asked_again(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ana, title="Sleepovers")
    client = client_for(ben)
    target = reverse("values:boundary_acknowledge", args=[ana.polycule.public_id, item.public_id])
    answer = {"version": 1, "answer": "understood", "note": ""}
    answered = client.post(target, answer, HTTP_HX_REQUEST="true")
    assert answered.status_code == 200
    assert json.loads(answered["HX-Trigger"]) == {"needs-changed": {}}
    again = client.post(target, answer, HTTP_HX_REQUEST="true")
    assert again.status_code == 409
    assert "HX-Trigger" not in again, "nothing changed: nothing to count again"
    without_javascript = client_for(cy).post(target, answer)
    assert without_javascript.status_code == 302
    assert "HX-Trigger" not in without_javascript, "the next page asks for the count anyway"
    assert b"badge" not in _badge(client)
