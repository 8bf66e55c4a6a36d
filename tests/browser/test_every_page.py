"""Every page a person can reach, opened in Chromium: axe-core finds no violation,
and no page breaks the Content Security Policy. Journeys cover the actions; this
covers the pages they do not pass through."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conversations.demo import seed_conversations
from conversations.models import CheckIn, Choice, Comment, Discussion, Draft, JournalEntry, Round
from relationships.demo import DEMO_PASSWORD, seed_people
from relationships.models import Membership
from tests.factories import InvitationFactory
from values import services
from values.demo import seed_values
from values.models import Item, Kind, Proposal

from .conftest import Browser, new_person, sign_in


def _pages(ana: Membership, ben: Membership) -> list[tuple[str, str]]:
    pid = ana.polycule.public_id
    boundary = Item.objects.filter(owner=ana, kind=Kind.BOUNDARY).first()
    if boundary is None:
        boundary = services.create_boundary(
            owner=ana, title="Quiet mornings", text="No calls before nine.", why="Sleep."
        )
    assert boundary.current_version is not None
    services.revise_boundary(
        owner=ana,
        item=boundary,
        base_number=boundary.current_version.number,
        title="Quiet mornings",
        text="No calls before ten, please.",
        why="Still sleep.",
    )
    agreement = Item.objects.filter(kind=Kind.AGREEMENT, everyone=True).exclude(current_version=None).first()
    suggestion = services.suggest_change(
        author=ben, item=boundary, base_number=2, text="Before half nine?", why="School run"
    )
    proposal = Proposal.objects.filter(status=Proposal.Status.OPEN).first()
    assert agreement is not None
    assert agreement.current_version is not None
    assert proposal is not None
    mine = services.propose_change(
        proposer=ana,
        item=agreement,
        base_number=agreement.current_version.number,
        title="Tweak",
        text="Slightly different",
        why="Clearer",
    )
    item = {"polycule_id": pid, "item_id": boundary.public_id}
    return [
        ("dashboard", reverse("home:dashboard")),
        ("polycule list", reverse("relationships:polycule_list")),
        ("start a polycule", reverse("relationships:polycule_create")),
        ("polycule home", reverse("relationships:polycule_detail", args=[pid])),
        ("rename", reverse("relationships:polycule_rename", args=[pid])),
        ("your name here", reverse("relationships:membership_edit", args=[pid])),
        ("invite", reverse("relationships:invitation_create", args=[pid])),
        ("remove a member", reverse("relationships:member_remove", args=[pid, ben.public_id])),
        ("items", reverse("values:item_list", args=[pid])),
        ("items filtered", reverse("values:item_list", args=[pid]) + "?needs=1&kind=boundary"),
        ("new boundary", reverse("values:item_create", args=[pid, "boundary"])),
        ("new agreement", reverse("values:item_create", args=[pid, "agreement"])),
        ("boundary", reverse("values:item_detail", kwargs=item)),
        ("agreement", reverse("values:item_detail", kwargs={"polycule_id": pid, "item_id": agreement.public_id})),
        ("edit boundary", reverse("values:boundary_edit", kwargs=item)),
        ("boundary audience", reverse("values:boundary_audience", kwargs=item)),
        ("retire boundary", reverse("values:boundary_retire", kwargs=item)),
        ("versions", reverse("values:version_list", kwargs=item)),
        ("diff", reverse("values:version_diff", kwargs=item)),
        ("suggestion to take", reverse("values:suggestion_take", args=[pid, suggestion.public_id])),
        ("propose change", reverse("values:proposal_create", args=[pid, agreement.public_id])),
        ("propose retiring", reverse("values:proposal_retire", args=[pid, agreement.public_id])),
        ("open proposal", reverse("values:proposal_detail", args=[pid, proposal.public_id])),
        ("my proposal", reverse("values:proposal_detail", args=[pid, mine.public_id])),
        ("amend", reverse("values:proposal_amend", args=[pid, mine.public_id])),
        ("timeline", reverse("home:timeline", args=[pid])),
        ("timeline filtered", reverse("home:timeline", args=[pid]) + "?kind=answers"),
        ("welcome", reverse("home:onboarding", args=[pid])),
        ("account", reverse("accounts:settings")),
        ("e-mail addresses", reverse("account_email")),
        ("change password", reverse("account_change_password")),
        ("two-factor", reverse("mfa_index")),
        ("sessions", reverse("usersessions_list")),
        ("reauthenticate", reverse("account_reauthenticate")),
        ("the benchmark's floor", reverse("home:floor")),
        ("not found", "/p/00000000-0000-0000-0000-000000000000/"),
    ]


@pytest.fixture
def demo() -> dict[str, Membership]:
    people = seed_people()
    seed_values(people)
    return people


def test_every_signed_in_page_is_accessible(browse: Browser, demo: dict[str, Membership]) -> None:
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    for label, url in _pages(demo["Ana"], demo["Ben"]):
        browse.go(url)
        expect(browse.page.locator("main h1")).to_be_visible()
        browse.check(label)


def test_a_stale_edit_shows_both_texts(browse: Browser, demo: dict[str, Membership]) -> None:
    ana = demo["Ana"]
    item = services.create_boundary(owner=ana, title="Phones", text="No phones at dinner.", why="Presence.")
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    browse.go(reverse("values:boundary_edit", args=[ana.polycule.public_id, item.public_id]))
    browse.page.get_by_label("In your own words").fill("No phones at dinner, unless on call.")
    browse.page.get_by_label("Why").fill("Work.")
    # Meanwhile, the same boundary changes in another tab.
    services.revise_boundary(owner=ana, item=item, base_number=1, title="Phones", text="Phones away at meals.", why="x")
    browse.page.get_by_role("button", name="Save as a new version").click()
    expect(browse.page.get_by_role("heading", level=1)).to_have_text("Someone changed it while you were writing")
    expect(browse.page.locator("main").get_by_text("Phones away at meals.")).to_be_visible()
    expect(browse.page.get_by_label("In your own words")).to_have_value("No phones at dinner, unless on call.")
    browse.check("stale edit")


def test_every_signed_out_page_is_accessible(
    browse: Browser, browser: Any, live_server: Any, csp_violations: list[str], demo: dict[str, Membership]
) -> None:
    for label, url in [
        ("landing", "/"),
        ("sign in", reverse("account_login")),
        ("sign up", reverse("account_signup")),
        ("password reset", reverse("account_reset_password")),
        ("invitation link that does not work", reverse("relationships:invitation_open", args=["x" * 64])),
    ]:
        browse.go(url)
        browse.check(label)
    # A link that expired: its plain message, on the app's own page.
    invitation = InvitationFactory.create(invited_by=demo["Ana"], polycule=demo["Ana"].polycule)
    invitation.revoked_at = invitation.created_at
    invitation.save()
    from tests.factories import token

    browse.go(reverse("relationships:invitation_open", args=[token(invitation)]))
    expect(browse.page.locator("main").get_by_text("withdrawn")).to_be_visible()
    browse.check("revoked invitation")
    # A member who is not a steward, refused politely.
    ben = new_person(browser, live_server, "every-page-ben", csp_violations)
    sign_in(ben, "ben@example.com", DEMO_PASSWORD)
    pid = demo["Ben"].polycule.public_id
    ben.go(reverse("relationships:polycule_rename", args=[pid]))
    ben.check("not a steward")
    cys = Item.objects.get(owner=demo["Cy"], kind=Kind.BOUNDARY)
    ben.go(reverse("values:suggestion_create", args=[pid, cys.public_id]))
    ben.check("suggest a change")
    ben.go(reverse("relationships:polycule_leave", args=[pid]))
    expect(ben.page.get_by_role("heading", level=1)).to_be_visible()
    ben.check("leaving asks for the password again")


def _talk_pages(ana: Membership) -> list[tuple[str, str]]:
    pid = ana.polycule.public_id
    sealed, revealed = Round.objects.filter(polycule=ana.polycule).order_by("revealed_at")
    upcoming, past = CheckIn.objects.filter(polycule=ana.polycule).order_by("held_at")
    talk = Discussion.objects.get(version__isnull=False)
    assert talk.item is not None
    assert talk.version is not None
    proposal = Proposal.objects.filter(item__polycule=ana.polycule, status=Proposal.Status.OPEN).first()
    assert proposal is not None
    mine = Comment.objects.filter(author=ana).first()
    assert mine is not None
    entry = JournalEntry.objects.filter(author=ana.user).first()
    draft = Draft.objects.filter(author=ana.user).first()
    assert entry is not None
    assert draft is not None
    return [
        ("talk", reverse("conversations:talk", args=[pid])),
        ("every choice", reverse("conversations:choice_list", args=[pid])),
        ("every what if", reverse("conversations:round_list", args=[pid])),
        ("every discussion", reverse("conversations:discussion_list", args=[pid])),
        ("talk about an item", reverse("conversations:discussion_item", args=[pid, talk.item.public_id])),
        ("talk about a version", talk.get_absolute_url()),
        ("talk about a proposal", reverse("conversations:discussion_proposal", args=[pid, proposal.public_id])),
        ("correct a comment", reverse("conversations:comment_correct", args=[pid, mine.public_id])),
        ("share a choice", reverse("conversations:choice_create", args=[pid])),
        ("a choice", Choice.objects.get(polycule=ana.polycule).get_absolute_url()),
        ("ask what if", reverse("conversations:round_create", args=[pid])),
        ("a sealed what if", sealed.get_absolute_url()),
        ("a revealed what if", revealed.get_absolute_url()),
        ("check-ins", reverse("conversations:checkin_list", args=[pid])),
        ("plan a check-in", reverse("conversations:checkin_create", args=[pid])),
        ("the next check-in", upcoming.get_absolute_url()),
        ("a past check-in", past.get_absolute_url()),
        ("timeline of talk", reverse("home:timeline", args=[pid]) + "?kind=talk"),
        ("journal", reverse("conversations:journal")),
        ("write in the journal", reverse("conversations:entry_create")),
        ("a journal entry", entry.get_absolute_url()),
        ("change an entry", reverse("conversations:entry_edit", args=[entry.public_id])),
        ("delete an entry", reverse("conversations:entry_delete", args=[entry.public_id])),
        ("a draft", draft.get_absolute_url()),
        ("the pause", reverse("conversations:draft_pause", args=[draft.public_id])),
        ("dashboard with talk", reverse("home:dashboard")),
    ]


def test_every_conversation_page_is_accessible(browse: Browser, demo: dict[str, Membership]) -> None:
    seed_conversations(demo)
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    for label, url in _talk_pages(demo["Ana"]):
        browse.go(url)
        expect(browse.page.locator("main h1")).to_be_visible()
        browse.check(label)
