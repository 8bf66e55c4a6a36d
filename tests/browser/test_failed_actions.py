"""In-place actions say when they fail: the server answers 500, or the request never arrives,
and the person is told in place, in an announced message that goes away once a retry works."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Route, expect

from relationships.demo import DEMO_PASSWORD, seed_people
from tests.factories import backdate
from values import services
from values.models import Acknowledgment, Reaffirmation, Version

from .conftest import Browser, sign_in

SERVER_ERROR = "That didn't go through. Try again."
UNREACHABLE = "That didn't go through: Trellis couldn't be reached. Check your connection and try again."


def _fail(route: Route) -> None:
    route.fulfill(status=500, content_type="text/html", body="<h1>Something went wrong on our side</h1>")


def test_a_failed_acknowledgment_and_reaffirmation_say_so_in_place(browse: Browser) -> None:
    people = seed_people()
    item = services.create_boundary(
        owner=people["Ben"],
        title="Sleepovers",
        text="I'd like to hear about a sleepover before it happens.",
        why="A surprise night away left me feeling shut out.",
    )
    # "I still honour it" is offered once a version has stood a while.
    backdate(Version.objects.filter(item=item), by=timedelta(days=3))
    ana = people["Ana"]
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    browse.go(reverse("values:item_detail", args=[ana.polycule.public_id, item.public_id]))
    alert = page.get_by_role("alert")
    badge = page.locator("#needs-count .badge")
    expect(badge).to_have_text("1 thing waits for you")

    # The server fails the acknowledgment: the message appears under the form that sent it.
    acknowledge = re.compile(r".*/acknowledge/$")
    page.route(acknowledge, _fail)
    page.get_by_role("button", name="Understood").click()
    expect(alert).to_have_text(SERVER_ERROR)
    expect(page.locator("#ack-panel form + .action-failed")).to_have_text(SERVER_ERROR)
    expect(page.get_by_role("button", name="Understood")).to_be_visible()  # still there to try again
    browse.check("a failed acknowledgment")
    assert not Acknowledgment.objects.filter(member=ana).exists()

    # Trying again works, and the message goes.
    page.unroute(acknowledge)
    page.get_by_role("button", name="Understood").click()
    expect(page.locator("#ack-panel")).to_contain_text("Understood")
    expect(alert).to_have_count(0)
    assert Acknowledgment.objects.filter(member=ana).count() == 1
    expect(badge).to_have_count(0)  # answered in place: the header's count asked again, and nothing waits

    # The network drops the reaffirmation: told so, next to the button.
    reaffirm = re.compile(r".*/reaffirm/$")
    page.route(reaffirm, lambda route: route.abort("internetdisconnected"))
    still_holds = page.get_by_role("button", name="I still honour it")
    still_holds.click()
    expect(alert).to_have_text(UNREACHABLE)
    expect(page.locator("form:has(button:text('I still honour it')) + .action-failed")).to_be_visible()
    browse.check("a reaffirmation that could not be sent")
    assert not Reaffirmation.objects.filter(member=ana).exists()

    # A second failure says so again (one message, not two).
    page.unroute(reaffirm)
    page.route(reaffirm, _fail)
    still_holds.click()
    expect(alert).to_have_text(SERVER_ERROR)

    page.unroute(reaffirm)
    still_holds.click()
    expect(page.locator("#context-stamp")).to_contain_text("Ana")
    expect(alert).to_have_count(0)
    assert Reaffirmation.objects.filter(member=ana).count() == 1
    browse.check("after trying again")


def test_an_action_the_server_itself_fails_says_so_in_place(browse: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a reply made up in the browser: Django's own 500, from a service that breaks."""
    people = seed_people()
    item = services.create_boundary(
        owner=people["Ben"], title="Sleepovers", text="Tell me before.", why="I felt shut out."
    )
    ana = people["Ana"]
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    browse.go(reverse("values:item_detail", args=[ana.polycule.public_id, item.public_id]))

    def breaks(**kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "acknowledge", breaks)  # the module the view calls it in
    with page.expect_response(re.compile(r".*/acknowledge/$")) as sent:
        page.get_by_role("button", name="Understood").click()
    assert sent.value.status == 500
    expect(page.get_by_role("alert")).to_have_text(SERVER_ERROR)
    expect(page.locator("#ack-panel form + .action-failed")).to_have_text(SERVER_ERROR)
    assert not Acknowledgment.objects.filter(member=ana).exists()

    monkeypatch.undo()
    page.get_by_role("button", name="Understood").click()
    expect(page.locator("#ack-panel")).to_contain_text("Understood")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert Acknowledgment.objects.filter(member=ana).count() == 1
