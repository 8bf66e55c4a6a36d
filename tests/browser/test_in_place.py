"""In-place actions on a polycule's page: with JavaScript they swap a fragment,
without it the same forms post and redirect."""

from typing import Any

from django.urls import reverse
from playwright.sync_api import expect

from relationships.demo import DEMO_PASSWORD, seed_people
from relationships.services import invite

from .conftest import Browser, sign_in


def test_rename_role_and_revoke_happen_in_place(browse: Browser) -> None:
    people = seed_people()
    invite(by=people["Ana"], email="eli@example.com", note="")
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    home = reverse("relationships:polycule_detail", args=[people["Ana"].polycule.public_id])
    browse.go(home)
    page.get_by_role("link", name="Rename").click()
    page.get_by_label("Rename the polycule").fill("The Orchard")
    browse.check("rename in place")
    page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Orchard")
    expect(page.locator("#subnav-home")).to_have_text("The Orchard")
    ben = page.locator("li", has_text="Ben").filter(has=page.get_by_role("button", name="Make steward"))
    ben.get_by_role("button", name="Make steward").click()
    expect(page.locator("li", has_text="Ben").get_by_role("button", name="Make member")).to_be_visible()
    page.locator("li", has_text="eli@example.com").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("no longer works")).to_be_visible()
    assert page.url.endswith(home)
    browse.check("after in-place actions")


def test_the_same_forms_work_without_javascript(browser: Any, live_server: Any, csp_violations: list[str]) -> None:
    people = seed_people()
    invite(by=people["Ana"], email="eli@example.com", note="")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 420, "height": 900})
    person = Browser(context.new_page(), live_server.url, "no-javascript")
    sign_in(person, "ana@example.com", DEMO_PASSWORD)
    page = person.page
    person.go(reverse("relationships:polycule_detail", args=[people["Ana"].polycule.public_id]))
    page.get_by_role("link", name="Rename").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rename the polycule")
    page.get_by_label("Rename the polycule").fill("The Orchard")
    page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Orchard")
    page.locator("li", has_text="Ben").get_by_role("button", name="Make steward").click()
    expect(page.get_by_text("Ben is now a steward.")).to_be_visible()
    page.locator("li", has_text="eli@example.com").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("The invitation to eli@example.com no longer works.")).to_be_visible()
    person.shot("without javascript")
