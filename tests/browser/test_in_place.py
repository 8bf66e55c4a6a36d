"""In-place actions on a polycule's page: with JavaScript they swap a fragment,
without it the same forms post and redirect."""

import re
from typing import Any

from django.urls import reverse
from playwright.sync_api import expect

from conversations.services.checkins import start_checkin
from relationships.demo import DEMO_PASSWORD, seed_people
from relationships.services import invite
from tests.values.build import boundary, proposed
from values.models import Response
from values.services import respond

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
    expect(page.locator("main").get_by_text("no longer works")).to_be_visible()
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
    expect(page.locator("main").get_by_text("Ben is now a steward.")).to_be_visible()
    page.locator("li", has_text="eli@example.com").get_by_role("button", name="Revoke").click()
    expect(page.locator("main").get_by_text("The invitation to eli@example.com no longer works.")).to_be_visible()
    person.shot("without javascript")


def _focused_inside(page: Any, selector: str) -> bool:
    return bool(page.evaluate("s => !!document.activeElement.closest(s)", selector))


def test_after_an_in_place_action_focus_moves_to_it_and_the_result_is_announced(browse: Browser) -> None:
    people = seed_people()
    invitation = invite(by=people["Ana"], email="eli@example.com", note="")
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    browse.go(reverse("relationships:polycule_detail", args=[people["Ana"].polycule.public_id]))
    announce = page.locator("#announce")
    expect(announce).to_have_attribute("aria-live", "polite")
    expect(announce).to_be_empty()  # the header's count, loaded with the page, says nothing
    row = f"#invitation-{invitation.public_id}"
    page.locator(row).get_by_role("button", name="Resend").click()
    expect(announce).to_have_text("Sent again to eli@example.com.")
    assert _focused_inside(page, row)
    page.locator(row).get_by_role("button", name="Revoke").click()
    expect(announce).to_have_text("The invitation to eli@example.com no longer works.")
    assert _focused_inside(page, row)
    browse.check("focus after an in-place action")


def test_more_focuses_the_first_new_line_and_says_how_many_came(browse: Browser) -> None:
    people = seed_people()
    for n in range(35):
        boundary(people["Ana"], f"Boundary {n:02d}")
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    browse.go(reverse("home:timeline", args=[people["Ana"].polycule.public_id]))
    before = page.locator("#timeline-rows > li").count()
    page.get_by_role("link", name="More").click()
    expect(page.locator("#announce")).to_have_text(re.compile(r"^\d+ more shown\.$"))
    shown = int(page.locator("#announce").inner_text().split()[0])
    expect(page.locator("#timeline-rows > li")).to_have_count(before + shown)
    assert page.evaluate("() => document.activeElement.matches('#timeline-rows > li')")
    index = page.evaluate("() => [...document.querySelectorAll('#timeline-rows > li')].indexOf(document.activeElement)")
    assert index == before


def test_a_long_paste_is_never_cut_and_the_room_left_shows(browse: Browser) -> None:
    people = seed_people()
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    browse.go(reverse("values:item_create", args=[people["Ana"].polycule.public_id, "boundary"]))
    text = page.get_by_label("In your own words")
    assert text.get_attribute("maxlength") is None
    limit = int(text.get_attribute("data-max") or 0)
    text.fill("x" * (limit + 12))
    assert len(text.input_value()) == limit + 12  # nothing cut
    expect(page.locator("#id_text-room")).to_contain_text("12 characters over the limit")
    # A one-line title says nothing until it is nearly full, and is not cut either.
    title = page.get_by_label("Title")
    assert title.get_attribute("maxlength") is None
    short = int(title.get_attribute("data-max") or 0)
    title.fill("A short title")
    expect(page.locator("#id_title-room")).to_be_hidden()
    title.fill("y" * (short - 4))
    expect(page.locator("#id_title-room")).to_have_text(f"4 of {short} characters left.")
    title.fill("y" * (short + 3))
    assert len(title.input_value()) == short + 3
    expect(page.locator("#id_title-room")).to_contain_text("3 characters over the limit")
    # Sharing with chosen people shows the checkboxes only once that is picked: CSS, no script.
    people_field = page.locator(".field-audience")
    expect(people_field).to_be_hidden()
    page.get_by_label("Only the people I choose").check()
    expect(people_field).to_be_visible()
    page.get_by_label("Title").fill("Sleepovers")
    page.get_by_role("button", name="Set it").click()
    expect(page.locator("main").get_by_text("The text holds at most")).to_be_visible()
    assert len(page.get_by_label("In your own words").input_value()) == limit + 12  # still every word
    browse.check("a long paste kept")


def test_an_answer_in_place_is_announced_and_the_adopting_one_updates_the_header(browse: Browser) -> None:
    people = seed_people()
    proposal = proposed(people["Cy"], "Honesty before comfort")
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    browse.go(proposal.get_absolute_url())
    announce, panel, state = page.locator("#announce"), "#respond-panel", page.locator("#proposal-state")
    expect(announce).to_be_empty()
    page.get_by_label("I object").check()
    page.get_by_label("A note").fill("Kindly, please: with care.")
    page.get_by_role("button", name="Send my answer").click()
    expect(announce).to_have_text("Your answer is recorded.")
    assert _focused_inside(page, panel)
    expect(state).to_contain_text("proposed by Cy")
    browse.check("an answer recorded in place")
    # Ben consents meanwhile; Ana changing her objection is the last word, and adopts it.
    respond(member=people["Ben"], proposal=proposal, revision_number=1, answer=Response.Answer.CONSENT)
    page.get_by_label("I consent").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(announce).to_have_text(re.compile(r"^Your answer is recorded\. .*it is adopted\."))
    assert _focused_inside(page, panel)
    # The header above the panel, sent out of band, no longer says who proposed it.
    expect(state).to_contain_text("adopted with everyone's consent")
    expect(state).not_to_contain_text("proposed by")
    expect(page.locator("#proposal-state")).to_have_count(1)
    browse.check("the answer that adopts it, in place")


def test_a_rename_and_a_role_change_in_place_say_what_happened(browse: Browser) -> None:
    people = seed_people()
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    browse.go(reverse("relationships:polycule_detail", args=[people["Ana"].polycule.public_id]))
    announce = page.locator("#announce")
    page.get_by_role("link", name="Rename").click()
    page.get_by_label("Rename the polycule").fill("The Orchard")
    page.get_by_role("button", name="Save the name").click()
    expect(announce).to_have_text("The polycule has its new name.")
    expect(page.locator("#subnav-home")).to_have_text("The Orchard")
    assert page.evaluate("() => document.activeElement.matches('#polycule-name h1')")
    row = f"#member-{people['Ben'].public_id}"
    page.locator(row).get_by_role("button", name="Make steward").click()
    expect(announce).to_have_text("Ben is now a steward.")
    expect(page.locator(row).get_by_role("status")).to_have_text("Ben is now a steward.")
    assert _focused_inside(page, row)
    browse.check("a rename and a role change, said")


def test_a_topic_added_in_place_is_the_news_not_the_list_brought_up_to_date_beside_it(browse: Browser) -> None:
    people = seed_people()
    checkin = start_checkin(by=people["Ana"], title="Our monthly", time_zone="UTC")
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    browse.go(checkin.get_absolute_url())
    page.get_by_label("Something to talk about").fill("The holidays")
    page.get_by_role("button", name="Add to the agenda").click()
    # The "Discuss" part comes along out of band: it neither takes focus nor is announced.
    expect(page.locator("#announce")).to_have_text("Added to the agenda.")
    expect(page.locator("#discuss")).to_contain_text("The holidays")
    assert _focused_inside(page, "#agenda")
    browse.check("a topic added in place")
