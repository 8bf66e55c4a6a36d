"""Promise 20, with real threads on PostgreSQL: two people acting on the same thing at
once. One wins, the other is told (409 with both texts), nothing is lost or doubled."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from relationships.models import Membership
from tests.conftest import client_for
from values import selectors, services
from values.models import Acknowledgment, Consent, Event, Item, Proposal, Suggestion, Version

from .build import Answer, adopted, boundary, current, fresh, proposed, url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL row locks and real concurrent connections: run with DATABASE_URL=postgres://...",
    ),
]


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Runs the actions in threads released at the same moment; each one's result or exception."""
    barrier = threading.Barrier(len(actions), timeout=10)
    results: list[Any] = [None] * len(actions)

    def run(n: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[n] = action()
        except Exception as exc:  # the loser's refusal is a result to check
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, action)) for n, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (a deadlock?)"
    return results


def _revise(owner: Membership, item: Item, text: str) -> Callable[[], Version]:
    return lambda: services.revise_boundary(owner=owner, item=item, base_number=1, title="t", text=text, why="w")


def test_two_edits_from_the_same_version_one_wins_the_other_is_stale(ana: Membership) -> None:
    item = boundary(ana, text="First")
    results = race(_revise(ana, item, "From the phone"), _revise(ana, item, "From the laptop"))
    winners = [r for r in results if isinstance(r, Version)]
    losers = [r for r in results if isinstance(r, services.Stale)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert Version.objects.filter(item=item).count() == 2
    current = fresh(item).current_version
    assert current == winners[0]
    assert current is not None
    assert current.number == 2
    # The loser is shown what won, to start again from it.
    assert losers[0].current == current
    assert losers[0].current.text in {"From the phone", "From the laptop"}


def test_two_edits_posted_at_once_one_redirects_the_other_gets_a_409_with_both_texts(ana: Membership) -> None:
    item = boundary(ana, text="First")
    target = url("boundary_edit", ana, item_id=item.public_id)
    phone, laptop = client_for(ana), client_for(ana)  # two separate sessions

    def post(who: Any, text: str) -> Callable[[], Any]:
        return lambda: who.post(target, {"title": "t", "text": text, "why": f"why {text}", "base": 1})

    results = race(post(phone, "From the phone"), post(laptop, "From the laptop"))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [302, 409], results
    loser = next(r for r in results if r.status_code == 409)
    saved = fresh(item).current_version
    assert saved is not None
    assert saved.number == 2
    page = loser.content.decode()
    lost_text = ({"From the phone", "From the laptop"} - {saved.text}).pop()
    assert saved.text in page
    assert lost_text in page  # the loser's words, kept to send again
    assert f"why {lost_text}" in page
    assert 'name="base" value="2"' in page
    assert Version.objects.filter(item=item).count() == 2


def test_the_last_two_answers_at_once_adopt_a_proposal_exactly_once(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(cy)

    def consent(member: Membership) -> Callable[[], services.Answered]:
        return lambda: services.respond(member=member, proposal=proposal, revision_number=1, answer=Answer.CONSENT)

    results = race(consent(ana), consent(ben))
    assert all(isinstance(r, services.Answered) for r in results), results
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADOPTED
    assert Version.objects.filter(item_id=proposal.item_id).count() == 1
    assert Event.objects.filter(proposal=proposal, kind=Event.Kind.PROPOSAL_ADOPTED).count() == 1
    assert set(Consent.objects.values_list("member__display_name", flat=True)) == {"Ana", "Ben", "Cy"}


def test_the_last_answers_to_a_change_at_once_make_one_new_version(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = adopted(ana, ben, cy)
    change = services.propose_change(proposer=cy, item=item, base_number=1, title="t", text="v2", why="w")

    def consent(member: Membership) -> Callable[[], services.Answered]:
        return lambda: services.respond(member=member, proposal=change, revision_number=1, answer=Answer.CONSENT)

    race(consent(ana), consent(ben))
    assert list(Version.objects.filter(item=item).values_list("number", flat=True)) == [1, 2]
    assert current(fresh(item)).text == "v2"


def test_two_changes_adopted_at_once_make_one_new_version_and_leave_the_other_open(
    ana: Membership, ben: Membership
) -> None:
    item = adopted(ana, ben)
    first = services.propose_change(proposer=ana, item=item, base_number=1, title="t", text="First change", why="w")
    second = services.propose_change(proposer=ana, item=item, base_number=1, title="t", text="Second change", why="w")

    def consent(proposal: Proposal) -> Callable[[], services.Answered]:
        return lambda: services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.CONSENT)

    results = race(consent(first), consent(second))
    assert all(isinstance(r, services.Answered) for r in results), results
    assert list(Version.objects.filter(item=item).values_list("number", flat=True)) == [1, 2]
    statuses = sorted(Proposal.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True))
    assert statuses == [Proposal.Status.ADOPTED, Proposal.Status.OPEN]


def test_two_acknowledgments_of_one_version_at_once_make_one_row(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)

    def acknowledge() -> Acknowledgment:
        answer = Acknowledgment.Answer.UNDERSTOOD
        return services.acknowledge(member=ben, item=item, version_number=1, answer=answer)

    results = race(acknowledge, acknowledge)
    assert sum(isinstance(r, Acknowledgment) for r in results) == 1, results
    refused = next(r for r in results if not isinstance(r, Acknowledgment))
    assert isinstance(refused, services.RuleError)
    assert refused.message == "You have already answered this version."
    assert Acknowledgment.objects.filter(member=ben).count() == 1


def test_a_double_clicked_acknowledgment_makes_one_row_and_no_error_page(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    target = url("boundary_acknowledge", ana, item_id=item.public_id)
    first, second = client_for(ben), client_for(ben)

    def post(who: Any) -> Callable[[], Any]:
        return lambda: who.post(target, {"version": 1, "answer": "understood"}, HTTP_HX_REQUEST="true")

    results = race(post(first), post(second))
    assert sorted(r.status_code for r in results) == [200, 409], results
    assert Acknowledgment.objects.filter(member=ben).count() == 1


def test_a_suggestion_taken_twice_at_once_makes_one_version(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="Softer", why="w")

    def take() -> Version:
        return services.take_suggestion(
            owner=ana, suggestion=suggestion, base_number=1, title="t", text="Softer", why="w"
        )

    results = race(take, take)
    assert sum(isinstance(r, Version) for r in results) == 1, results
    assert Version.objects.filter(item=item).count() == 2
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.TAKEN


def test_an_answer_while_the_proposal_is_amended_is_either_counted_or_stale(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(cy, text="First wording")

    def amend() -> Any:
        return services.amend(proposer=cy, proposal=proposal, revision_number=1, title="t", text="Clearer", why="w")

    def answer() -> Any:
        return services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.CONSENT)

    revision, response = race(amend, answer)
    assert revision.number == 2, revision
    assert isinstance(response, services.Answered | services.Stale), response
    if isinstance(response, services.Stale):
        assert response.current is not None
        assert response.current.text == "Clearer"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    assert {m.display_name for m in selectors.waiting_on(proposal)} == {"Ana", "Ben"}
