"""The talk beside the items, in Chromium, with JavaScript on (in place, through htmx) and off
(plain posts): Cy asks to talk about Ben's boundary and Ben answers in the discussion; Ben
shares a choice, Ana says it makes her uneasy and Ben writes back to her alone; Ana asks "what
if" and nobody reads an answer before everyone has answered; a check-in gets a topic, a note
and an action that carries to the next; Ana writes in her journal, turns it into a draft
boundary, keeps it at the pause and sends it the next day. axe-core checks each page when
JavaScript runs (it needs it); the CSP watch runs on every page either way."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conversations.models import Draft
from relationships.demo import DEMO_PASSWORD, seed_people
from values import services
from values.models import Item, Kind

from .conftest import Browser, sign_in, watch


def _person(browser: Any, live_server: Any, email: str, name: str, js: bool, violations: list[str]) -> Browser:
    context = browser.new_context(viewport={"width": 420, "height": 900}, java_script_enabled=js)
    page = context.new_page()
    watch(page, violations)
    page.set_default_timeout(20_000)
    person = Browser(page, live_server.url, name)
    sign_in(person, email, DEMO_PASSWORD)
    return person


def _look(person: Browser, label: str, js: bool) -> None:
    """axe-core and a screenshot with JavaScript; without it, the screenshot only."""
    if js:
        person.check(label)
    else:
        person.shot(label)


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_talking_choices_what_if_check_in_and_journal(
    js: bool, browser: Any, live_server: Any, csp_violations: list[str]
) -> None:
    people = seed_people()
    pid = people["Ana"].polycule.public_id
    sleepovers = services.create_boundary(
        owner=people["Ben"], title="Sleepovers", text="Tell me the day before.", why="Plans matter to me."
    )
    suffix = "js" if js else "plain"
    ana = _person(browser, live_server, "ana@example.com", f"talk-ana-{suffix}", js, csp_violations)
    ben = _person(browser, live_server, "ben@example.com", f"talk-ben-{suffix}", js, csp_violations)
    cy = _person(browser, live_server, "cy@example.com", f"talk-cy-{suffix}", js, csp_violations)

    # Cy would like to talk about Ben's boundary; Ben finds it on his dashboard and answers.
    cy.go(sleepovers.get_absolute_url())
    cy.page.get_by_label("How it lands for you (optional)").fill("What if plans change late?")
    cy.page.get_by_role("button", name="I'd like to talk about this").click()
    cy.page.get_by_role("link", name="Talk about version 1").click()
    expect(cy.page.locator("main").get_by_text("would like to talk about this version")).to_be_visible()
    _look(cy, "cy asked to talk", js)
    ben.go("/home/")
    expect(ben.page.get_by_role("heading", name="Someone would like to talk")).to_be_visible()
    _look(ben, "ben is asked to talk", js)
    ben.page.get_by_role("link", name="Sleepovers").first.click()
    ben.page.get_by_label("Start the conversation").fill("Late changes: ring me, that's all I ask.")
    ben.page.get_by_role("button", name="Send", exact=True).click()
    expect(ben.page.locator(".comment-text", has_text="Late changes: ring me, that's all I ask.")).to_be_visible()
    _look(ben, "ben answered in the discussion", js)

    # Ben shares a choice; Ana says it makes her uneasy, with a note that only Ben reads.
    ben.go(f"/p/{pid}/talk/")
    ben.page.get_by_role("link", name="Share a choice").click()
    ben.page.get_by_label("The choice").fill("I'm seeing Sam on Friday; we'll stay in.")
    ben.page.get_by_label("Why (optional)").fill("I'd like you to hear it from me first.")
    _look(ben, "ben shares a choice", js)
    ben.page.get_by_role("button", name="Share it").click()
    expect(ben.page.locator("main").get_by_text("I'm seeing Sam on Friday; we'll stay in.")).to_be_visible()
    choice_url = ben.page.url.removeprefix(live_server.url)
    ana.go("/home/")
    ana.page.get_by_role("link", name="I'm seeing Sam on Friday").click()
    ana.page.get_by_label("A note (optional)").fill("It's the first Friday of the holidays.")
    ana.page.get_by_role("button", name="Uneasy").click()
    expect(ana.page.locator("main").get_by_text("You said:")).to_be_visible()
    _look(ana, "ana answered the choice", js)
    # Ben's dashboard tells him someone answered; the choice shows him how it landed.
    ben.go("/home/")
    expect(ben.page.get_by_role("heading", name="How your choices landed")).to_be_visible()
    ben.page.locator("main").get_by_role("link", name="I'm seeing Sam on Friday").click()
    expect(ben.page.locator("main").get_by_text("It's the first Friday of the holidays.")).to_be_visible()
    assert ben.page.url.removeprefix(live_server.url) == choice_url
    _look(ben, "ben sees how it landed", js)
    # Ben writes back to Ana alone; her dashboard tells her until she reads it.
    ben.page.get_by_text("Write back to Ana").click()
    ben.page.get_by_label("Your words back").fill("Of course: Thursday evening, before I go?")
    _look(ben, "ben writes back to ana", js)
    ben.page.get_by_role("button", name="Send to Ana").click()
    expect(ben.page.locator("main").get_by_text("You wrote back")).to_be_visible()
    expect(ben.page.locator("main").get_by_text("Thursday evening, before I go?")).to_be_visible()
    ana.go("/home/")
    expect(ana.page.get_by_role("heading", name="Written back to you")).to_be_visible()
    ana.page.locator("main").get_by_role("link", name="I'm seeing Sam on Friday").click()
    expect(ana.page.locator("main").get_by_text("Ben wrote back")).to_be_visible()
    expect(ana.page.locator("main").get_by_text("Thursday evening, before I go?")).to_be_visible()
    _look(ana, "ana reads what ben wrote back", js)
    ana.go("/home/")
    expect(ana.page.get_by_role("heading", name="Written back to you")).to_have_count(0)

    # Ana asks "what if"; nobody reads an answer before everyone has answered.
    ana.go(f"/p/{pid}/what-if/new/")
    ana.page.get_by_label("None of these: I'll write my own").check()
    ana.page.get_by_label("Or in your own words").fill("What if one of us moved to another city?")
    ana.page.get_by_label("Ben").check()
    ana.page.get_by_label("Cy").check()
    _look(ana, "ana asks what if", js)
    ana.page.get_by_role("button", name="Ask them").click()
    round_url = ana.page.url.removeprefix(live_server.url)
    ana.page.get_by_label("In your own words").fill("Ana: visits every other weekend.")
    ana.page.get_by_role("button", name="Seal my answer").click()
    expect(ana.page.get_by_role("button", name="Save my change")).to_be_visible()
    ben.go(round_url)
    ben.page.get_by_label("In your own words").fill("Ben: a video dinner on Sundays.")
    ben.page.get_by_role("button", name="Seal my answer").click()
    expect(ben.page.get_by_role("button", name="Save my change")).to_be_visible()
    ana.go(round_url)
    expect(ana.page.locator("main").get_by_text("Ben: a video dinner on Sundays.")).to_have_count(0)
    _look(ana, "answers sealed until cy answers", js)
    cy.go(round_url)
    cy.page.get_by_label("In your own words").fill("Cy: letters, long ones.")
    cy.page.get_by_role("button", name="Seal my answer").click()
    expect(cy.page.get_by_role("heading", name="Everyone's answers")).to_be_visible()
    ana.go(round_url)
    for words in ("Ana: visits every other weekend.", "Ben: a video dinner on Sundays.", "Cy: letters, long ones."):
        expect(ana.page.locator("main").get_by_text(words)).to_be_visible()
    _look(ana, "all answers together", js)

    # A check-in: a topic, a note, an action for Ben that carries to the next one.
    ana.go(f"/p/{pid}/check-ins/new/")
    ana.page.get_by_label("What to call it").fill("Sunday check-in")
    ana.page.get_by_role("button", name="Start it now").click()
    ana.page.get_by_label("Something to talk about").fill("The summer holidays")
    ana.page.get_by_role("button", name="Add to the agenda").click()
    ana.page.get_by_label("A note on this").fill("Two weeks at the coast, Cy joins the second.")
    ana.page.get_by_role("button", name="Add the note").click()
    expect(ana.page.locator("main").get_by_text("Two weeks at the coast, Cy joins the second.")).to_be_visible()
    ana.page.get_by_label("What will be done").fill("Book the cottage")
    ana.page.get_by_label("Who takes it on").select_option(label="Ben")
    ana.page.get_by_role("button", name="Add the action").click()
    expect(ana.page.locator("#actions").get_by_text("Book the cottage")).to_be_visible()
    _look(ana, "a check-in with a topic a note and an action", js)
    ana.page.get_by_role("button", name="Mark as held").click()
    expect(ana.page.get_by_role("button", name="Mark as held")).to_have_count(0)
    ana.go(f"/p/{pid}/check-ins/new/")
    ana.page.get_by_label("What to call it").fill("Next check-in")
    ana.page.get_by_label("Day", exact=True).fill((timezone.localdate() + timedelta(days=14)).isoformat())
    ana.page.get_by_label("Time", exact=True).fill("18:00")
    ana.page.get_by_role("button", name="Plan it").click()
    expect(ana.page.locator("main").get_by_text("Book the cottage")).to_be_visible()
    _look(ana, "the action carried to the next check-in", js)

    # Ana's journal: an entry becomes a draft boundary, kept at the pause, sent the next day.
    ana.go("/journal/")
    ana.page.get_by_role("link", name="Write about something else").click()
    ana.page.get_by_label("Write freely").fill("I want a message before plans change after six.")
    ana.page.get_by_role("button", name="Save").click()
    ana.page.get_by_label("A boundary", exact=True).check()
    ana.page.get_by_role("button", name="Start a draft").click()
    ana.page.get_by_label("Title").fill("A message before late changes")
    ana.page.get_by_label("Why").fill("Written in my journal, after a long week.")
    ana.page.get_by_role("button", name="Next").click()
    expect(ana.page.get_by_role("heading", name="Before you send it")).to_be_visible()
    _look(ana, "the gentle pause", js)
    ana.page.get_by_role("button", name="Keep it and look again tomorrow").click()
    expect(ana.page.get_by_role("heading", name="Your journal")).to_be_visible()
    assert not Item.objects.filter(kind=Kind.BOUNDARY, owner=people["Ana"]).exists()
    # The next day.
    Draft.objects.filter(author=people["Ana"].user).update(look_again_on=timezone.localdate())
    ana.go("/home/")
    expect(ana.page.get_by_role("heading", name="From your journal, to look at again")).to_be_visible()
    _look(ana, "the draft back the next day", js)
    ana.page.get_by_role("link", name="A message before late changes").click()
    ana.page.get_by_role("button", name="Next").click()
    ana.page.get_by_role("button", name="Send it now").click()
    expect(ana.page.get_by_role("heading", name="A message before late changes")).to_be_visible()
    _look(ana, "the boundary sent from the journal", js)
    assert Item.objects.filter(kind=Kind.BOUNDARY, owner=people["Ana"]).count() == 1
