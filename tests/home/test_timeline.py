"""The timeline page: its events, filters and pages."""

import uuid
from typing import Any

import pytest
from django.urls import reverse

from relationships.models import Membership
from tests.values.build import UNDERSTOOD, boundary, client, page
from values import services


def test_the_timeline_page_lists_events(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, "Sleepovers")
    services.acknowledge(member=ben, item=item, version_number=1, answer=UNDERSTOOD)
    response = client(ben).get(reverse("home:timeline", args=[ana.polycule.public_id]))
    assert response.status_code == 200
    html = page(response)
    assert "Sleepovers" in html
    assert "answered" in html
    assert "joined the polycule" in html


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
    assert "answered" in answers
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


def test_the_timeline_pages_from_newest_to_oldest(ana: Membership) -> None:
    for n in range(35):
        boundary(ana, f"Boundary-{n:02d}-end")
    target = reverse("home:timeline", args=[ana.polycule.public_id])
    first = page(client(ana).get(target))
    assert "Boundary-34-end" in first
    assert "Boundary-05-end" in first
    assert "Boundary-04-end" not in first
    assert "page=2" in first
    second = page(client(ana).get(target, {"page": 2}))
    assert "Boundary-04-end" in second
    assert "Boundary-00-end" in second
    assert "Boundary-05-end" not in second
    assert "joined the polycule" in second
    assert "page=1" in second
    for junk in ("junk", "-5", "0", "2.5", "9" * 25, "9" * 5000):
        response = client(ana).get(target, {"page": junk})
        assert response.status_code == 200, junk


def test_the_timeline_keeps_filters_across_pages(ana: Membership, ben: Membership) -> None:
    for n in range(31):
        boundary(ana, f"B-{n:02d}")
    html = page(
        client(ana).get(
            reverse("home:timeline", args=[ana.polycule.public_id]), {"kind": "items", "person": str(ana.public_id)}
        )
    )
    assert f"kind=items&amp;person={ana.public_id}&amp;page=2" in html
