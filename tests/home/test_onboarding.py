"""The welcome page: what a newcomer is asked about after accepting an invitation."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from relationships.models import Membership
from tests.conftest import client_for
from tests.factories import InvitationFactory, MembershipFactory, UserFactory, token
from tests.values.build import adopted, boundary, client, page, url
from values import services
from values.models import Consent, Item, Kind, Response


def test_a_newcomer_consents_from_the_welcome_list_and_goes_back_to_it(ana: Membership, ben: Membership) -> None:
    proposal = services.propose_new(proposer=ana, kind=Kind.VALUE, title="Kindness", text="Be kind.", why="Because")
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Response.Answer.CONSENT)
    item = Item.objects.get(pk=proposal.item_id)
    eli = MembershipFactory.create(
        polycule=ana.polycule, display_name="Eli", joined_at=timezone.now() + timedelta(seconds=1)
    )
    client = client_for(eli)
    welcome = f"/p/{ana.polycule.public_id}/welcome/"
    page = client.get(welcome).content.decode()
    detail = f"/p/{ana.polycule.public_id}/items/{item.public_id}/"
    assert f"{detail}?from=welcome" in page
    assert 'name="next" value="welcome"' in client.get(detail + "?from=welcome").content.decode()
    response = client.post(detail + "consent/", {"version": 1, "next": "welcome"})
    assert response["Location"] == welcome
    assert "Kindness" not in client.get(welcome).content.decode()


def test_a_newcomer_lands_on_onboarding_and_works_through_it(ana: Membership, ben: Membership) -> None:
    own = boundary(ana, "Ana-sleepovers")
    value = adopted(ana, ben, title="Kids-first")
    invitation = InvitationFactory.create(invited_by=ana, email="eli@example.com")
    eli_client = client_for(UserFactory.create(email="eli@example.com"))
    assert eli_client.get(f"/invitations/{token(invitation)}/").status_code == 302
    accepted = eli_client.post(reverse("relationships:invitation_accept"), {"display_name": "Eli"})
    assert accepted["Location"] == reverse("home:onboarding", args=[ana.polycule.public_id])
    html = page(eli_client.get(accepted["Location"]))
    assert "Ana-sleepovers" in html
    assert "Kids-first" in html
    # Calm words, no alarm: nothing here is a test.
    assert "To read, when you&#x27;re ready" in html
    assert "To read, and consent to if it holds for you" in html
    assert "flag needs" not in html
    assert "Not yet" not in html
    eli = Membership.objects.get(display_name="Eli")
    assert (
        eli_client.post(
            url("boundary_acknowledge", ana, item_id=own.public_id), {"version": 1, "answer": "understood"}
        ).status_code
        == 302
    )
    html = page(eli_client.get(reverse("home:onboarding", args=[ana.polycule.public_id])))
    assert "Ana-sleepovers" not in html
    assert "consent to if it holds for you" in html
    eli_client.post(url("item_consent", ana, item_id=value.public_id), {"version": 1, "next": "welcome"})
    html = page(eli_client.get(reverse("home:onboarding", args=[ana.polycule.public_id])))
    assert "Kids-first" not in html
    assert "You've read everything the others set down before you came. Thank you" in html
    assert Consent.objects.filter(member=eli).count() == 1


def test_onboarding_leaves_out_items_the_newcomer_may_not_see(ana: Membership, ben: Membership) -> None:
    boundary(ana, "Only-for-Ben", everyone=False, audience=[ben.public_id])
    eli = MembershipFactory.create(
        polycule=ana.polycule, display_name="Eli", joined_at=timezone.now() + timedelta(seconds=1)
    )
    html = page(client(eli).get(reverse("home:onboarding", args=[ana.polycule.public_id])))
    assert "Only-for-Ben" not in html
    assert "You've read everything" in html
