from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from relationships.models import Membership
from relationships.services import leave_polycule
from tests.factories import MembershipFactory
from values import selectors, services
from values.models import Acknowledgment, Consent, Event, Item, Kind, Proposal, Response, Suggestion, Version
from values.services import NotAllowed, RuleError, Stale

from .build import current

Answer = Response.Answer


def boundary(owner: Membership, **kwargs: Any) -> Item:
    return services.create_boundary(
        owner=owner, title="Sleepovers", text="Tell me before, not after.", why="I felt blindsided.", **kwargs
    )


def value(proposer: Membership, *others: Membership, **kwargs: Any) -> Item:
    proposal = services.propose_new(
        proposer=proposer, kind=Kind.VALUE, title="Kids first", text="Children's needs first.", why="Calm", **kwargs
    )
    for member in others:
        services.respond(member=member, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    return Item.objects.get(pk=proposal.item_id)


def test_a_new_boundary_has_version_one_with_its_why(ana: Membership) -> None:
    item = boundary(ana)
    assert current(item).number == 1
    assert current(item).why == "I felt blindsided."
    assert Event.objects.filter(item=item, kind=Event.Kind.ITEM_CREATED).count() == 1


def test_only_the_owner_changes_a_boundary(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    with pytest.raises(NotAllowed):
        services.revise_boundary(owner=ben, item=item, base_number=1, title="t", text="x", why="y")
    version = services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="x", why="y")
    assert version.number == 2


def test_an_edit_against_an_old_version_is_refused_and_nothing_is_lost(ana: Membership) -> None:
    item = boundary(ana)
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="second", why="y")
    with pytest.raises(Stale) as refused:
        services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="third", why="y")
    assert refused.value.current is not None
    assert refused.value.current.text == "second"
    assert Version.objects.filter(item=item).count() == 2


def test_acknowledging_is_per_version(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.acknowledge(member=ben, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    assert selectors.needs(ben).to_acknowledge == []
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="new", why="changed")
    assert [i.pk for i in selectors.needs(ben).to_acknowledge] == [item.pk]
    with pytest.raises(Stale):
        services.acknowledge(member=ben, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)


def test_the_owner_does_not_acknowledge_their_own_boundary(ana: Membership) -> None:
    item = boundary(ana)
    with pytest.raises(RuleError):
        services.acknowledge(member=ana, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    assert selectors.needs(ana).to_acknowledge == []


def test_a_double_answer_is_refused(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.acknowledge(member=ben, item=item, version_number=1, answer=Acknowledgment.Answer.TALK, note="hm")
    with pytest.raises(RuleError):
        services.acknowledge(member=ben, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    assert Acknowledgment.objects.count() == 1


def test_someone_outside_the_audience_cannot_answer(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ana, everyone=False, audience=[ben.public_id])
    with pytest.raises(NotAllowed):
        services.acknowledge(member=cy, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    assert not Item.objects.visible_to(cy).filter(pk=item.pk).exists()
    assert Item.objects.visible_to(ben).filter(pk=item.pk).exists()


def test_an_audience_cannot_name_people_of_another_polycule(ana: Membership, zed: Membership) -> None:
    with pytest.raises(RuleError):
        boundary(ana, everyone=False, audience=[zed.public_id])
    assert not Item.objects.exists()


def test_suggestions_are_taken_or_declined_by_the_owner(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="Tell me a day before", why="x")
    with pytest.raises(NotAllowed):
        services.decline_suggestion(owner=ben, suggestion=suggestion, reply="no")
    with pytest.raises(RuleError):
        services.decline_suggestion(owner=ana, suggestion=suggestion, reply="  ")
    version = services.take_suggestion(
        owner=ana, suggestion=suggestion, base_number=1, title="Sleepovers", text=suggestion.text, why="Ben's idea"
    )
    assert version.number == 2
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.TAKEN


def test_a_value_is_adopted_when_everyone_consents(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = services.propose_new(proposer=cy, kind=Kind.VALUE, title="Kids first", text="t", why="w")
    services.respond(member=ana, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.STAND_ASIDE, note="ok")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADOPTED
    item = Item.objects.get(pk=proposal.item_id)
    assert current(item).number == 1
    # Adopting counts as the consent of those who consented; standing aside does not.
    assert set(Consent.objects.values_list("member__display_name", flat=True)) == {"Ana", "Cy"}
    assert selectors.needs(ben).to_consent == []


def test_every_answer_carries_its_polycule_item_and_proposal(ana: Membership, ben: Membership, cy: Membership) -> None:
    """What the timeline and the lists of items read answers by: written with each answer, the
    proposer's own included."""
    first = services.propose_new(proposer=cy, kind=Kind.VALUE, title="Kids first", text="t", why="w")
    services.respond(member=ana, proposal=first, revision_number=1, answer=Answer.CONSENT)
    second = services.propose_new(proposer=ana, kind=Kind.VALUE, title="Sundays", text="t", why="w")
    services.respond(member=ben, proposal=second, revision_number=1, answer=Answer.OBJECT, note="Saturdays?")
    given = {
        (r.member.display_name, r.polycule_id, r.item_id, r.proposal_id)
        for r in Response.objects.select_related("member")
    }
    assert given == {
        ("Cy", ana.polycule_id, first.item_id, first.pk),
        ("Ana", ana.polycule_id, first.item_id, first.pk),
        ("Ana", ana.polycule_id, second.item_id, second.pk),
        ("Ben", ana.polycule_id, second.item_id, second.pk),
    }


def test_every_proposal_carries_its_item_s_polycule(
    ana: Membership, ben: Membership, cy: Membership, zed: Membership
) -> None:
    """What a polycule's open proposals are read by (``proposal_open_in_polycule``): written by
    each way of proposing, so that the lists of them never reach another polycule's."""
    made = services.propose_new(proposer=cy, kind=Kind.VALUE, title="Kids first", text="t", why="w")
    for member in (ana, ben):
        services.respond(member=member, proposal=made, revision_number=1, answer=Answer.CONSENT)
    item = Item.objects.get(pk=made.item_id)
    services.propose_change(proposer=ana, item=item, base_number=1, title="Kids, always", text="t", why="w")
    services.propose_retiring(proposer=ben, item=item, base_number=1, why="Grown up")
    elsewhere = services.propose_new(proposer=zed, kind=Kind.VALUE, title="Zed's", text="t", why="w")
    carried = {(p.change, p.polycule_id) for p in Proposal.objects.all()}
    assert carried == {
        (Proposal.Change.CREATE, ana.polycule_id),
        (Proposal.Change.REVISE, ana.polycule_id),
        (Proposal.Change.RETIRE, ana.polycule_id),
        (Proposal.Change.CREATE, zed.polycule_id),
    }
    assert elsewhere.polycule_id != ana.polycule_id
    open_here, count = selectors.open_proposals(cy, 10)
    assert ({p.change for p in open_here}, count) == ({Proposal.Change.REVISE, Proposal.Change.RETIRE}, 2)


def test_given_by_its_id_a_proposal_is_found_only_among_those_the_member_may_see(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = services.propose_new(
        proposer=ana, kind=Kind.AGREEMENT, title="Ours", text="t", why="w", everyone=False, audience=[ben.public_id]
    )
    with pytest.raises(Proposal.DoesNotExist):
        services.respond(member=cy, proposal=proposal.public_id, revision_number=1, answer=Answer.CONSENT)
    assert not Response.objects.filter(member=cy).exists()
    # Ben, who may see it, answers by its id; his consent adopts it.
    answered = services.respond(member=ben, proposal=proposal.public_id, revision_number=1, answer=Answer.CONSENT)
    assert answered.proposal.status == Proposal.Status.ADOPTED


def test_given_by_its_id_a_boundary_is_acknowledged_only_by_those_who_may_see_it(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = services.create_boundary(
        owner=ana, title="Sleepovers", text="t", why="w", everyone=False, audience=[ben.public_id]
    )
    understood = Acknowledgment.Answer.UNDERSTOOD
    with pytest.raises(Item.DoesNotExist):
        services.acknowledge(member=cy, item=item.public_id, version_number=1, answer=understood)
    assert not Acknowledgment.objects.filter(member=cy).exists()
    # A proposed item has no version to acknowledge: not found either, even by its proposer's partner.
    proposal = services.propose_new(proposer=ana, kind=Kind.AGREEMENT, title="Ours", text="t", why="w")
    with pytest.raises(Item.DoesNotExist):
        services.acknowledge(member=ben, item=proposal.item.public_id, version_number=1, answer=understood)
    # Ben, who may see it, answers by its id; the item comes back with his answer's version.
    ack = services.acknowledge(member=ben, item=item.public_id, version_number=1, answer=understood)
    assert (ack.member, ack.version.item, ack.version.item.current_version) == (ben, item, ack.version)


def test_an_objection_keeps_it_open_and_needs_a_note(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = services.propose_new(proposer=cy, kind=Kind.VALUE, title="Kids first", text="t", why="w")
    with pytest.raises(RuleError):
        services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.OBJECT)
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.OBJECT, note="Too vague")
    services.respond(member=ana, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN


def test_a_response_can_change_while_open(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = services.propose_new(proposer=cy, kind=Kind.VALUE, title="Kids first", text="t", why="w")
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.OBJECT, note="Hmm")
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    services.respond(member=ana, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADOPTED


def test_amending_clears_every_response(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = services.propose_new(proposer=cy, kind=Kind.VALUE, title="Kids first", text="t", why="w")
    services.respond(member=ana, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.OBJECT, note="Vague")
    services.amend(proposer=cy, proposal=proposal, revision_number=1, title="Kids first", text="clearer", why="w")
    proposal.refresh_from_db()
    assert set(selectors_waiting(proposal)) == {"Ana", "Ben"}
    with pytest.raises(Stale):
        services.respond(member=ana, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    services.respond(member=ana, proposal=proposal, revision_number=2, answer=Answer.CONSENT)
    services.respond(member=ben, proposal=proposal, revision_number=2, answer=Answer.CONSENT)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADOPTED
    assert current(proposal.item).text == "clearer"


def selectors_waiting(proposal: Proposal) -> list[str]:
    return [m.display_name for m in selectors.waiting_on(proposal)]


def test_only_the_proposer_amends_withdraws_or_nudges(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = services.propose_new(proposer=cy, kind=Kind.VALUE, title="Kids first", text="t", why="w")
    for action in (
        lambda: services.amend(proposer=ben, proposal=proposal, revision_number=1, title="x", text="x", why="x"),
        lambda: services.withdraw(proposer=ben, proposal=proposal),
        lambda: services.nudge(proposer=ben, proposal=proposal),
    ):
        with pytest.raises(NotAllowed):
            action()
    services.nudge(proposer=cy, proposal=proposal)
    with pytest.raises(RuleError):
        services.nudge(proposer=cy, proposal=proposal)
    services.withdraw(proposer=cy, proposal=proposal)
    with pytest.raises(RuleError):
        services.respond(member=ana, proposal=proposal, revision_number=1, answer=Answer.CONSENT)


def test_a_proposal_against_an_old_version_is_refused(ana: Membership, ben: Membership) -> None:
    item = value(ana, ben)
    services.propose_change(proposer=ben, item=item, base_number=1, title="t", text="v2", why="w")
    with pytest.raises(Stale):
        services.propose_change(
            proposer=ana, item=Item.objects.get(pk=item.pk), base_number=0, title="t", text="x", why="w"
        )


def test_retiring_a_value_is_a_proposal(ana: Membership, ben: Membership) -> None:
    item = value(ana, ben)
    proposal = services.propose_retiring(proposer=ana, item=item, base_number=1, why="Our kids are grown")
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    item.refresh_from_db()
    assert item.retired_at is not None
    assert current(item).number == 1


def test_a_boundary_needs_no_proposal(ana: Membership) -> None:
    with pytest.raises(RuleError):
        services.propose_new(proposer=ana, kind=Kind.BOUNDARY, title="x", text="x", why="x")


def test_a_newcomer_is_asked_about_what_was_set_before(ana: Membership, ben: Membership) -> None:
    item = value(ana, ben)
    own = boundary(ana)
    eli = MembershipFactory.create(
        polycule=ana.polycule, display_name="Eli", joined_at=timezone.now() + timedelta(seconds=1)
    )
    waiting = selectors.newcomer_items(eli).rows
    assert {row.item.pk for row in waiting} == {item.pk, own.pk}
    services.consent(member=eli, item=item, version_number=1)
    services.acknowledge(member=eli, item=own, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    assert selectors.newcomer_items(eli).rows == []


def test_a_consent_by_its_id_is_for_those_who_may_see_it_and_is_made_once(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = services.propose_new(
        proposer=ana, kind=Kind.AGREEMENT, title="Ours", text="t", why="w", everyone=False, audience=[ben.public_id]
    )
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Response.Answer.CONSENT)
    item = proposal.item
    with pytest.raises(Item.DoesNotExist):
        services.consent(member=cy, item=item.public_id, version_number=1)
    with pytest.raises(NotAllowed):  # given the item itself, as the services call each other
        services.consent(member=cy, item=item, version_number=1)
    assert not Consent.objects.filter(member=cy).exists()
    shared = services.propose_new(proposer=ana, kind=Kind.VALUE, title="Kind", text="t", why="w")
    for member in (ben, cy):
        services.respond(member=member, proposal=shared, revision_number=1, answer=Response.Answer.CONSENT)
    eli = MembershipFactory.create(
        polycule=ana.polycule, display_name="Eli", joined_at=timezone.now() + timedelta(seconds=1)
    )
    # A newcomer consents by its id; a second consent, submitted twice, is the one it made.
    first = services.consent(member=eli, item=shared.item.public_id, version_number=1)
    again = services.consent(member=eli, item=shared.item.public_id, version_number=1)
    assert first == again
    assert Consent.objects.filter(member=eli).count() == 1


def test_reaffirming_records_the_date_without_a_new_version(ana: Membership, ben: Membership) -> None:
    long_ago = timezone.now() - timedelta(days=40)
    item = Item.objects.create(
        polycule=ana.polycule, kind=Kind.BOUNDARY, owner=ana, created_by=ana, review_every_days=30, created_at=long_ago
    )
    item.current_version = Version.objects.create(
        item=item, number=1, title="t", text="x", why="y", author=ana, created_at=long_ago
    )
    item.current_title = "t"
    item.save()
    assert [i.pk for i in selectors.needs(ben).due] == [item.pk]
    services.reaffirm(member=ben, item=item)
    assert selectors.needs(ben).due == []
    assert Version.objects.filter(item=item).count() == 1


def test_a_member_who_left_is_no_longer_asked(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = services.propose_new(proposer=cy, kind=Kind.VALUE, title="Kids first", text="t", why="w")
    leave_polycule(membership=ben)
    services.respond(member=ana, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADOPTED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="append-only triggers are PostgreSQL's")
@pytest.mark.parametrize("model", [Version, Acknowledgment, Consent, Response])
def test_history_cannot_be_changed_or_deleted_in_the_database(
    model: type[Version | Acknowledgment | Consent | Response], ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = value(ana, ben, cy)
    services.acknowledge(member=ben, item=boundary(ana), version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    assert model.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.all().update(created_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.all()._raw_delete(model.objects.db)
    assert item.current_version is not None


def test_widening_an_agreement_is_a_proposal_and_the_newcomer_is_asked(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = value(ana, ben, everyone=False, audience=[ben.public_id])
    assert not Item.objects.visible_to(cy).filter(pk=item.pk).exists()
    proposal = services.propose_change(
        proposer=ana,
        item=item,
        base_number=1,
        title=item.title,
        text=current(item).text,
        why="Cy is part of this now",
        everyone=False,
        audience=[ben.public_id, cy.public_id],
    )
    # Only the present audience answers; Cy still cannot see it.
    assert not Item.objects.visible_to(cy).filter(pk=item.pk).exists()
    services.amend(proposer=ana, proposal=proposal, revision_number=1, title=item.title, text="Same", why="w")
    services.respond(member=ben, proposal=proposal, revision_number=2, answer=Answer.CONSENT)
    item.refresh_from_db()
    assert Item.objects.visible_to(cy).filter(pk=item.pk).exists()
    assert [i.pk for i in selectors.needs(cy).to_consent] == [item.pk]
    assert Event.objects.filter(item=item, kind=Event.Kind.AUDIENCE_CHANGED).exists()


def test_a_new_audience_must_come_from_the_polycule(ana: Membership, ben: Membership, zed: Membership) -> None:
    item = value(ana, ben)
    with pytest.raises(RuleError):
        services.propose_change(
            proposer=ana,
            item=item,
            base_number=1,
            title="t",
            text="x",
            why="w",
            everyone=False,
            audience=[zed.public_id],
        )
    assert not Proposal.objects.filter(change=Proposal.Change.REVISE).exists()


def test_the_database_refuses_oversized_text_the_forms_would_refuse(ana: Membership) -> None:
    item = boundary(ana)
    with pytest.raises(IntegrityError), transaction.atomic():
        Version.objects.create(item=item, number=2, title="t", text="x" * 4001, why="", author=ana)
    assert item.versions.count() == 1
