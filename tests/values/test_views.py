"""Every values view through the test client: the happy path, HTMX fragments, stale
edits (409 with both texts), double submits, forged fields, bad input, filters,
pagination, the dashboard, onboarding and the diff."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relationships.models import Membership
from tests.conftest import client_for
from tests.factories import InvitationFactory, MembershipFactory, StewardFactory, UserFactory, token
from values import selectors, services
from values.models import (
    Acknowledgment,
    Consent,
    Item,
    Kind,
    Nudge,
    Proposal,
    ProposalRevision,
    Reaffirmation,
    Response,
    Suggestion,
    Version,
)

from .build import HTMX, Answer, adopted, boundary, client, counts, fresh, old_boundary, proposed, url

UNDERSTOOD = Acknowledgment.Answer.UNDERSTOOD


def page(response: Any) -> str:
    return response.content.decode()


def followed(response: Any, who: Client) -> str:
    assert response.status_code == 302, response.status_code
    return page(who.get(response["Location"]))


def assert_fragment(response: Any, *expected: str) -> None:
    assert response.status_code == 200, response.status_code
    html = page(response)
    assert "<html" not in html
    for text in expected:
        assert text in html, text


# The happy path, view by view


def test_item_list_shows_what_the_member_may_see(ana: Membership, ben: Membership) -> None:
    boundary(ana, "Sleepover-boundary")
    adopted(ana, ben, title="Kids-first-value")
    proposal = proposed(ben, "Proposed-value")
    response = client(ana).get(url("item_list", ana))
    assert response.status_code == 200
    html = page(response)
    assert "Sleepover-boundary" in html
    assert "Kids-first-value" in html
    assert "Proposed-value" in html  # among the open proposals
    assert url("proposal_detail", ana, proposal_id=proposal.public_id) in html


@pytest.mark.parametrize("kind", ["boundary", "value", "agreement"])
def test_item_create_shows_its_form(ana: Membership, kind: str) -> None:
    response = client(ana).get(url("item_create", ana, kind=kind))
    assert response.status_code == 200
    assert 'name="title"' in page(response)


def test_setting_a_boundary_makes_version_one_with_its_why(ana: Membership, ben: Membership) -> None:
    data = {"title": "Sleepovers", "text": "Tell me before.", "why": "Blindsided", "category": "home", "everyone": "1"}
    response = client(ana).post(url("item_create", ana, kind="boundary"), data)
    item = Item.objects.get()
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    assert item.kind == Kind.BOUNDARY
    assert item.owner == ana
    assert item.category == "home"
    assert item.current_version is not None
    assert (item.current_version.number, item.current_version.why) == (1, "Blindsided")
    assert "Your boundary is set" in followed(response, client(ana))


def test_proposing_a_value_opens_a_proposal(ana: Membership, ben: Membership) -> None:
    data = {"title": "Kids first", "text": "Children first.", "why": "Calm", "category": "family", "everyone": "1"}
    response = client(ana).post(url("item_create", ana, kind="value"), data)
    proposal = Proposal.objects.get()
    assert response["Location"] == url("proposal_detail", ana, proposal_id=proposal.public_id)
    assert proposal.proposer == ana
    assert proposal.item.kind == Kind.VALUE
    assert proposal.item.current_version is None
    assert proposal.status == Proposal.Status.OPEN


def test_an_agreement_for_chosen_people_is_hidden_from_the_others(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    data = {"title": "Weeknights", "text": "t", "why": "w", "category": "home", "everyone": "0"}
    response = client(ana).post(url("item_create", ana, kind="agreement"), {**data, "audience": [ben.public_id]})
    assert response.status_code == 302
    item = Item.objects.get()
    assert not item.everyone
    assert set(Item.objects.visible_to(ben)) == {item}
    assert not Item.objects.visible_to(cy).exists()


def test_item_detail_shows_words_why_and_story(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, "Sleepovers", text="Tell me before, not after.", why="I felt blindsided.")
    html = page(client(ben).get(url("item_detail", ana, item_id=item.public_id)))
    assert "Sleepovers" in html
    assert "Tell me before, not after." in html
    assert "I felt blindsided." in html
    assert "Its story" in html
    assert "Not yet acknowledged by you." in html
    assert "Version 1 by Ana" in html


def test_acknowledging_by_plain_post_redirects_and_records_the_answer(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id),
        {"version": 1, "answer": "talk", "note": "Can we talk Sunday?"},
    )
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    ack = Acknowledgment.objects.get()
    assert (ack.member, ack.version, ack.answer, ack.note) == (ben, item.current_version, "talk", "Can we talk Sunday?")
    assert "Your answer is recorded" in followed(response, client(ben))


def test_acknowledging_with_htmx_returns_only_the_answers_panel(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id), {"version": 1, "answer": "understood"}, **HTMX
    )
    assert_fragment(response, "Acknowledgments of version 1", "Understood")
    assert "Not yet acknowledged by you" not in page(response)
    assert Acknowledgment.objects.filter(member=ben).count() == 1


def test_acknowledging_an_old_version_is_a_409_in_the_panel(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="v2", why="w")
    response = client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id), {"version": 1, "answer": "understood"}, **HTMX
    )
    assert response.status_code == 409
    html = page(response)
    assert "<html" not in html
    assert "changed while you were writing" in html
    assert "Acknowledgments of version 2" in html
    assert not Acknowledgment.objects.exists()


def test_a_double_submitted_acknowledgment_says_so_and_keeps_one_row(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    target = url("boundary_acknowledge", ana, item_id=item.public_id)
    data = {"version": 1, "answer": "understood"}
    ben_client = client(ben)
    assert ben_client.post(target, data).status_code == 302
    again = ben_client.post(target, data)
    assert "You have already answered this version." in followed(again, ben_client)
    with_htmx = ben_client.post(target, data, **HTMX)
    assert with_htmx.status_code == 409
    assert "You have already answered this version." in page(with_htmx)
    assert Acknowledgment.objects.count() == 1


def test_reaffirming_by_plain_post_redirects(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(url("item_reaffirm", ana, item_id=item.public_id))
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    assert Reaffirmation.objects.get().member == ben
    html = followed(response, client(ben))
    assert "it still holds for you" in html
    assert "reaffirmed" in html


def test_reaffirming_with_htmx_returns_only_the_story(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(url("item_reaffirm", ana, item_id=item.public_id), **HTMX)
    assert_fragment(response, "Its story", "reaffirmed", "by Ben", "Noted: it still holds for you.")
    assert Reaffirmation.objects.count() == 1


def test_reaffirming_a_retired_item_is_refused_without_a_thank_you(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.retire_boundary(owner=ana, item=item)
    target = url("item_reaffirm", ana, item_id=item.public_id)
    with_htmx = client(ben).post(target, **HTMX)
    assert with_htmx.status_code == 409
    assert "Only a current item can be reaffirmed." in page(with_htmx)
    assert "Noted" not in page(with_htmx)
    html = followed(client(ben).post(target), client(ben))
    assert "Only a current item can be reaffirmed." in html
    assert "Noted" not in html
    assert not Reaffirmation.objects.exists()


def test_a_newcomer_consents_to_a_value(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben)
    dee = MembershipFactory(polycule=ana.polycule, display_name="Dee")
    response = client(dee).post(url("item_consent", ana, item_id=item.public_id), {"version": 1})
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    assert Consent.objects.filter(member=dee, version=item.current_version).count() == 1
    assert "Your consent is recorded." in followed(response, client(dee))
    welcome = client(dee).post(url("item_consent", ana, item_id=item.public_id), {"version": 1, "next": "welcome"})
    assert welcome["Location"] == reverse("home:onboarding", args=[ana.polycule.public_id])
    assert Consent.objects.filter(member=dee).count() == 1


def test_the_owner_changes_a_boundary_and_nobody_s_answer_carries_over(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, text="Tell me before.")
    services.acknowledge(member=ben, item=item, version_number=1, answer=UNDERSTOOD)
    form = client(ana).get(url("boundary_edit", ana, item_id=item.public_id))
    assert form.status_code == 200
    assert "Tell me before." in page(form)
    assert 'name="base" value="1"' in page(form)
    response = client(ana).post(
        url("boundary_edit", ana, item_id=item.public_id),
        {"title": "Sleepovers", "text": "Tell me a day before.", "why": "Last time", "base": 1},
    )
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    version = fresh(item).current_version
    assert version is not None
    assert (version.number, version.text, version.why, version.author) == (2, "Tell me a day before.", "Last time", ana)
    assert not version.acknowledgments.exists()
    assert "Not yet acknowledged by you." in page(client(ben).get(url("item_detail", ana, item_id=item.public_id)))


def test_only_the_owner_may_open_the_edit_and_retire_pages(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    for name in ("boundary_edit", "boundary_retire"):
        assert client(ben).get(url(name, ana, item_id=item.public_id)).status_code == 404


def test_retiring_a_boundary_keeps_it_in_the_history(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    target = url("boundary_retire", ana, item_id=item.public_id)
    assert client(ana).get(target).status_code == 200
    response = client(ana).post(target)
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    assert fresh(item).retired_at is not None
    assert "Retired" in page(client(ben).get(url("item_detail", ana, item_id=item.public_id)))


def test_version_list_shows_every_version_with_its_why(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, why="First why")
    services.revise_boundary(owner=ana, item=item, base_number=1, title="Sleepovers", text="v2", why="Second why")
    html = page(client(ben).get(url("version_list", ana, item_id=item.public_id)))
    assert "Version 1: Sleepovers" in html
    assert "Version 2: Sleepovers" in html
    assert "First why" in html
    assert "Second why" in html


def test_version_diff_marks_added_and_removed_words_beyond_colour(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, text="Tell me a day before.")
    services.revise_boundary(
        owner=ana, item=item, base_number=1, title="Sleepovers", text="Tell me a week before.", why="w"
    )
    response = client(ben).get(url("version_diff", ana, item_id=item.public_id), {"from": 1, "to": 2})
    assert response.status_code == 200
    html = page(response)
    assert '<ins><span class="visually-hidden">[added: </span>week<span class="visually-hidden">]</span></ins>' in html
    assert '<del><span class="visually-hidden">[removed: </span>day<span class="visually-hidden">]</span></del>' in html
    # Without parameters: the newest change.
    assert "[added: </span>week" in page(client(ben).get(url("version_diff", ana, item_id=item.public_id)))


@pytest.mark.parametrize(
    "query",
    [
        {"from": 0, "to": 2},
        {"from": 1, "to": 3},
        {"from": -1},
        {"to": 99},
        {"from": "abc"},
        {"to": "1.5"},
        {"from": "9" * 30},
    ],
)
def test_version_diff_out_of_range_is_404(ana: Membership, query: dict[str, Any]) -> None:
    item = boundary(ana)
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="v2", why="w")
    assert client(ana).get(url("version_diff", ana, item_id=item.public_id), query).status_code == 404


def test_suggesting_a_change_to_someone_s_boundary(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, text="Tell me before.")
    target = url("suggestion_create", ana, item_id=item.public_id)
    form = client(ben).get(target)
    assert form.status_code == 200
    assert "Tell me before." in page(form)
    response = client(ben).post(target, {"base": 1, "text": "Tell me a day before.", "why": "Planning"})
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    suggestion = Suggestion.objects.get()
    assert (suggestion.author, suggestion.item, suggestion.base_version) == (ben, item, item.current_version)
    assert suggestion.status == Suggestion.Status.OPEN
    assert client(ana).get(target).status_code == 404  # one's own boundary is changed directly


def test_the_owner_takes_a_suggestion_as_a_new_version(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="A day before.", why="Planning")
    target = url("suggestion_take", ana, suggestion_id=suggestion.public_id)
    form = client(ana).get(target)
    assert form.status_code == 200
    assert "A day before." in page(form)
    response = client(ana).post(
        target, {"title": "Sleepovers", "text": "A day before.", "why": "Ben's idea", "base": 1}
    )
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    version = fresh(item).current_version
    assert version is not None
    assert (version.number, version.text, version.author) == (2, "A day before.", ana)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.TAKEN
    assert client(ana).get(target).status_code == 404  # answered already


def test_the_owner_declines_a_suggestion_and_its_author_reads_the_reply(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="Never mind it", why="w")
    response = client(ana).post(
        url("suggestion_decline", ana, suggestion_id=suggestion.public_id), {"reply": "Not yet, let's talk"}
    )
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reply) == (Suggestion.Status.DECLINED, "Not yet, let's talk")
    html = page(client(ben).get(url("item_detail", ana, item_id=item.public_id)))
    assert "Not yet, let&#x27;s talk" in html
    assert "Declined" in html


def test_a_suggestion_on_a_retired_boundary_cannot_be_taken(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="s", why="w")
    services.retire_boundary(owner=ana, item=item)
    target = url("suggestion_take", ana, suggestion_id=suggestion.public_id)
    assert client(ana).get(target).status_code == 404
    assert client(ana).post(target, {"title": "t", "text": "s", "why": "w", "base": 1}).status_code == 404
    assert Version.objects.filter(item=item).count() == 1


def test_proposing_a_change_to_a_value(ana: Membership, ben: Membership) -> None:
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


def test_proposing_to_retire_a_value(ana: Membership, ben: Membership) -> None:
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
    assert_fragment(changed, "Your answer")
    assert "answer-object" not in page(changed)
    assert "Say what first means" not in page(changed)
    assert Response.objects.filter(member=ben).count() == 2


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


def test_withdrawing_a_proposal(ana: Membership, ben: Membership, cy: Membership) -> None:
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


def test_the_timeline_page_lists_events(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, "Sleepovers")
    services.acknowledge(member=ben, item=item, version_number=1, answer=UNDERSTOOD)
    response = client(ben).get(url("timeline", ana))
    assert response.status_code == 200
    html = page(response)
    assert "Sleepovers" in html
    assert "answered" in html
    assert "joined the polycule" in html


# Stale edits: 409, both texts shown, nothing saved


def _conflict_shows(response: Any, *texts: str) -> str:
    assert response.status_code == 409, response.status_code
    html = page(response)
    assert "Someone changed it while you were writing" in html
    for text in texts:
        assert text in html, text
    return html


def test_a_stale_boundary_edit_shows_both_texts(ana: Membership) -> None:
    item = boundary(ana, text="First text")
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="Saved elsewhere", why="w")
    response = client(ana).post(
        url("boundary_edit", ana, item_id=item.public_id),
        {"title": "Mine", "text": "What I wrote", "why": "My why", "base": 1},
    )
    html = _conflict_shows(response, "Saved elsewhere", "What I wrote", "My why")
    assert 'name="base" value="2"' in html  # starting again from the current version
    assert Version.objects.filter(item=item).count() == 2


def test_a_stale_proposal_shows_both_texts(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben, text="First text")
    change = services.propose_change(proposer=ana, item=item, base_number=1, title="t", text="Adopted since", why="w")
    services.respond(member=ben, proposal=change, revision_number=1, answer=Answer.CONSENT)
    before = counts()
    response = client(ben).post(
        url("proposal_create", ana, item_id=item.public_id),
        {"title": "Mine", "text": "What I wrote", "why": "My why", "base": 1},
    )
    _conflict_shows(response, "Adopted since", "What I wrote")
    assert counts() == before


def test_a_stale_retirement_proposal_is_refused(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben)
    change = services.propose_change(proposer=ana, item=item, base_number=1, title="t", text="Adopted since", why="w")
    services.respond(member=ben, proposal=change, revision_number=1, answer=Answer.CONSENT)
    before = counts()
    response = client(ben).post(url("proposal_retire", ana, item_id=item.public_id), {"why": "Grown kids", "base": 1})
    _conflict_shows(response, "Adopted since", "Grown kids")
    assert counts() == before


def test_a_stale_suggestion_shows_both_texts(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="Changed since", why="w")
    response = client(ben).post(
        url("suggestion_create", ana, item_id=item.public_id), {"text": "What I suggest", "why": "My why", "base": 1}
    )
    _conflict_shows(response, "Changed since", "What I suggest")
    assert not Suggestion.objects.exists()


def test_taking_a_suggestion_against_a_stale_version_shows_both_texts(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="Ben's words", why="w")
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="Changed since", why="w")
    response = client(ana).post(
        url("suggestion_take", ana, suggestion_id=suggestion.public_id),
        {"title": "t", "text": "Ben's words, edited", "why": "w", "base": 1},
    )
    _conflict_shows(response, "Changed since", "Ben&#x27;s words, edited")
    assert Version.objects.filter(item=item).count() == 2
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.OPEN


def test_a_stale_amendment_shows_both_texts(ana: Membership, ben: Membership) -> None:
    proposal = proposed(ana)
    services.amend(proposer=ana, proposal=proposal, revision_number=1, title="t", text="Amended elsewhere", why="w")
    response = client(ana).post(
        url("proposal_amend", ana, proposal_id=proposal.public_id),
        {"title": "t", "text": "What I wrote", "why": "w", "base": 1},
    )
    _conflict_shows(response, "Amended elsewhere", "What I wrote")
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


# Forged fields never set ownership, authorship, polycule or the item


def _forged(other: Membership, other_item: Item) -> dict[str, Any]:
    assert other_item.current_version is not None
    return {
        "owner": other.pk,
        "author": other.public_id,
        "proposer": other.pk,
        "member": other.pk,
        "created_by": other.pk,
        "polycule": other.polycule.pk,
        "polycule_id": other.polycule.public_id,
        "item": other_item.pk,
        "item_id": other_item.public_id,
        "version_id": other_item.current_version.pk,
    }


@pytest.fixture
def zed() -> Membership:
    return StewardFactory(display_name="Zed")


def test_a_forged_owner_or_polycule_does_not_change_a_new_boundary(
    ana: Membership, ben: Membership, zed: Membership
) -> None:
    forged = _forged(zed, boundary(zed, "Zed's"))
    data = {**forged, "title": "Mine", "text": "t", "why": "w", "category": "other", "everyone": "1"}
    assert client(ana).post(url("item_create", ana, kind="boundary"), data).status_code == 302
    item = Item.objects.get(current_version__title="Mine")
    assert (item.owner, item.created_by, item.polycule) == (ana, ana, ana.polycule)
    assert item.current_version is not None
    assert item.current_version.author == ana


def test_a_forged_proposer_does_not_change_a_new_value(ana: Membership, ben: Membership, zed: Membership) -> None:
    forged = _forged(ben, boundary(ben))
    data = {**forged, "title": "Ours", "text": "t", "why": "w", "category": "other", "everyone": "1"}
    assert client(ana).post(url("item_create", ana, kind="value"), data).status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.proposer, proposal.item.polycule, proposal.item.created_by) == (ana, ana.polycule, ana)


def test_a_forged_version_or_author_does_not_redirect_an_edit(ana: Membership, ben: Membership) -> None:
    mine = boundary(ana, "Mine")
    other = boundary(ana, "Other")
    services.revise_boundary(owner=ana, item=other, base_number=1, title="Other", text="v2", why="w")
    forged = {**_forged(ben, fresh(other)), "version": fresh(other).current_version.pk}  # type: ignore[union-attr]
    response = client(ana).post(
        url("boundary_edit", ana, item_id=mine.public_id),
        {**forged, "title": "Mine", "text": "new", "why": "w", "base": 1},
    )
    assert response.status_code == 302
    assert Version.objects.filter(item=mine).count() == 2
    assert Version.objects.filter(item=other).count() == 2
    assert fresh(mine).current_version.author == ana  # type: ignore[union-attr]


def test_a_base_that_belongs_to_another_item_is_stale_for_this_one(ana: Membership) -> None:
    mine = boundary(ana, "Mine")
    other = boundary(ana, "Other")
    services.revise_boundary(owner=ana, item=other, base_number=1, title="Other", text="v2", why="w")
    response = client(ana).post(
        url("boundary_edit", ana, item_id=mine.public_id), {"title": "Mine", "text": "new", "why": "w", "base": 2}
    )
    assert response.status_code == 409
    assert Version.objects.filter(item=mine).count() == 1
    assert Version.objects.filter(item=other).count() == 2


def test_a_forged_member_does_not_answer_for_someone_else(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ana)
    proposal = proposed(ana)
    value = adopted(ana, ben, cy, title="Adopted")
    eve = MembershipFactory(polycule=ana.polycule, display_name="Eve")
    forged = _forged(eve, item)
    client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id), {**forged, "version": 1, "answer": "talk"}
    )
    assert list(Acknowledgment.objects.values_list("member", flat=True)) == [ben.pk]
    client(ben).post(
        url("proposal_respond", ana, proposal_id=proposal.public_id), {**forged, "revision": 1, "answer": "consent"}
    )
    assert list(Response.objects.filter(revision__proposal=proposal).values_list("member", flat=True)) == [
        ana.pk,
        ben.pk,
    ]
    dee = MembershipFactory(polycule=ana.polycule, display_name="Dee")
    client(dee).post(url("item_consent", ana, item_id=value.public_id), {**forged, "version": 1})
    assert Consent.objects.filter(member=dee).count() == 1
    assert not Acknowledgment.objects.filter(member=eve).exists()
    assert not Response.objects.filter(member=eve).exists()
    assert not Consent.objects.filter(member=eve).exists()


def test_a_forged_author_does_not_change_a_suggestion_or_proposal(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ana)
    forged = _forged(cy, item)
    client(ben).post(
        url("suggestion_create", ana, item_id=item.public_id), {**forged, "text": "s", "why": "w", "base": 1}
    )
    assert Suggestion.objects.get().author == ben
    value = adopted(ana, ben, cy)
    client(ben).post(
        url("proposal_create", ana, item_id=value.public_id),
        {**forged, "title": "t", "text": "x", "why": "w", "base": 1},
    )
    change = Proposal.objects.get(change=Proposal.Change.REVISE)
    assert (change.proposer, change.item) == (ben, value)


def test_forged_fields_do_not_move_an_amendment_or_a_taken_suggestion(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="s", why="w")
    other = boundary(ana, "Other")
    forged = _forged(cy, other)
    client(ana).post(
        url("suggestion_take", ana, suggestion_id=suggestion.public_id),
        {**forged, "title": "t", "text": "s", "why": "w", "base": 1},
    )
    assert Version.objects.filter(item=item).count() == 2
    assert Version.objects.filter(item=other).count() == 1
    assert fresh(item).current_version.author == ana  # type: ignore[union-attr]
    proposal = proposed(cy)
    client(cy).post(
        url("proposal_amend", ana, proposal_id=proposal.public_id),
        {**forged, "title": "t", "text": "amended", "why": "w", "base": 1},
    )
    proposal.refresh_from_db()
    assert proposal.proposer == cy
    assert proposal.revision.text == "amended"  # type: ignore[union-attr]


# Bad input: a 4xx with the message next to the field, and nothing saved


@dataclass
class Bad:
    name: str
    target: Callable[[Membership, dict[str, Any]], str]
    who: str  # "ana" or "ben"
    data: dict[str, Any]
    status: int = 422
    field: str | None = None  # whose error is shown next to it; None: an error at the top
    htmx: bool = False


def _world(ana: Membership, ben: Membership, cy: Membership) -> dict[str, Any]:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="s", why="w")
    value = adopted(ana, ben, cy)
    proposal = proposed(ana)
    return {"boundary": item, "suggestion": suggestion, "value": value, "proposal": proposal}


def _item_url(name: str, key: str) -> Callable[[Membership, dict[str, Any]], str]:
    return lambda me, w: url(name, me, item_id=w[key].public_id)


def _create(kind: str) -> Callable[[Membership, dict[str, Any]], str]:
    return lambda me, w: url("item_create", me, kind=kind)


def _take(me: Membership, w: dict[str, Any]) -> str:
    return url("suggestion_take", me, suggestion_id=w["suggestion"].public_id)


def _decline(me: Membership, w: dict[str, Any]) -> str:
    return url("suggestion_decline", me, suggestion_id=w["suggestion"].public_id)


def _proposal(name: str) -> Callable[[Membership, dict[str, Any]], str]:
    return lambda me, w: url(name, me, proposal_id=w["proposal"].public_id)


LONG = "x" * 5000
NEW = {"title": "t", "text": "x", "why": "w", "category": "other", "everyone": "1"}
WORDS = {"title": "t", "text": "x", "why": "w", "base": 1}
EDIT = _item_url("boundary_edit", "boundary")
ACK = _item_url("boundary_acknowledge", "boundary")
CONSENT = _item_url("item_consent", "value")
SUGGEST = _item_url("suggestion_create", "boundary")
PROPOSE = _item_url("proposal_create", "value")
RETIRE = _item_url("proposal_retire", "value")
RESPOND = _proposal("proposal_respond")
AMEND = _proposal("proposal_amend")
BAD = [
    Bad("create empty", _create("boundary"), "ana", {}, field="title"),
    Bad("create long title", _create("boundary"), "ana", {**NEW, "title": LONG}, field="title"),
    Bad("create long text", _create("value"), "ana", {**NEW, "text": LONG}, field="text"),
    Bad("create long why", _create("agreement"), "ana", {**NEW, "why": LONG}, field="why"),
    Bad("create blank title", _create("boundary"), "ana", {**NEW, "title": "   "}, field="title"),
    Bad("create null byte", _create("boundary"), "ana", {**NEW, "text": "a\x00b"}, field="text"),
    Bad("create unknown category", _create("boundary"), "ana", {**NEW, "category": "kinky"}, field="category"),
    Bad(
        "create unknown review",
        _create("boundary"),
        "ana",
        {**NEW, "review_every_days": "7"},
        field="review_every_days",
    ),
    Bad("create no audience", _create("agreement"), "ana", {**NEW, "everyone": "0"}, field="audience"),
    Bad(
        "create random audience",
        _create("boundary"),
        "ana",
        {**NEW, "everyone": "0", "audience": [str(uuid.uuid4())]},
        field="audience",
    ),
    Bad("create bad everyone", _create("boundary"), "ana", {**NEW, "everyone": "maybe"}, field="everyone"),
    Bad("create banana", _create("banana"), "ana", NEW, status=404),
    Bad("edit empty", EDIT, "ana", {}, field="title"),
    Bad("edit long title", EDIT, "ana", {**WORDS, "title": LONG}, field="title"),
    Bad("edit long text", EDIT, "ana", {**WORDS, "text": LONG}, field="text"),
    Bad("edit no why", EDIT, "ana", {**WORDS, "why": ""}, field="why"),
    Bad("edit bad base", EDIT, "ana", {**WORDS, "base": "one"}),
    Bad("edit no base", EDIT, "ana", {"title": "t", "text": "x", "why": "w"}),
    Bad("acknowledge unknown answer", ACK, "ben", {"version": 1, "answer": "maybe"}),
    Bad("acknowledge long note", ACK, "ben", {"version": 1, "answer": "talk", "note": LONG}, field="note"),
    Bad(
        "acknowledge long note htmx",
        ACK,
        "ben",
        {"version": 1, "answer": "talk", "note": LONG},
        field="note",
        htmx=True,
    ),
    Bad("acknowledge bad version", ACK, "ben", {"version": "v1", "answer": "talk"}),
    Bad("consent bad version", CONSENT, "ben", {"version": "first"}),
    Bad("suggest empty", SUGGEST, "ben", {}, field="text"),
    Bad("suggest long text", SUGGEST, "ben", {"base": 1, "text": LONG, "why": "w"}, field="text"),
    Bad("suggest long why", SUGGEST, "ben", {"base": 1, "text": "t", "why": LONG}, field="why"),
    Bad("suggest bad base", SUGGEST, "ben", {"base": "x", "text": "t", "why": "w"}),
    Bad("take empty", _take, "ana", {}, field="title"),
    Bad("take long text", _take, "ana", {**WORDS, "text": LONG}, field="text"),
    Bad("decline empty", _decline, "ana", {"reply": "  "}, field="reply"),
    Bad("decline long", _decline, "ana", {"reply": LONG}, field="reply"),
    Bad("propose empty", PROPOSE, "ben", {}, field="title"),
    Bad("propose long why", PROPOSE, "ben", {**WORDS, "why": LONG}, field="why"),
    Bad("propose bad base", PROPOSE, "ben", {**WORDS, "base": "latest"}),
    Bad("propose retire without why", RETIRE, "ben", {"base": 1}, field="why"),
    Bad("respond unknown answer", RESPOND, "ben", {"revision": 1, "answer": "veto"}, field="answer"),
    Bad(
        "respond objection without note", RESPOND, "ben", {"revision": 1, "answer": "object", "note": " "}, field="note"
    ),
    Bad(
        "respond objection without note htmx",
        RESPOND,
        "ben",
        {"revision": 1, "answer": "object"},
        field="note",
        htmx=True,
    ),
    Bad("respond long note", RESPOND, "ben", {"revision": 1, "answer": "stand_aside", "note": LONG}, field="note"),
    Bad("respond bad revision", RESPOND, "ben", {"revision": "latest", "answer": "consent"}),
    Bad("amend empty", AMEND, "ana", {}, field="title"),
    Bad("amend long title", AMEND, "ana", {**WORDS, "title": LONG}, field="title"),
    Bad("amend bad base", AMEND, "ana", {**WORDS, "base": "-"}),
]


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.name)
def test_bad_input_gets_a_4xx_with_a_message_and_saves_nothing(
    bad: Bad, ana: Membership, ben: Membership, cy: Membership
) -> None:
    world = _world(ana, ben, cy)
    me = {"ana": ana, "ben": ben}[bad.who]
    before = counts()
    response = client(me).post(bad.target(me, world), bad.data, **(HTMX if bad.htmx else {}))
    assert response.status_code == bad.status
    assert counts() == before
    if bad.status == 404:
        return
    html = page(response)
    assert ("<html" in html) != bad.htmx
    if bad.field:
        assert f'id="id_{bad.field}_error"' in html, html
    else:
        assert 'class="errors" role="alert"' in html or '<li class="error">' in html, html


def test_an_audience_from_another_polycule_is_refused(ana: Membership, ben: Membership, zed: Membership) -> None:
    data = {**NEW, "everyone": "0", "audience": [str(zed.public_id), str(ben.public_id)]}
    response = client(ana).post(url("item_create", ana, kind="boundary"), data)
    assert response.status_code == 422
    assert 'id="id_audience_error"' in page(response)
    assert not Item.objects.exists()


def test_an_oversized_request_is_refused(ana: Membership) -> None:
    response = client(ana).post(url("item_create", ana, kind="boundary"), {**NEW, "text": "x" * 3_000_000})
    assert 400 <= response.status_code < 500
    assert not Item.objects.exists()


def test_bad_input_keeps_what_the_person_wrote(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id),
        {"version": 1, "answer": "talk", "note": "Kept words " + "x" * 1000},
        **HTMX,
    )
    assert response.status_code == 422
    assert "Kept words" in page(response)


# The item list's filters


@pytest.fixture
def listed(ana: Membership, ben: Membership, cy: Membership) -> dict[str, Item]:
    items = {
        "ana-home": boundary(ana, "Ana-home-boundary", category="home"),
        "ben-talk": boundary(ben, "Ben-talk-boundary", category="communication"),
        "value": adopted(cy, ana, ben, title="Cy-family-value", category="family"),
        "agreement": adopted(ana, ben, cy, title="Ana-health-agreement", kind=Kind.AGREEMENT, category="health"),
        "due": old_boundary(ana, days=40, review_every_days=30, title="Ana-due-boundary"),
    }
    services.acknowledge(member=ben, item=items["ana-home"], version_number=1, answer=UNDERSTOOD)
    retired = boundary(ben, "Ben-retired-boundary")
    services.retire_boundary(owner=ben, item=retired)
    items["retired"] = retired
    return items


ALL_LIVE = {"Ana-home-boundary", "Ben-talk-boundary", "Cy-family-value", "Ana-health-agreement", "Ana-due-boundary"}
ALL = {*ALL_LIVE, "Ben-retired-boundary"}


def _shown(member: Membership, query: dict[str, Any]) -> set[str]:
    response = client(member).get(url("item_list", member), query)
    assert response.status_code == 200
    return {title for title in ALL if title in page(response)}


@pytest.mark.parametrize(
    ("viewer", "query", "expected"),
    [
        ("ana", {}, ALL_LIVE),
        ("ana", {"kind": "boundary"}, {"Ana-home-boundary", "Ben-talk-boundary", "Ana-due-boundary"}),
        ("ana", {"kind": "value"}, {"Cy-family-value"}),
        ("ana", {"kind": "agreement"}, {"Ana-health-agreement"}),
        ("ana", {"category": "home"}, {"Ana-home-boundary"}),
        ("ana", {"category": "family", "kind": "value"}, {"Cy-family-value"}),
        ("ana", {"category": "family", "kind": "boundary"}, set()),
        ("ana", {"person": "ana"}, {"Ana-home-boundary", "Ana-due-boundary", "Ana-health-agreement"}),
        ("ana", {"person": "ben"}, {"Ben-talk-boundary"}),
        ("ana", {"person": "cy"}, {"Cy-family-value"}),
        ("ana", {"needs": "1"}, {"Ben-talk-boundary"}),
        ("ben", {"needs": "1"}, {"Ana-due-boundary"}),  # Ben acknowledged Ana's other one
        ("cy", {"needs": "1"}, {"Ana-home-boundary", "Ben-talk-boundary", "Ana-due-boundary"}),
        ("cy", {"needs": "1", "kind": "value"}, set()),
        ("ana", {"due": "1"}, {"Ana-due-boundary"}),
        ("ana", {"retired": "1"}, {"Ben-retired-boundary"}),
        ("ana", {"retired": "1", "person": "ben"}, {"Ben-retired-boundary"}),
    ],
)
def test_each_filter_narrows_the_list(
    listed: dict[str, Item],
    ana: Membership,
    ben: Membership,
    cy: Membership,
    viewer: str,
    query: dict[str, Any],
    expected: set[str],
) -> None:
    people = {"ana": ana, "ben": ben, "cy": cy}
    if "person" in query:
        query = {**query, "person": people[query["person"]].public_id}
    assert _shown(people[viewer], query) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "banana"},
        {"category": "<script>"},
        {"person": "not-a-uuid"},
        {"person": str(uuid.uuid4())},
        {"needs": "yes", "due": "2", "retired": "x"},
        {"person": "{" + "0" * 32 + "}"},
    ],
)
def test_junk_filters_are_ignored(listed: dict[str, Item], ana: Membership, query: dict[str, Any]) -> None:
    assert _shown(ana, query) == ALL_LIVE


def test_someone_else_s_polycule_member_is_not_a_person_filter(
    listed: dict[str, Item], ana: Membership, zed: Membership
) -> None:
    assert _shown(ana, {"person": zed.public_id}) == ALL_LIVE


# The timeline's filters and pages


def test_the_timeline_filters_by_kind_person_and_item(ana: Membership, ben: Membership) -> None:
    first = boundary(ana, "First-boundary")
    second = boundary(ben, "Second-boundary")
    services.acknowledge(member=ben, item=first, version_number=1, answer=UNDERSTOOD)
    ben_client = client(ben)
    target = url("timeline", ana)
    members = page(ben_client.get(target, {"kind": "members"}))
    assert "joined the polycule" in members
    assert "First-boundary" not in members
    answers = page(ben_client.get(target, {"kind": "answers"}))
    assert "answered" in answers
    assert "Second-boundary" not in answers
    by_ben = page(ben_client.get(target, {"person": ben.public_id}))
    assert "Second-boundary" in by_ben
    assert "First-boundary" in by_ben  # Ben answered it
    assert "Ana</strong>" not in by_ben
    of_second = page(ben_client.get(target, {"item": second.public_id}))
    assert "Second-boundary" in of_second
    assert "First-boundary" not in of_second
    assert "joined the polycule" not in of_second


@pytest.mark.parametrize(
    "query", [{"kind": "nonsense"}, {"person": "x"}, {"item": "x"}, {"item": str(uuid.uuid4())}, {"page": "x"}]
)
def test_junk_timeline_filters_are_ignored(ana: Membership, query: dict[str, Any]) -> None:
    boundary(ana, "Only-boundary")
    response = client(ana).get(url("timeline", ana), query)
    assert response.status_code == 200
    assert "Only-boundary" in page(response)


def test_the_timeline_pages_from_newest_to_oldest(ana: Membership) -> None:
    for n in range(35):
        boundary(ana, f"Boundary-{n:02d}-end")
    target = url("timeline", ana)
    first = page(client(ana).get(target))
    assert "Boundary-34-end" in first
    assert "Boundary-05-end" in first
    assert "Boundary-04-end" not in first
    assert "page=2" in first
    second = page(client(ana).get(target, {"page": 2}))
    assert "Boundary-04-end" in second
    assert "Boundary-00-end" in second
    assert "Boundary-05-end" not in second
    assert "joined the polycule" in second
    assert "page=1" in second
    for junk in ("junk", "-5", "0", "2.5", "9" * 25, "9" * 5000):
        response = client(ana).get(target, {"page": junk})
        assert response.status_code == 200, junk


def test_the_timeline_keeps_filters_across_pages(ana: Membership, ben: Membership) -> None:
    for n in range(31):
        boundary(ana, f"B-{n:02d}")
    html = page(client(ana).get(url("timeline", ana), {"kind": "items", "person": ana.public_id}))
    assert f"kind=items&amp;person={ana.public_id}&amp;page=2" in html


# The dashboard, across polycules


def test_the_dashboard_lists_what_needs_the_member_in_every_polycule(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    boundary(ana, "Ana-boundary-to-read")
    proposed(cy, "Cy-proposal-to-answer")
    old_boundary(ana, days=40, review_every_days=30, title="Ana-due-boundary")
    mine = boundary(ben, "Ben-own-boundary")
    services.suggest_change(author=cy, item=mine, base_number=1, text="Softer", why="w")
    # In a second polycule, Ben is a newcomer to what Zed and Yan set before him.
    zed = StewardFactory(display_name="Zed")
    yan = MembershipFactory(polycule=zed.polycule, display_name="Yan")
    adopted(zed, yan, title="Zed-value-before-Ben")
    boundary(zed, "Zed-boundary-before-Ben")
    also_ben = MembershipFactory(polycule=zed.polycule, user=ben.user, display_name="Benji")
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


# Onboarding after an invitation


def test_a_newcomer_lands_on_onboarding_and_works_through_it(ana: Membership, ben: Membership) -> None:
    own = boundary(ana, "Ana-sleepovers")
    value = adopted(ana, ben, title="Kids-first")
    invitation = InvitationFactory(invited_by=ana, email="dee@example.com")
    dee_client = client_for(UserFactory(email="dee@example.com"))
    assert dee_client.get(f"/invitations/{token(invitation)}/").status_code == 302
    accepted = dee_client.post(reverse("relationships:invitation_accept"), {"display_name": "Dee"})
    assert accepted["Location"] == reverse("home:onboarding", args=[ana.polycule.public_id])
    html = page(dee_client.get(accepted["Location"]))
    assert "Ana-sleepovers" in html
    assert "Kids-first" in html
    assert "Not yet acknowledged by you" in html
    assert "Not yet consented by you" in html
    dee = Membership.objects.get(display_name="Dee")
    assert (
        dee_client.post(
            url("boundary_acknowledge", ana, item_id=own.public_id), {"version": 1, "answer": "understood"}
        ).status_code
        == 302
    )
    html = page(dee_client.get(reverse("home:onboarding", args=[ana.polycule.public_id])))
    assert "Ana-sleepovers" not in html
    assert "Not yet consented by you" in html
    dee_client.post(url("item_consent", ana, item_id=value.public_id), {"version": 1, "next": "welcome"})
    html = page(dee_client.get(reverse("home:onboarding", args=[ana.polycule.public_id])))
    assert "Kids-first" not in html
    assert "Nothing is waiting for you." in html
    assert Consent.objects.filter(member=dee).count() == 1


def test_onboarding_leaves_out_items_the_newcomer_may_not_see(ana: Membership, ben: Membership) -> None:
    boundary(ana, "Only-for-Ben", everyone=False, audience=[ben.public_id])
    dee = MembershipFactory(polycule=ana.polycule, joined_at=timezone.now() + timedelta(seconds=1))
    html = page(client(dee).get(reverse("home:onboarding", args=[ana.polycule.public_id])))
    assert "Only-for-Ben" not in html
    assert "Nothing is waiting for you." in html
