"""The reveal rule with real threads on PostgreSQL: the last two answers arriving at once reveal
the round exactly once and open exactly one discussion; an answer racing a withdrawal or the
asker's reveal ends in one consistent state."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from conversations.models import Discussion, Round, RoundAnswer
from conversations.services import discussions
from conversations.services import rounds as services
from relationships.models import Membership
from tests.conftest import client_for
from tests.values.test_concurrency import race

from .routes_rounds import HTMX, ask, fresh, past_deadline, url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL row locks and real concurrent connections: run with DATABASE_URL=postgres://...",
    ),
]


def _answer(member: Membership, round: Round, text: str) -> Callable[[], RoundAnswer]:
    return lambda: services.answer(member=member, round=round, text=text)


def _count_openings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the calls that open a round's discussion, which only a reveal makes."""
    calls: list[int] = []
    real = discussions.open_for_round

    def counted(**kwargs: Any) -> Discussion:
        calls.append(kwargs["round"].pk)
        return real(**kwargs)

    monkeypatch.setattr(discussions, "open_for_round", counted)
    return calls


def test_the_last_two_answers_at_once_reveal_exactly_once(
    ana: Membership, ben: Membership, cy: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    round = ask(ana, ben, cy)
    services.answer(member=ana, round=round, text="Ana's")
    openings = _count_openings(monkeypatch)
    results = race(_answer(ben, round, "Ben's"), _answer(cy, round, "Cy's"))
    assert all(isinstance(r, RoundAnswer) for r in results), results
    assert fresh(round).revealed_at is not None
    assert openings == [round.pk]
    assert Discussion.objects.filter(round=round).count() == 1
    assert RoundAnswer.objects.filter(round=round).count() == 3


def test_the_last_two_answers_posted_at_once_both_succeed_and_reveal_once(
    ana: Membership, ben: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    round = ask(ana, ben)
    openings = _count_openings(monkeypatch)
    first, second = client_for(ana), client_for(ben)

    def post(who: Any, text: str) -> Callable[[], Any]:
        return lambda: who.post(url("round_answer", round), {"text": text}, **HTMX)

    results = race(post(first, "Ana's"), post(second, "Ben's"))
    assert [r.status_code for r in results] == [200, 200], results
    # Whoever came second saw every answer in the fragment that answered them.
    assert any(b"Everyone's answers" in r.content for r in results)
    assert openings == [round.pk]
    assert Discussion.objects.filter(round=round).count() == 1


def test_a_double_clicked_last_answer_makes_one_answer_and_one_reveal(
    ana: Membership, ben: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    round = ask(ana, ben)
    services.answer(member=ana, round=round, text="Ana's")
    openings = _count_openings(monkeypatch)
    results = race(_answer(ben, round, "Ben's"), _answer(ben, round, "Ben's"))
    assert sum(isinstance(r, RoundAnswer) for r in results) == 1, results
    refused = next(r for r in results if not isinstance(r, RoundAnswer))
    assert isinstance(refused, services.RuleError)
    assert refused.message == "The answers are already revealed, so they can no longer change."
    assert RoundAnswer.objects.filter(member=ben).count() == 1
    assert openings == [round.pk]


def test_a_withdrawal_racing_the_last_answer_either_comes_first_or_is_refused(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ana, round=round, text="Ana's")

    def withdraw() -> None:
        services.withdraw(member=ana, round=round)

    withdrawn, answered = race(withdraw, _answer(ben, round, "Ben's"))
    assert isinstance(answered, RoundAnswer), answered
    round = fresh(round)
    if withdrawn is None:  # the withdrawal came first: Ben's answer is not the last one
        assert round.revealed_at is None
        assert list(RoundAnswer.objects.values_list("member", flat=True)) == [ben.pk]
    else:  # Ben's answer came first and revealed both: Ana's is frozen
        assert isinstance(withdrawn, services.RuleError), withdrawn
        assert round.revealed_at is not None
        assert RoundAnswer.objects.count() == 2


def test_the_askers_reveal_racing_the_last_answer_reveals_once(
    ana: Membership, ben: Membership, cy: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    round = ask(ana, ben, cy, deadline=timezone.now() + timedelta(days=1))
    services.answer(member=ana, round=round, text="Ana's")
    services.answer(member=ben, round=round, text="Ben's")
    past_deadline(round)
    openings = _count_openings(monkeypatch)

    def reveal() -> Round:
        return services.reveal(by=ana, round=round)

    revealed, answered = race(reveal, _answer(cy, round, "Cy's"))
    assert openings == [round.pk]
    assert fresh(round).revealed_at is not None
    # Either Cy's answer came in time (and revealed), or the reveal came first and froze the round.
    if isinstance(answered, RoundAnswer):
        assert isinstance(revealed, services.RuleError), revealed
    else:
        assert isinstance(answered, services.RuleError), answered
        assert isinstance(revealed, Round), revealed
    assert Discussion.objects.filter(round=round).count() == 1
