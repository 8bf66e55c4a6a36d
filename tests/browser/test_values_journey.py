"""Ben changes a boundary, Ana reads what changed and answers in place; Cy
proposes a value, which after an objection and an amendment all three adopt."""

from typing import Any

from playwright.sync_api import expect

from relationships.demo import DEMO_PASSWORD, seed_people
from values import services

from .conftest import Browser, open_as


def test_a_boundary_changes_and_a_value_is_adopted(
    browse: Browser, browser: Any, live_server: Any, csp_violations: list[str]
) -> None:
    people = seed_people()
    ben_member = people["Ben"]
    services.create_boundary(
        owner=ben_member,
        title="Sleepovers",
        text="I'd like to hear about a sleepover before it happens.",
        why="A surprise night away left me feeling shut out.",
    )
    pid = str(ben_member.polycule.public_id)

    ben = open_as(browser, live_server, "ben@example.com", DEMO_PASSWORD, "journey-ben", csp_violations)
    ben.go(f"/p/{pid}/items/")
    ben.page.get_by_role("link", name="Sleepovers", exact=True).click()
    ben.page.get_by_role("link", name="Change it").click()
    ben.page.get_by_label("In your own words").fill("I need to hear about a sleepover the day before it happens.")
    ben.page.get_by_label("Why").fill("'Before' turned out to mean an hour before.")
    ben.check("ben changes his boundary")
    ben.page.get_by_role("button", name="Save as a new version").click()
    expect(ben.page.locator("main").get_by_text("Version 2 by you")).to_be_visible()
    ben.check("ben's boundary version 2")

    ana = open_as(browser, live_server, "ana@example.com", DEMO_PASSWORD, "journey-ana", csp_violations)
    expect(ana.page.get_by_role("heading", name="Boundaries to read")).to_be_visible()
    ana.check("ana's dashboard")
    ana.page.get_by_role("link", name="Sleepovers").click()
    ana.page.get_by_role("link", name="what changed").click()
    expect(ana.page.locator("ins", has_text="need").first).to_be_visible()
    ana.check("the diff")
    ana.page.get_by_role("link", name="Back to").click()
    expect(ana.page.get_by_role("button", name="Understood")).to_be_visible()
    url = ana.page.url
    ana.page.get_by_role("button", name="Understood").click()
    expect(ana.page.locator("#ack-panel")).to_contain_text("Understood")
    expect(ana.page.locator("main").get_by_text("Not yet acknowledged by you")).to_have_count(0)
    assert ana.page.url == url  # answered in place
    ana.check("ana answered in place")

    cy = open_as(browser, live_server, "cy@example.com", DEMO_PASSWORD, "journey-cy", csp_violations)
    cy.go(f"/p/{pid}/items/")
    cy.page.get_by_role("link", name="Propose a value").click()
    cy.page.get_by_label("Title").fill("Honesty before comfort")
    cy.page.get_by_label("In your own words").fill("We tell each other the truth, even when it is awkward.")
    cy.page.get_by_label("Why").fill("Small silences grew into big ones last year.")
    cy.check("cy proposes a value")
    cy.page.get_by_role("button", name="Put it forward").click()
    cy.page.wait_for_url("**/proposals/*/")
    proposal_url = cy.page.url
    cy.check("the proposal")

    def answer(person: Browser, label: str, note: str = "") -> None:
        person.go(proposal_url.removeprefix(live_server.url))
        expect(person.page.locator("#respond-panel form")).to_be_visible()
        person.page.get_by_label(label).check()
        if note:
            person.page.get_by_label("A note").fill(note)
        # Wait for the answer to be saved and swapped in before anyone else acts.
        with person.page.expect_response(lambda r: r.url.endswith("/respond/")):
            person.page.get_by_role("button", name="Send my answer").click()

    answer(ana, "I consent")
    expect(ana.page.locator("#respond-panel")).to_contain_text("Change your answer")
    ana.check("ana consents")
    answer(ben, "I object", "Truth yes, but kindly: can we add 'with care'?")
    expect(ben.page.locator("#respond-panel")).to_contain_text("I object")
    ben.check("ben objects")

    cy.go(proposal_url.removeprefix(live_server.url))
    cy.page.get_by_role("link", name="Amend").click()
    cy.page.get_by_label("In your own words").fill("We tell each other the truth, with care, even when it is awkward.")
    cy.check("cy amends")
    cy.page.get_by_role("button", name="Save the new wording").click()
    expect(cy.page.locator("#respond-panel")).to_contain_text("hasn't answered yet")

    answer(ana, "I consent")
    answer(ben, "I consent")
    expect(ben.page.locator("main").get_by_text("it is adopted")).to_be_visible()
    ben.check("adopted")

    cy.go(f"/p/{pid}/timeline/")
    expect(cy.page.locator("main").get_by_text("adopted").first).to_be_visible()
    expect(cy.page.get_by_role("link", name="Honesty before comfort").first).to_be_visible()
    cy.check("the timeline")
