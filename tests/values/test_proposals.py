"""The proposal views: proposing, answering, amending, withdrawing and nudging, and what a
stale proposal or answer gets."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from relationships.models import Membership
from tests.factories import backdate
from values import selectors, services
from values.models import Nudge, Proposal, ProposalRevision, Response

from .build import (
    HTMX,
    Answer,
    adopted,
    assert_fragment,
    boundary,
    client,
    conflict_shows,
    counts,
    followed,
    fresh,
    page,
    proposed,
    url,
)


def test_a_member_proposes_a_change_to_a_value(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben, text="Children first.")
    target = url("proposal_create", ana, item_id=item.public_id)
    form = client(ben).get(target)
    assert form.status_code == 200
    assert "Children first." in page(form)
    response = client(ben).post(
        target, {"title": "Kids first", "text": "Children first, always.", "why": "w", "base": 1}
    )
    proposal = Proposal.objects.get(change=Proposal.Change.REVISE)
    assert response["Location"] == url("proposal_detail", ana, proposal_id=proposal.public_id)
    assert (proposal.proposer, proposal.item, proposal.base_version) == (ben, item, item.current_version)


def test_a_value_is_retired_once_the_proposal_to_retire_it_is_adopted(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben)
    target = url("proposal_retire", ana, item_id=item.public_id)
    assert "Propose retiring" in page(client(ben).get(target))
    response = client(ben).post(target, {"why": "Our kids are grown", "base": 1})
    assert response.status_code == 302
    proposal = Proposal.objects.get(change=Proposal.Change.RETIRE)
    assert proposal.proposer == ben
    services.respond(member=ana, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    assert fresh(item).retired_at is not None


def test_nobody_proposes_to_a_boundary(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    assert client(ben).get(url("proposal_create", ana, item_id=item.public_id)).status_code == 404


def test_proposal_detail_shows_the_wording_and_who_has_answered(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(cy, "Kids first", text="Children first.", why="Calm moments")
    services.respond(member=ana, proposal=proposal, revision_number=1, answer=Answer.OBJECT, note="Too vague")
    html = page(client(ben).get(url("proposal_detail", ana, proposal_id=proposal.public_id)))
    assert "Kids first" in html
    assert "Children first." in html
    assert "Calm moments" in html
    assert "Too vague" in html
    assert "hasn't answered yet" in html
    assert 'name="answer"' in html


def test_the_proposer_sees_whose_answer_the_proposal_still_waits_for(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(cy, "Kids first")
    services.respond(member=ana, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    mine = page(client(cy).get(url("proposal_detail", ana, proposal_id=proposal.public_id)))
    assert "Waiting for Ben." in mine
    # Only the proposer's section says it: the others see each answer in the list.
    assert "Waiting for" not in page(client(ben).get(url("proposal_detail", ana, proposal_id=proposal.public_id)))


def test_responding_by_plain_post_redirects(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = proposed(cy)
    response = client(ben).post(
        url("proposal_respond", ana, proposal_id=proposal.public_id), {"revision": 1, "answer": "consent"}
    )
    assert response["Location"] == url("proposal_detail", ana, proposal_id=proposal.public_id)
    assert "Your answer is recorded." in followed(response, client(ben))
    last = client(ana).post(
        url("proposal_respond", ana, proposal_id=proposal.public_id), {"revision": 1, "answer": "consent"}
    )
    assert "it is adopted" in followed(last, client(ana))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADOPTED


def test_responding_with_htmx_returns_only_the_responses_panel(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(cy)
    response = client(ben).post(
        url("proposal_respond", ana, proposal_id=proposal.public_id),
        {"revision": 1, "answer": "object", "note": "Say what first means"},
        **HTMX,
    )
    assert_fragment(response, "Responses", "I object", "Say what first means", "Change your answer")
    changed = client(ben).post(
        url("proposal_respond", ana, proposal_id=proposal.public_id), {"revision": 1, "answer": "consent"}, **HTMX
    )
    assert_fragment(changed, "Change your answer", "Where you stand")
    assert "answer-object" not in page(changed)
    assert "Say what first means" not in page(changed)
    assert Response.objects.filter(member=ben).count() == 2


def test_the_answer_that_adopts_answers_htmx_with_the_panel_the_page_shows(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(cy)
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    target = url("proposal_respond", ana, proposal_id=proposal.public_id)
    adopting = client(ana).post(target, {"revision": 1, "answer": "stand_aside", "note": "Fine by me"}, **HTMX)
    assert_fragment(adopting, "I stand aside", "Fine by me", "I consent", "proposed this", "it is adopted")
    assert "hasn't answered yet" not in page(adopting)
    # The answers are drawn from what the answer wrote, as reading the proposal again draws them.
    shown = page(client(ana).get(url("proposal_detail", ana, proposal_id=proposal.public_id)))
    rows = re.search(r'<ul class="rows">.*?</ul>', page(adopting), re.S)
    assert rows is not None
    assert rows.group(0) in shown
    # Said once: in place by the answer that adopted it; on the whole page, under the title.
    assert shown.count("it is adopted") == 1
    assert "proposed by" not in shown
    # In place, one message says both, for the live region to read: the answer, and the adoption.
    said = re.search(r'<p class="done" role="status">(.*?)</p>', page(adopting), re.S)
    assert said is not None
    recorded = "Your answer is recorded. Everyone has answered and nobody objected: it is adopted."
    assert said.group(1).startswith(recorded)
    assert page(adopting).count('role="status"') == 1
    # The header above the panel, sent out of band, stops saying "proposed by", as the page does.
    oob = r'<p class="kind[^"]*" id="proposal-state" data-hx-swap-oob="innerHTML">(.*?)</p>'
    header = re.search(oob, page(adopting))
    assert header is not None
    assert "adopted with everyone's consent" in header.group(1)
    assert "proposed by" not in header.group(1)
    assert header.group(1) in shown  # the same words as the whole page's header
    assert 'id="proposal-state">' in shown  # where they go: the page's header, not out of band
    assert "data-hx-swap-oob" not in shown


@pytest.mark.parametrize("title", ["Kids first", "Children first"])
def test_a_change_that_renames_says_what_it_was_called(title: str, ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben, title="Kids first", text="Kids.")
    proposal = services.propose_change(
        proposer=ben, item=item, base_number=1, title=title, text="Kids, always.", why="w", everyone=None, audience=[]
    )
    shown = page(client(ana).get(url("proposal_detail", ana, proposal_id=proposal.public_id)))
    assert ("It would no longer be called “Kids first”." in shown) == (title != "Kids first")


def test_an_answer_in_place_says_it_is_recorded_and_the_page_alone_does_not(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(cy)
    target = url("proposal_respond", ana, proposal_id=proposal.public_id)
    answered = client(ben).post(target, {"revision": 1, "answer": "consent"}, **HTMX)
    assert_fragment(answered, '<p class="done" role="status">Your answer is recorded.</p>', "Change your answer")
    assert "it is adopted" not in page(answered)
    assert 'id="proposal-state"' not in page(answered)  # not adopted: the header is as it was
    shown = page(client(ben).get(url("proposal_detail", ana, proposal_id=proposal.public_id)))
    assert "Your answer is recorded." not in shown
    assert "proposed by Cy" in shown
    # A refused answer is no answer recorded: the panel says what was wrong instead.
    refused = client(ana).post(target, {"revision": 1, "answer": "object"}, **HTMX)
    assert refused.status_code == 422
    assert "Your answer is recorded." not in page(refused)


# What the answer that adopts writes, each in one statement: the answer, then for new words
# the version, the item's current version, the consents, the proposal and its event; for a
# retirement the item, the proposal and both events; for a new audience, the new words (the
# item's "everyone" saved with its current version), the audience asked for (read, for the page
# after it too), the links trimmed and added, and two events. Read before: the session,
# the person, the gate, the acting member's lock, the proposal's lock and who has answered.
ADOPTING = {"new words": 12, "retire": 10, "new audience": 15}


@pytest.mark.parametrize("change", ADOPTING)
def test_the_answer_that_adopts_in_place_costs_what_it_writes(
    change: str, ana: Membership, ben: Membership, cy: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    item = adopted(ana, ben, cy)
    if change == "retire":
        proposal = services.propose_retiring(proposer=ana, item=item, base_number=1, why="Done")
    else:
        chosen = change == "new audience"
        proposal = services.propose_change(
            proposer=ana,
            item=item,
            base_number=1,
            title="Kids first",
            text="Kids, always.",
            why="w",
            everyone=False if chosen else None,
            audience=[ben.public_id] if chosen else [],
        )
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    target = url("proposal_respond", ana, proposal_id=proposal.public_id)
    answering = client(cy)
    with django_assert_num_queries(ADOPTING[change]):
        adopting = answering.post(target, {"revision": 1, "answer": "consent"}, **HTMX)
    assert_fragment(adopting, "it is adopted")
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.ADOPTED
    item.refresh_from_db()
    if change == "new audience":
        assert not item.everyone
        assert {link.membership_id for link in item.audience_links.all()} == {ana.pk, ben.pk}
    else:
        assert item.everyone


def test_narrowing_an_audience_keeps_those_who_stay_as_they_were(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    chosen = [ben.public_id, cy.public_id]
    item = adopted(ana, ben, cy, everyone=False, audience=chosen)
    before = {link.membership_id: link.added_at for link in item.audience_links.all()}
    assert set(before) == {ana.pk, ben.pk, cy.pk}
    proposal = services.propose_change(
        proposer=ana,
        item=item,
        base_number=1,
        title="Kids first",
        text="Kids.",
        why="w",
        everyone=False,
        audience=[ben.public_id],
    )
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    services.respond(member=cy, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    after = {link.membership_id: link.added_at for link in fresh(item).audience_links.all()}
    # Nobody who stays becomes a newcomer to it: their links are the ones they had.
    assert after == {ana.pk: before[ana.pk], ben.pk: before[ben.pk]}


def test_amending_a_proposal_asks_everyone_again(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = proposed(cy, text="First wording")
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.OBJECT, note="Vague")
    target = url("proposal_amend", ana, proposal_id=proposal.public_id)
    form = client(cy).get(target)
    assert form.status_code == 200
    assert "First wording" in page(form)
    assert client(ben).get(target).status_code == 404
    response = client(cy).post(target, {"title": "Kids first", "text": "Clearer wording", "why": "w", "base": 1})
    assert response["Location"] == url("proposal_detail", ana, proposal_id=proposal.public_id)
    proposal.refresh_from_db()
    assert proposal.revision is not None
    assert (proposal.revision.number, proposal.revision.text) == (2, "Clearer wording")
    assert {m.display_name for m in selectors.waiting_on(proposal)} == {"Ana", "Ben"}


def test_only_the_proposer_withdraws_a_proposal(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = proposed(cy)
    target = url("proposal_withdraw", ana, proposal_id=proposal.public_id)
    assert client(ben).post(target).status_code == 404
    response = client(cy).post(target)
    assert "Withdrawn." in followed(response, client(cy))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN


def test_the_proposer_s_nudge_shows_on_the_others_dashboards(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = proposed(cy, "Kids first")
    target = url("proposal_nudge", ana, proposal_id=proposal.public_id)
    assert client(ben).post(target).status_code == 404
    assert "gentle reminder" in followed(client(cy).post(target), client(cy))
    assert Nudge.objects.get().by == cy
    dashboard = page(client(ana).get(reverse("home:dashboard")))
    assert "Cy asked for your answer" in dashboard
    assert "sent a reminder recently" in followed(client(cy).post(target), client(cy))
    assert Nudge.objects.count() == 1


def test_a_stale_proposal_shows_both_texts(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben, text="First text")
    change = services.propose_change(proposer=ana, item=item, base_number=1, title="t", text="Adopted since", why="w")
    services.respond(member=ben, proposal=change, revision_number=1, answer=Answer.CONSENT)
    before = counts()
    response = client(ben).post(
        url("proposal_create", ana, item_id=item.public_id),
        {"title": "Mine", "text": "What I wrote", "why": "My why", "base": 1},
    )
    conflict_shows(response, "Adopted since", "What I wrote")
    assert counts() == before


def test_a_stale_retirement_proposal_is_refused(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben)
    change = services.propose_change(proposer=ana, item=item, base_number=1, title="t", text="Adopted since", why="w")
    services.respond(member=ben, proposal=change, revision_number=1, answer=Answer.CONSENT)
    before = counts()
    response = client(ben).post(url("proposal_retire", ana, item_id=item.public_id), {"why": "Grown kids", "base": 1})
    conflict_shows(response, "Adopted since", "Grown kids")
    assert counts() == before


def test_a_stale_amendment_shows_both_texts(ana: Membership, ben: Membership) -> None:
    proposal = proposed(ana)
    services.amend(proposer=ana, proposal=proposal, revision_number=1, title="t", text="Amended elsewhere", why="w")
    response = client(ana).post(
        url("proposal_amend", ana, proposal_id=proposal.public_id),
        {"title": "t", "text": "What I wrote", "why": "w", "base": 1},
    )
    conflict_shows(response, "Amended elsewhere", "What I wrote")
    assert ProposalRevision.objects.filter(proposal=proposal).count() == 2


def test_a_response_to_an_amended_proposal_is_a_409(ana: Membership, ben: Membership) -> None:
    proposal = proposed(ana)
    services.amend(proposer=ana, proposal=proposal, revision_number=1, title="t", text="Amended", why="w")
    target = url("proposal_respond", ana, proposal_id=proposal.public_id)
    data = {"revision": 1, "answer": "consent"}
    plain = client(ben).post(target, data)
    assert plain.status_code == 409
    assert "amended while you were answering" in page(plain)
    with_htmx = client(ben).post(target, data, **HTMX)
    assert with_htmx.status_code == 409
    assert "<html" not in page(with_htmx)
    assert not Response.objects.filter(member=ben).exists()


def test_the_proposer_is_told_they_proposed_it_instead_of_a_preselected_answer(
    ana: Membership, ben: Membership
) -> None:
    proposal = proposed(ana)
    mine = page(client(ana).get(url("proposal_detail", ana, proposal_id=proposal.public_id)))
    assert "You proposed this, so your consent is counted." in mine
    assert "Send my answer" not in mine
    assert "proposed by you" in mine
    theirs = page(client(ben).get(url("proposal_detail", ana, proposal_id=proposal.public_id)))
    assert "Send my answer" in theirs
    assert "proposed this" in theirs  # Ana's row
    assert "Who can see it: everyone in the polycule." in theirs


def test_an_item_s_open_proposals_say_whose_answer_they_wait_for(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = adopted(ana, ben, cy, title="Kids first")
    services.propose_change(proposer=cy, item=item, base_number=1, title="Kids first", text="A", why="w")
    detail = url("item_detail", ana, item_id=item.public_id)
    waiting = "waiting for your answer"
    theirs, mine = page(client(ben).get(detail)), page(client(cy).get(detail))
    assert waiting in theirs
    assert "Change · by Cy" in theirs
    assert waiting not in mine  # the proposer consented by proposing
    assert "Change · by you" in mine


def test_an_amended_proposal_says_so_where_it_is_listed(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = adopted(ana, ben, cy, title="Kids first")
    proposal = services.propose_change(proposer=cy, item=item, base_number=1, title="Kids first", text="A", why="w")
    services.amend(proposer=cy, proposal=proposal, revision_number=1, title="Kids first", text="B", why="w")
    detail = page(client(ben).get(url("item_detail", ana, item_id=item.public_id)))
    assert "every answer is needed again" in detail
    dashboard = page(client(ben).get(reverse("home:dashboard")))
    assert "amended: your answer is needed again" in dashboard
    listed = page(client(ben).get(url("item_list", ana)))
    assert "amended: your answer is needed again" in listed
    # The proposer, whose amendment counts as their answer, reads only that it was amended.
    own = page(client(cy).get(url("item_list", ana)))
    assert '<span class="badge">amended</span>' in own


def test_an_amended_proposal_shows_what_changed_since_the_wording_i_answered(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(cy, text="Children's needs come first.")
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.OBJECT, note="Which needs?")
    services.amend(
        proposer=cy,
        proposal=proposal,
        revision_number=1,
        title="Kids first",
        text="Children's sleep comes first.",
        why="w",
    )
    html = page(client(ben).get(url("proposal_detail", ana, proposal_id=proposal.public_id)))
    assert "Amended since you answered wording 1" in html
    assert "[removed: </span>needs" in html
    assert "[added: </span>sleep" in html
    # Ana never answered: no "since you answered" for her.
    assert "Amended since you answered" not in page(
        client(ana).get(url("proposal_detail", ana, proposal_id=proposal.public_id))
    )


def test_reminding_is_offered_only_once_the_wording_has_waited_a_while(ana: Membership, ben: Membership) -> None:
    proposal = proposed(ana)
    detail = url("proposal_detail", ana, proposal_id=proposal.public_id)
    assert "Remind those who haven" not in page(client(ana).get(detail))  # everyone was just told
    backdate(ProposalRevision.objects.filter(proposal=proposal), by=timedelta(hours=13))
    assert "Remind those who haven" in page(client(ana).get(detail))
    assert "Remind those who haven" not in page(client(ben).get(detail))  # only the proposer reminds
