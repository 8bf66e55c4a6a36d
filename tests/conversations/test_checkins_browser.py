"""A check-in, as people go through it in Chromium: planned at 19:00 in Paris and shown so, then
its five parts filled in place (htmx), accessible (axe-core) and within the CSP at every step;
and the same forms without JavaScript."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from conversations.models import Action, CheckIn
from relationships.demo import DEMO_PASSWORD, seed_people
from tests.browser.conftest import (  # the browser suite's fixtures, for this module too
    Browser,
    browse,
    browser_context_args,
    browser_type_launch_args,
    csp_violations,
    sign_in,
)

pytestmark = pytest.mark.browser
__all__ = ["browse", "browser_context_args", "browser_type_launch_args", "csp_violations"]


def _plan(page: Page, title: str) -> None:
    day = (timezone.now() + timedelta(days=10)).date()
    page.get_by_label("What to call it").fill(title)
    page.get_by_label("Day").fill(day.isoformat())
    page.get_by_label("Time", exact=True).fill("19:00")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_role("button", name="Plan it").click()


def test_a_checkin_planned_and_held_in_place(browse: Browser) -> None:
    people = seed_people()
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    browse.go(reverse("conversations:checkin_list", args=[people["Ana"].polycule.public_id]))
    browse.check("check-ins, none yet")
    page.get_by_role("link", name="Plan a check-in").click()
    browse.check("plan a check-in")
    _plan(page, "Sunday talk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sunday talk")
    expect(page.locator("main")).to_contain_text("19:00 (Europe/Paris time)")
    browse.check("a check-in, just planned")

    page.get_by_label("Something to talk about").fill("Holidays")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator("#agenda")).to_contain_text("Added to the agenda.")
    # The new topic opened its place under Discuss too, without a reload.
    page.get_by_label("A note on this").fill("Two weeks in August?")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator("#discuss")).to_contain_text("Two weeks in August?")
    page.get_by_label("What will be done").fill("Book the cabin")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("#actions")).to_contain_text("Book the cabin")
    page.get_by_label("How are you, right now?").fill("Lighter than this morning")
    page.get_by_role("button", name="Say how I am").click()
    expect(page.get_by_role("button", name="Change what I said")).to_be_visible()
    browse.check("a check-in, filled in place")

    page.get_by_role("button", name="Mark it done").click()
    expect(page.locator("#actions")).to_contain_text("Done")
    page.get_by_role("button", name="Mark as held").click()
    expect(page.locator("#checkin-body")).to_contain_text("marked by you")
    expect(page.get_by_role("button", name="Add to the agenda")).to_have_count(0)
    assert page.url.endswith(CheckIn.objects.get().get_absolute_url())
    assert Action.objects.get().done_at is not None
    browse.check("a check-in, held")


def test_the_same_forms_work_without_javascript(browser: Any, live_server: Any, csp_violations: list[str]) -> None:
    people = seed_people()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 420, "height": 900})
    person = Browser(context.new_page(), live_server.url, "checkins-no-javascript")
    sign_in(person, "ben@example.com", DEMO_PASSWORD)
    page = person.page
    person.go(reverse("conversations:checkin_create", args=[people["Ben"].polycule.public_id]))
    page.get_by_role("button", name="Start it now").click()
    expect(page.locator("main").get_by_text("Here it is. Take your time.")).to_be_visible()
    page.get_by_label("Something to talk about").fill("Money")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator("main").get_by_text("Added to the agenda.")).to_be_visible()
    page.get_by_label("A note on this").fill("Split it by income")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator("main").get_by_text("Your note is added.")).to_be_visible()
    page.get_by_role("button", name="Mark as held").click()
    expect(page.locator("main").get_by_text("Marked as held.")).to_be_visible()
    person.shot("a check-in held without javascript")
