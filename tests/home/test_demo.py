"""manage.py demo: three partners, a history months long, and one agreement Cy must never see."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django import Settings

from accounts.models import User
from conversations.demo import JOURNAL_CANARY, SEALED_CANARY
from conversations.models import Choice, Discussion, Feeling, JournalEntry, Round
from conversations.prompts.whatif import Theme
from conversations.selectors.needs import needs
from relationships.models import Invitation, Membership
from values import selectors
from values.demo import WEEKNIGHT_SLEEPOVERS
from values.models import Acknowledgment, Item, Proposal


@pytest.fixture
def demo(db: None, settings: Settings) -> None:
    settings.DEBUG = True
    call_command("demo")


def _member(email: str) -> Membership:
    return Membership.objects.active().get(user__email=email)


def test_demo_can_run_twice_without_harm(demo: None, settings: Settings) -> None:
    counts = (User.objects.count(), Membership.objects.count(), Item.objects.count())
    call_command("demo")
    assert (User.objects.count(), Membership.objects.count(), Item.objects.count()) == counts == (3, 3, 6)


def test_the_polycule_page_shows_a_waiting_invitation_and_an_expired_one(demo: None) -> None:
    client = Client()
    client.force_login(User.objects.get(email="ana@example.com"))
    ana = _member("ana@example.com")
    html = client.get(f"/p/{ana.polycule.public_id}/").content.decode()
    assert "dee@example.com" in html
    assert "link works until" in html
    assert "eli@example.com" in html
    assert "send it again for another week" in html
    call_command("demo")
    assert Invitation.objects.count() == 2


def test_demo_refuses_without_debug_unless_forced(db: None, settings: Settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo")
    assert not User.objects.exists()
    call_command("demo", "--force")
    assert User.objects.count() == 3


def test_dry_run_changes_nothing(db: None, settings: Settings) -> None:
    settings.DEBUG = True
    call_command("demo", "--dry-run")
    assert not User.objects.exists()


def test_the_demo_accounts_sign_in_with_the_documented_password(demo: None) -> None:
    for email in ("ana@example.com", "ben@example.com", "cy@example.com"):
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": "trellis-demo"})
        assert response.status_code == 302, email


def test_ana_has_things_waiting_and_an_open_proposal(demo: None) -> None:
    ana = _member("ana@example.com")
    needs = selectors.needs(ana)
    assert needs.to_acknowledge
    assert [p.revision.title if p.revision else None for p in needs.proposals] == [
        "A monthly check-in on the first Sunday"
    ]
    kids = Item.objects.get(versions__title__startswith="Our children's needs come before")
    assert kids.kind == "value"
    assert Proposal.objects.filter(status=Proposal.Status.OPEN).count() == 2


def test_a_change_to_a_live_agreement_waits_on_ben_and_its_card_says_so(demo: None) -> None:
    ben = _member("ben@example.com")
    assert [p.revision.title if p.revision else None for p in selectors.needs(ben).proposals] == [
        "Barriers with new partners until recent test results are shared"
    ]
    client = Client()
    client.force_login(User.objects.get(email="ana@example.com"))
    page = client.get(f"/p/{ben.polycule.public_id}/items/").content.decode()
    cards = re.findall(r"<li class=\"card item-card\">.*?</li>", page, re.S)
    flagged = [card for card in cards if "A change is being proposed" in card]
    assert len(flagged) == 1
    assert "Barriers with new partners until test results are shared" in flagged[0]
    assert "Change agreement · proposed by you" in page
    assert "New agreement · proposed by Cy" in page


def test_versions_were_set_months_apart_with_their_whys(demo: None) -> None:
    barriers = Item.objects.get(versions__title="Barriers with new partners")
    first, second = barriers.versions.order_by("number")
    assert (second.created_at - first.created_at).days > 60
    assert first.why
    assert second.why


def test_cy_never_sees_weeknight_sleepovers(demo: None) -> None:
    cy = Client()
    cy.force_login(User.objects.get(email="cy@example.com"))
    polycule = _member("cy@example.com").polycule.public_id
    for url in (
        "/home/",
        f"/p/{polycule}/",
        f"/p/{polycule}/items/",
        f"/p/{polycule}/items/?kind=agreement",
        f"/p/{polycule}/timeline/",
        f"/p/{polycule}/welcome/",
    ):
        response = cy.get(url)
        assert response.status_code == 200, url
        assert WEEKNIGHT_SLEEPOVERS.encode() not in response.content, url
    ben = Client()
    ben.force_login(User.objects.get(email="ben@example.com"))
    assert WEEKNIGHT_SLEEPOVERS.encode() in ben.get(f"/p/{polycule}/items/").content


# The demo's talk, and its two canaries.


def _crawl(email: str) -> dict[str, bytes]:
    """Every page a demo person reaches by following links from their dashboard."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    seen: dict[str, bytes] = {}
    queue = ["/home/", "/journal/"]
    while queue and len(seen) < 300:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code in {200, 302}, url
        seen[url] = response.content
        for link in re.findall(rb'href="(/[^"#?]*)', response.content):
            path = link.decode()
            if not path.startswith(("/static/", "/accounts/")) and path not in seen:
                queue.append(path)
    return seen


def test_the_demo_shows_each_piece_of_talk(demo: None) -> None:
    ana = _member("ana@example.com")
    ben = _member("ben@example.com")
    talk = Discussion.objects.get(version__isnull=False)
    assert talk.version is not None
    assert talk.version.acknowledgments.get().answer == Acknowledgment.Answer.TALK
    assert [c.author for c in talk.comments.all()] == [_member("cy@example.com"), ben]
    assert not needs(ben).talk_requests, "Ben has answered Cy in the discussion already"
    assert [r.prompt for r in needs(ana).rounds_waiting] == [Round.objects.get(revealed_at__isnull=True).prompt]
    assert [a.text for a in needs(ana).actions] == ["Book the coast cottage for the second half of August"]
    assert needs(ana).checkins
    choice = Choice.objects.get()
    assert {r.member.display_name: r.feeling for r in choice.responses.all()} == {
        "Ana": Feeling.UNEASY,
        "Cy": Feeling.SAFE,
    }
    assert Round.objects.filter(revealed_at__isnull=False).count() == 1
    assert JournalEntry.objects.filter(author=ana.user).count() == 2


def test_ben_and_cy_never_meet_ana_s_journal_and_ana_never_ben_s_sealed_answer(demo: None) -> None:
    for email, hidden in (
        ("ben@example.com", [JOURNAL_CANARY]),
        ("cy@example.com", [JOURNAL_CANARY]),
        ("ana@example.com", [SEALED_CANARY]),
    ):
        pages = _crawl(email)
        assert len(pages) > 20, "the crawl should reach the talk, rounds, check-ins and journal"
        for url, content in pages.items():
            for word in hidden:
                assert word.encode() not in content, f"{word} reached {email} at {url}"
    assert JOURNAL_CANARY.encode() in b"".join(_crawl("ana@example.com").values())
    assert SEALED_CANARY.encode() in b"".join(_crawl("ben@example.com").values())


def test_every_demo_what_if_carries_a_theme_of_the_library(demo: None) -> None:
    themes = set(Round.objects.values_list("theme", flat=True))
    assert themes
    assert themes <= set(Theme.values)
