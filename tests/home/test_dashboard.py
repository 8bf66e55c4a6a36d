"""The dashboard: what needs the person, across all their polycules."""

from django.urls import reverse

from relationships.models import Membership
from tests.factories import MembershipFactory
from tests.values.build import adopted, boundary, client, old_boundary, page, proposed, url
from values import selectors, services
from values.models import Acknowledgment, Kind, Response, Suggestion


def test_the_dashboard_lists_what_needs_the_member_in_every_polycule(
    ana: Membership, ben: Membership, cy: Membership, zed: Membership
) -> None:
    boundary(ana, "Ana-boundary-to-read")
    proposed(cy, "Cy-proposal-to-answer")
    old_boundary(ana, days=40, review_every_days=30, title="Ana-due-boundary")
    mine = boundary(ben, "Ben-own-boundary")
    services.suggest_change(author=cy, item=mine, base_number=1, text="Softer", why="w")
    # In a second polycule, Ben is a newcomer to what Zed and Yan set before him.
    yan = MembershipFactory.create(polycule=zed.polycule, display_name="Yan")
    adopted(zed, yan, title="Zed-value-before-Ben")
    boundary(zed, "Zed-boundary-before-Ben")
    also_ben = MembershipFactory.create(polycule=zed.polycule, user=ben.user, display_name="Benji")
    html = page(client(ben).get(reverse("home:dashboard")))
    for text in (
        ana.polycule.name,
        zed.polycule.name,
        "Boundaries to read",
        "Ana-boundary-to-read",
        "Proposals waiting for your answer",
        "Cy-proposal-to-answer",
        "Due for a look together",
        "Ana-due-boundary",
        "Suggestions for your boundaries",
        "Ben-own-boundary",
        "suggested by Cy",
        "not yet consented by you",
        "Zed-value-before-Ben",
        "Zed-boundary-before-Ben",
    ):
        assert text in html, text
    assert url("suggestion_take", ben, suggestion_id=Suggestion.objects.get().public_id) in html
    assert also_ben.polycule == zed.polycule
    assert "Nothing is waiting for you here." not in html


def test_a_calm_dashboard_says_nothing_is_waiting(ana: Membership) -> None:
    html = page(client(ana).get(reverse("home:dashboard")))
    assert "Nothing is waiting for you here." in html


def test_the_dashboard_leaves_out_what_is_shared_with_others(ana: Membership, ben: Membership, cy: Membership) -> None:
    boundary(ana, "Only-for-Ben", everyone=False, audience=[ben.public_id])
    proposed(ana, "Only-for-Ben-too", kind=Kind.AGREEMENT, everyone=False, audience=[ben.public_id])
    html = page(client(cy).get(reverse("home:dashboard")))
    assert "Only-for-Ben" not in html
    assert "Nothing is waiting for you here." in html


def test_an_objection_to_my_proposal_reaches_my_dashboard_with_its_note(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(ana, "Kids first")
    services.respond(
        member=ben, proposal=proposal, revision_number=1, answer=Response.Answer.OBJECT, note="Say what first means"
    )
    services.respond(
        member=cy, proposal=proposal, revision_number=1, answer=Response.Answer.OBJECT, note="Changed my mind"
    )
    services.respond(member=cy, proposal=proposal, revision_number=1, answer=Response.Answer.CONSENT)
    html = page(client(ana).get(reverse("home:dashboard")))
    assert "Objections to your proposals" in html
    assert "Say what first means" in html
    assert "Changed my mind" not in html  # Cy's latest answer is a consent
    assert "Objections to your proposals" not in page(client(ben).get(reverse("home:dashboard")))


def test_my_boundary_not_yet_read_by_everyone_is_on_my_dashboard_with_who(
    ana: Membership, ben: Membership, cy: Membership, dee: Membership
) -> None:
    eve = MembershipFactory.create(polycule=ana.polycule, display_name="Eve")
    item = boundary(ana, "Sleepovers")
    only_ben = boundary(ana, "Only-for-Ben", everyone=False, audience=[ben.public_id])
    services.acknowledge(member=ben, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    html = page(client(ana).get(reverse("home:dashboard")))
    assert "Your boundaries, not yet read by everyone" in html
    unread = {i.title: (i.unread, i.unread_by) for i in selectors.unread_boundaries(ana)}  # type: ignore[attr-defined]
    assert unread == {"Sleepovers": (2, "Cy, Eve"), "Only-for-Ben": (1, "Ben")}  # Dee left: not waited for
    assert "not yet acknowledged by Cy, Eve" in html
    assert "not yet acknowledged by Ben" in html
    services.acknowledge(member=cy, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    services.acknowledge(member=eve, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    services.acknowledge(member=ben, item=only_ben, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    assert "not yet read by everyone" not in page(client(ana).get(reverse("home:dashboard")))
