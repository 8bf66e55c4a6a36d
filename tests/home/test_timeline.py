"""The timeline page: its events, filters and pages."""

import base64
import json
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversations.models import Choice, Discussion
from home.timeline import PAGE_SIZE
from relationships import services as relationships
from relationships.models import Membership
from tests.factories import UserFactory
from tests.values.build import HTMX, UNDERSTOOD, adopted, boundary, client, page, proposed
from values import services
from values.models import Acknowledgment, Event, Response


def test_the_timeline_page_lists_events(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, "Sleepovers")
    services.acknowledge(member=ben, item=item, version_number=1, answer=UNDERSTOOD)
    response = client(ben).get(reverse("home:timeline", args=[ana.polycule.public_id]))
    assert response.status_code == 200
    html = page(response)
    assert "Sleepovers" in html
    assert "<strong>Ben</strong> understood" in html
    assert "answered" not in html
    assert "<strong>Ben</strong> joined the polycule" in html
    assert "<strong>Ana</strong> started the polycule" in html


def test_the_timeline_filters_by_kind_person_and_item(ana: Membership, ben: Membership) -> None:
    first = boundary(ana, "First-boundary")
    second = boundary(ben, "Second-boundary")
    services.acknowledge(member=ben, item=first, version_number=1, answer=UNDERSTOOD)
    ben_client = client(ben)
    target = reverse("home:timeline", args=[ana.polycule.public_id])
    members = page(ben_client.get(target, {"kind": "members"}))
    assert "joined the polycule" in members
    assert "First-boundary" not in members
    answers = page(ben_client.get(target, {"kind": "answers"}))
    assert "understood" in answers
    assert "Second-boundary" not in answers
    by_ben = page(ben_client.get(target, {"person": str(ben.public_id)}))
    assert "Second-boundary" in by_ben
    assert "First-boundary" in by_ben  # Ben answered it
    assert "Ana</strong>" not in by_ben
    of_second = page(ben_client.get(target, {"item": str(second.public_id)}))
    assert "Second-boundary" in of_second
    assert "First-boundary" not in of_second
    assert "joined the polycule" not in of_second


@pytest.mark.parametrize(
    "query", [{"kind": "nonsense"}, {"person": "x"}, {"item": "x"}, {"item": str(uuid.uuid4())}, {"page": "x"}]
)
def test_junk_timeline_filters_are_ignored(ana: Membership, query: dict[str, Any]) -> None:
    boundary(ana, "Only-boundary")
    response = client(ana).get(reverse("home:timeline", args=[ana.polycule.public_id]), query)
    assert response.status_code == 200
    assert "Only-boundary" in page(response)


def _more_link(html: str) -> str:
    """The "More" link's address, as the page writes it."""
    found = re.search(r'<a href="(\?[^"]*after=[^"]+)" data-hx-get', html)
    assert found, "no More link"
    return found.group(1).replace("&amp;", "&")


def test_the_timeline_pages_from_newest_to_oldest_by_its_more_link(ana: Membership) -> None:
    for n in range(35):
        boundary(ana, f"Boundary-{n:02d}-end")
    target = reverse("home:timeline", args=[ana.polycule.public_id])
    first = page(client(ana).get(target))
    assert "Boundary-34-end" in first
    assert "Boundary-05-end" in first
    assert "Boundary-04-end" not in first
    assert "Back to the start" not in first
    second = page(client(ana).get(target + _more_link(first)))
    assert "Boundary-04-end" in second
    assert "Boundary-00-end" in second
    assert "Boundary-05-end" not in second
    assert "started the polycule" in second
    assert "after=" not in second  # the last page
    assert "Back to the start" in second


def test_more_with_htmx_answers_the_next_lines_and_a_new_more_link(ana: Membership) -> None:
    for n in range(61):
        boundary(ana, f"Boundary-{n:02d}-end")
    target = reverse("home:timeline", args=[ana.polycule.public_id])
    first = page(client(ana).get(target))
    more = client(ana).get(target + _more_link(first), **HTMX)
    fragment = page(more)
    assert "<html" not in fragment
    assert "Filter the timeline" not in fragment
    assert fragment.count("<li") == PAGE_SIZE
    assert "Boundary-30-end" in fragment
    assert "Boundary-31-end" not in fragment
    assert 'id="more-timeline-rows" data-hx-swap-oob="true"' in fragment
    last = page(client(ana).get(target + _more_link(fragment), **HTMX))
    assert "Boundary-00-end" in last
    assert "started the polycule" in last
    assert "after=" not in last  # the oob link is emptied: nothing more


def test_an_old_page_number_is_ignored(ana: Membership) -> None:
    for n in range(31):
        boundary(ana, f"Boundary-{n:02d}-end")
    response = client(ana).get(reverse("home:timeline", args=[ana.polycule.public_id]), {"page": 2})
    assert response.status_code == 200
    assert "Boundary-30-end" in page(response)
    assert "page=2" not in page(response)


def test_the_timeline_keeps_filters_across_pages(ana: Membership, ben: Membership) -> None:
    for n in range(31):
        boundary(ana, f"B-{n:02d}")
    boundary(ben, "By-Ben")
    target = reverse("home:timeline", args=[ana.polycule.public_id])
    html = page(client(ana).get(target, {"kind": "items", "person": str(ana.public_id), "page": "3"}))
    link = _more_link(html)
    assert link.startswith(f"?kind=items&person={ana.public_id}&after=")
    second = page(client(ana).get(target + link))
    assert "B-00" in second
    assert "By-Ben" not in second
    assert "started the polycule" not in second


def _cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


BAD_CURSORS = [
    "x",
    "!!!",
    "=" * 3,
    "9" * 5000,
    _cursor([1, 2, 3]),
    _cursor(["a", "b", "c"]),
    _cursor([{"t": "2020-01-01T00:00:00"}, "member_joined", 1]),  # no time zone
    _cursor([{"t": "0001-01-01T00:00:00+14:00"}, "member_joined", 1]),  # before year 1 in UTC
    _cursor([{"t": "2020-01-01T00:00:00+00:00"}, "member_joined", 10**30]),  # no database integer
    _cursor([{"t": "2020-01-01T00:00:00+00:00"}, "member\u0000joined", 1]),
    _cursor([{"t": "2020-01-01T00:00:00+00:00"}, "x" * 500, 1]),
    _cursor([{"t": "2020-01-01T00:00:00+00:00"}, "member_joined", True]),
    _cursor([{"t": "2020-01-01T00:00:00+00:00"}, "member_joined", 1.5]),
    _cursor([{"t": "2020-01-01T00:00:00+00:00"}, "member_joined"]),
    _cursor([{"t": "not a moment"}, "member_joined", 1]),
    _cursor([{"x": 1}, "member_joined", 1]),
    _cursor({"t": 1}),
]


@pytest.mark.parametrize("after", BAD_CURSORS)
def test_a_bad_cursor_gives_the_first_page(ana: Membership, after: str) -> None:
    for n in range(31):
        boundary(ana, f"Boundary-{n:02d}-end")
    target = reverse("home:timeline", args=[ana.polycule.public_id])
    for headers in ({}, HTMX):
        response = client(ana).get(target, {"after": after}, **headers)
        assert response.status_code == 200
        assert "Boundary-30-end" in page(response)
        assert "Boundary-00-end" not in page(response)


def _queries(member: Membership, target: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client(member).get(target).status_code == 200
    return len(queries)


def test_a_page_costs_the_same_queries_with_5_events_and_with_200(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, "Sleepovers")
    long_ago = timezone.now() - timedelta(days=1)

    def answers(count: int) -> None:
        Event.objects.bulk_create(
            Event(
                polycule=ana.polycule,
                kind=Event.Kind.ACKNOWLEDGED,
                actor=ben,
                item=item,
                version=item.current_version,
                created_at=long_ago - timedelta(minutes=Event.objects.count()),
            )
            for _ in range(count)
        )

    answers(4)
    # Lines of every app newer than the answers, so that both first pages hold each kind.
    Choice.objects.create(polycule=ana.polycule, author=ben, text="We'll take the train")
    Discussion.objects.create(polycule=ana.polycule, item=item, started_by=ben)
    target = reverse("home:timeline", args=[ana.polycule.public_id])
    client(ana).get(target)  # the session's first request settles it
    few = _queries(ana, target)
    answers(195)
    assert Event.objects.count() == 200
    assert _queries(ana, target) == few
    assert few <= 10


def test_the_timeline_tells_what_happened_in_plain_words(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ana, "Sleepovers")
    services.acknowledge(member=ben, item=item, version_number=1, answer=UNDERSTOOD)
    services.acknowledge(member=cy, item=item, version_number=1, answer=Acknowledgment.Answer.TALK, note="Can we?")
    html = page(client(ana).get(reverse("home:timeline", args=[ana.polycule.public_id])))
    assert "<strong>Ben</strong> understood" in html
    assert "<strong>Cy</strong> would like to talk about" in html
    assert "answered" not in html


def test_an_adoption_credits_everyone_not_the_proposer(ana: Membership, ben: Membership) -> None:
    adopted(ana, ben)
    html = page(client(ben).get(reverse("home:timeline", args=[ana.polycule.public_id]), {"kind": "proposals"}))
    assert "Adopted with everyone's consent:" in html or "Adopted with everyone&#x27;s consent:" in html
    assert "</strong> adopted" not in html


def test_invitations_and_who_brought_whom_are_on_the_timeline(ana: Membership) -> None:
    invitation = relationships.invite(by=ana, email="eli@example.com")
    eli = UserFactory.create(email="eli@example.com", name="Eli")
    relationships.accept_invitation(invitation=invitation, user=eli, display_name="Eli")
    html = page(client(ana).get(reverse("home:timeline", args=[ana.polycule.public_id]), {"kind": "members"}))
    assert "<strong>Ana</strong> invited eli@example.com" in html
    assert "<strong>Eli</strong> joined the polycule, invited by Ana" in html
    assert "<strong>Ana</strong> started the polycule" in html


def test_consents_objections_and_stand_asides_are_on_the_timeline(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(ana, "Kids-first")
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Response.Answer.OBJECT, note="Vague")
    services.respond(member=cy, proposal=proposal, revision_number=1, answer=Response.Answer.STAND_ASIDE)
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Response.Answer.CONSENT)
    html = page(client(cy).get(reverse("home:timeline", args=[ana.polycule.public_id]), {"kind": "proposals"}))
    assert "<strong>Ben</strong> objected to the proposal" in html
    assert "<strong>Cy</strong> stood aside on the proposal" in html
    assert "<strong>Ben</strong> consented to the proposal" in html
    assert "<strong>Ana</strong> consented" not in html  # proposing is her consent: "proposed" says it
    assert "Vague" not in html  # the notes stay on the proposal's page
