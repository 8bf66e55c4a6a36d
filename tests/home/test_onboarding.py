from datetime import timedelta

from django.utils import timezone

from relationships.models import Membership
from tests.conftest import client_for
from tests.factories import MembershipFactory
from values import services
from values.models import Item, Kind, Response


def test_a_newcomer_consents_from_the_welcome_list_and_goes_back_to_it(ana: Membership, ben: Membership) -> None:
    proposal = services.propose_new(proposer=ana, kind=Kind.VALUE, title="Kindness", text="Be kind.", why="Because")
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Response.Answer.CONSENT)
    item = Item.objects.get(pk=proposal.item_id)
    dee = MembershipFactory(polycule=ana.polycule, display_name="Dee", joined_at=timezone.now() + timedelta(seconds=1))
    client = client_for(dee)
    welcome = f"/p/{ana.polycule.public_id}/welcome/"
    page = client.get(welcome).content.decode()
    detail = f"/p/{ana.polycule.public_id}/items/{item.public_id}/"
    assert f"{detail}?from=welcome" in page
    assert 'name="next" value="welcome"' in client.get(detail + "?from=welcome").content.decode()
    response = client.post(detail + "consent/", {"version": 1, "next": "welcome"})
    assert response["Location"] == welcome
    assert "Kindness" not in client.get(welcome).content.decode()
