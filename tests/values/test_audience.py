"""Who can see an item changes by its owner's hand (boundaries) or by proposal."""

import re

from relationships.models import Membership
from tests.conftest import client_for
from values import services
from values.models import Item, Kind, Proposal, Response


def _private_agreement(ana: Membership, ben: Membership) -> Item:
    proposal = services.propose_new(
        proposer=ana,
        kind=Kind.AGREEMENT,
        title="Weeknights",
        text="Quiet weeknights.",
        why="Kids",
        everyone=False,
        audience=[ben.public_id],
    )
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Response.Answer.CONSENT)
    return Item.objects.get(pk=proposal.item_id)


def test_a_proposal_can_widen_an_agreement(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = _private_agreement(ana, ben)
    url = f"/p/{ana.polycule.public_id}/items/{item.public_id}/propose/"
    form = client_for(ben).get(url).content.decode()
    assert re.search(r'name="everyone" value="0"[^>]*checked', form)
    data = {
        "title": "Weeknights",
        "text": "Quiet weeknights.",
        "why": "Cy lives here now",
        "base": 1,
        "everyone": "0",
        "audience": [str(ana.public_id), str(cy.public_id)],
    }
    response = client_for(ben).post(url, data)
    assert response.status_code == 302
    proposal = Proposal.objects.get(change=Proposal.Change.REVISE)
    page = client_for(ana).get(response["Location"]).content.decode()
    assert "also changes who can see it" in page
    assert client_for(cy).get(response["Location"]).status_code == 404
    services.respond(member=ana, proposal=proposal, revision_number=1, answer=Response.Answer.CONSENT)
    assert client_for(cy).get(f"/p/{ana.polycule.public_id}/items/{item.public_id}/").status_code == 200


def test_an_unchanged_audience_is_left_alone(ana: Membership, ben: Membership) -> None:
    item = _private_agreement(ana, ben)
    url = f"/p/{ana.polycule.public_id}/items/{item.public_id}/propose/"
    data = {
        "title": "Weeknights",
        "text": "Calm weeknights.",
        "why": "Wording",
        "base": 1,
        "everyone": "0",
        "audience": [str(ana.public_id)],
    }
    assert client_for(ben).post(url, data).status_code == 302
    revision = Proposal.objects.get(change=Proposal.Change.REVISE).revision
    assert revision is not None
    assert revision.everyone is None


def test_the_owner_chooses_who_sees_a_boundary(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = services.create_boundary(owner=ana, title="t", text="x", why="y", everyone=False, audience=[ben.public_id])
    url = f"/p/{ana.polycule.public_id}/items/{item.public_id}/audience/"
    assert client_for(ben).get(url).status_code == 404
    bad = client_for(ana).post(url, {"everyone": "0"})
    assert bad.status_code == 422
    assert "Choose at least one person" in bad.content.decode()
    assert client_for(ana).post(url, {"everyone": "0", "audience": [str(cy.public_id)]}).status_code == 302
    assert Item.objects.visible_to(cy).filter(pk=item.pk).exists()
    assert not Item.objects.visible_to(ben).filter(pk=item.pk).exists()
