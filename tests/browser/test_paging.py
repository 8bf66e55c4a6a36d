"""A long list in a browser: "More" adds the next page in place with htmx, without leaving the
page, and the plain link still works without JavaScript."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.paging import PAGE_SIZE
from relationships.demo import DEMO_PASSWORD, seed_people
from relationships.models import Membership
from values import services

from .conftest import Browser, sign_in


@pytest.fixture
def long_list() -> Membership:
    ana = seed_people()["Ana"]
    for n in range(PAGE_SIZE + 4):
        services.create_boundary(owner=ana, title=f"Boundary {n:03d}", text="Ask first.", why="Trust.")
    return ana


def test_more_adds_the_next_items_in_place(browse: Browser, long_list: Membership) -> None:
    sign_in(browse, "ben@example.com", DEMO_PASSWORD)
    url = reverse("values:item_list", args=[long_list.polycule.public_id])
    browse.go(url)
    cards = browse.page.locator("#item-cards > li")
    expect(cards).to_have_count(PAGE_SIZE)
    browse.page.get_by_role("link", name="More").click()
    expect(cards).to_have_count(PAGE_SIZE + 4)
    expect(browse.page.get_by_role("link", name="More")).to_have_count(0)
    assert browse.page.url.endswith(url), "the page stayed where it was"
    expect(browse.page.get_by_role("heading", level=1)).to_have_count(1)
    browse.check("item list with more")
