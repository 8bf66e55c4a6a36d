"""A talk about a boundary, in Chromium: Ben asks to talk about Ana's boundary, Ana finds it on
her item, writes, corrects herself and mutes, all in place; Ben answers with JavaScript off.
Every page checked by axe-core (which needs JavaScript: without it, screenshots only), with no
Content Security Policy violation."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conversations.models import Comment
from conversations.services import discussions as talk
from relationships.demo import DEMO_PASSWORD, seed_people
from tests.browser.conftest import (  # noqa: F401 - the browser tests' fixtures, used here too
    Browser,
    browse,
    browser_context_args,
    browser_type_launch_args,
    csp_violations,
    sign_in,
)
from values import services
from values.models import Acknowledgment

pytestmark = pytest.mark.browser


def test_asked_to_talk_the_owner_answers_corrects_and_mutes_in_place(browse: Browser) -> None:  # noqa: F811
    people = seed_people()
    ana, ben = people["Ana"], people["Ben"]
    item = services.create_boundary(owner=ana, title="Quiet mornings", text="No calls before nine.", why="Sleep.")
    services.acknowledge(
        member=ben, item=item, version_number=1, answer=Acknowledgment.Answer.TALK, note="School runs start at eight"
    )
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    browse.go(item.get_absolute_url())
    page.get_by_role("link", name="Talk about version 1").click()
    expect(
        page.locator("main").get_by_text("would like to talk about this version: “School runs start at eight”")
    ).to_be_visible()
    browse.check("version talk, before anyone writes")
    talk_url = page.url

    page.get_by_label("Start the conversation").fill("Would half eight work on school days?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("main").get_by_text("Sent. It's there for the others to read.")).to_be_visible()
    expect(page.locator(".comment-text", has_text="Would half eight work on school days?")).to_be_visible()
    assert page.url == talk_url  # in place

    page.locator("main").get_by_text("Correct it").click()
    page.get_by_label("The corrected wording").fill("Would half past eight work on school days?")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".comment-text", has_text="Would half past eight work on school days?")).to_be_visible()
    page.locator(".earlier-wordings summary").click()
    expect(page.locator(".earlier-wording", has_text="Would half eight work on school days?")).to_be_visible()
    browse.check("corrected, earlier wording open")

    page.get_by_role("button", name="Mute this conversation").click()
    expect(page.get_by_role("button", name="Unmute it")).to_be_visible()
    assert page.url == talk_url
    browse.check("muted")

    # The page of its own, for a correction sent back (and for anyone without JavaScript).
    mine = Comment.objects.get(author=ana)
    browse.go(reverse("conversations:comment_correct", args=[ana.polycule.public_id, mine.public_id]))
    page.get_by_label("The corrected wording").fill("")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator("main").get_by_text("Write something first.")).to_be_visible()
    browse.check("a correction sent back")


def test_without_javascript_a_reply_and_a_correction_are_plain_posts(
    browser: Any,
    live_server: Any,
    csp_violations: list[str],  # noqa: F811
) -> None:
    people = seed_people()
    ana = people["Ana"]
    item = services.create_boundary(owner=ana, title="Quiet mornings", text="No calls before nine.", why="Sleep.")
    talk.comment_about(author=ana, item=item, text="Happy to talk about it whenever.")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 420, "height": 900})
    person = Browser(context.new_page(), live_server.url, "talk-without-javascript")
    person.page.set_default_timeout(20_000)
    sign_in(person, "ben@example.com", DEMO_PASSWORD)
    page = person.page
    person.go(reverse("conversations:discussion_item", args=[ana.polycule.public_id, item.public_id]))
    page.locator("main").get_by_text("Reply", exact=True).click()
    page.get_by_label("Your reply to Ana").fill("Thank you, Sunday?")
    page.get_by_role("button", name="Send my reply").click()
    expect(page.locator("main").get_by_text("Your reply is there for the others to read.")).to_be_visible()
    expect(page.locator(".comment-text", has_text="Thank you, Sunday?")).to_be_visible()
    page.locator("main").get_by_text("Correct it").click()
    page.get_by_label("The corrected wording").fill("")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct your comment")
    expect(page.locator("main").get_by_text("Write something first.")).to_be_visible()
    person.shot("a correction sent back without javascript")
    page.get_by_label("The corrected wording").fill("Thank you! Sunday afternoon?")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator("main").get_by_text("Corrected.")).to_be_visible()
    expect(page.locator(".comment-text", has_text="Thank you! Sunday afternoon?")).to_be_visible()
    person.shot("after a correction without javascript")
