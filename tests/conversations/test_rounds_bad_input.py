"""What a person should never be able to send to the what-if views: bad input gets a clear 4xx
with the message beside it, forged fields set nothing, and nothing is ever half saved."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.models import Comment, Discussion, Round, RoundAnswer, RoundParticipant
from conversations.services import rounds as services
from relationships.models import Membership
from tests.conftest import client_for
from tests.factories import MembershipFactory

from .routes_rounds import HTMX, ask, fresh, past_deadline, url


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Round, RoundParticipant, RoundAnswer, Discussion)}


def _create(me: Membership, data: dict[str, Any]) -> Any:
    return client_for(me).post(reverse("conversations:round_create", args=[me.polycule.public_id]), data)


# Asking


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a prompt from the library, or write your own."),
        ({"prompt": "   "}, "Choose a prompt from the library, or write your own."),
        ({"prompt": "x" * 501}, "Keep it under 500 characters, please."),
        ({"prompt_key": "gossip-time"}, "That prompt isn&#x27;t in the library."),
        ({"prompt_key": "distance-move", "prompt": "Mine too"}, "keep just one"),
        ({"prompt_key": "distance-move", "deadline_days": "9999"}, "Select a valid choice."),
    ],
)
def test_a_round_with_bad_words_is_sent_back_with_why(
    ana: Membership, ben: Membership, data: dict[str, Any], message: str
) -> None:
    response = _create(ana, {"participants": [ben.public_id], **data})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _counts() == {"Round": 0, "RoundParticipant": 0, "RoundAnswer": 0, "Discussion": 0}


def test_a_round_needs_someone_to_ask(ana: Membership) -> None:
    response = _create(ana, {"prompt_key": "distance-move"})
    assert response.status_code == 422
    assert "Choose at least one person to ask." in response.content.decode()
    response = _create(ana, {"prompt_key": "distance-move", "participants": [ana.public_id]})
    assert response.status_code == 422
    assert "Choose at least one other person to ask." in response.content.decode()
    assert not Round.objects.exists()


@pytest.mark.parametrize("who", ["zed", "dee", "nobody"])
def test_a_forged_participant_from_elsewhere_is_refused_and_nothing_is_saved(
    ana: Membership, ben: Membership, dee: Membership, zed: Membership, who: str
) -> None:
    forged = {"zed": zed.public_id, "dee": dee.public_id, "nobody": "not-a-member"}[who]
    response = _create(ana, {"prompt_key": "distance-move", "participants": [ben.public_id, forged]})
    assert response.status_code == 422
    assert "Choose people who are in this polycule." in response.content.decode()
    assert _counts()["Round"] == 0
    assert _counts()["RoundParticipant"] == 0


def test_forged_asker_or_polycule_fields_are_ignored(ana: Membership, ben: Membership, zed: Membership) -> None:
    forged = {"asker": zed.pk, "polycule": zed.polycule.pk, "polycule_id": zed.polycule.public_id, "theme": "x"}
    response = _create(ana, {**forged, "prompt_key": "distance-move", "participants": [ben.public_id]})
    assert response.status_code == 302
    round = Round.objects.get()
    assert (round.asker, round.polycule, round.theme) == (ana, ana.polycule, "distance")


def test_a_double_submitted_round_is_asked_once(ana: Membership, ben: Membership) -> None:
    data = {"prompt_key": "distance-move", "participants": [ben.public_id]}
    assert _create(ana, data).status_code == 302
    again = _create(ana, data)
    assert again.status_code == 422
    assert "You&#x27;ve just asked this" in again.content.decode()
    assert Round.objects.count() == 1
    assert RoundParticipant.objects.count() == 2


# Answering


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write your answer first."), ("  \n ", "Write your answer first."), ("x" * 2001, "under 2000 characters")],
)
@pytest.mark.parametrize("headers", [{}, HTMX])
def test_an_empty_or_oversized_answer_is_sent_back_and_nothing_saved(
    ana: Membership, ben: Membership, text: str, message: str, headers: dict[str, Any]
) -> None:
    round = ask(ana, ben)
    response = client_for(ben).post(url("round_answer", round), {"text": text}, **headers)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not RoundAnswer.objects.exists()


def test_an_oversized_change_keeps_the_sealed_answer_as_it_was(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ben, round=round, text="As it was")
    response = client_for(ben).post(url("round_answer", round), {"text": "y" * 2001}, **HTMX)
    assert response.status_code == 422
    assert RoundAnswer.objects.get().text == "As it was"


def test_an_answer_after_the_reveal_is_refused_with_a_409(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ana, round=round, text="Ana first")
    services.answer(member=ben, round=round, text="Ben first")
    for headers in ({}, HTMX):
        response = client_for(ben).post(url("round_answer", round), {"text": "Rewritten"}, **headers)
        assert response.status_code == 409
        assert "The answers are already revealed" in response.content.decode()
        response = client_for(ben).post(url("round_withdraw", round), **headers)
        assert response.status_code == 409
    assert sorted(RoundAnswer.objects.values_list("text", flat=True)) == ["Ana first", "Ben first"]


def test_a_double_submitted_last_answer_reveals_once_and_refuses_the_second(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ana, round=round, text="a")
    client = client_for(ben)
    assert client.post(url("round_answer", round), {"text": "b"}, **HTMX).status_code == 200
    assert client.post(url("round_answer", round), {"text": "b"}, **HTMX).status_code == 409
    assert RoundAnswer.objects.filter(member=ben).count() == 1
    assert Discussion.objects.filter(round=round).count() == 1


def test_a_double_submitted_answer_before_the_reveal_stays_one_answer(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    client = client_for(ben)
    for _ in range(2):
        assert client.post(url("round_answer", round), {"text": "Once"}).status_code == 302
    assert list(RoundAnswer.objects.values_list("member", "text")) == [(ben.pk, "Once")]


def test_a_double_submitted_withdrawal_is_told_there_is_nothing_left(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ben, round=round, text="b")
    client = client_for(ben)
    assert client.post(url("round_withdraw", round), **HTMX).status_code == 200
    second = client.post(url("round_withdraw", round), **HTMX)
    assert second.status_code == 409
    assert "You have no answer here to withdraw." in second.content.decode()


def test_forged_member_or_round_fields_do_not_answer_for_someone_else(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    other = ask(ana, cy, prompt="Another")
    forged = {"member": cy.pk, "member_id": cy.public_id, "round": other.pk, "round_id": other.public_id}
    assert client_for(ben).post(url("round_answer", round), {**forged, "text": "Mine"}).status_code == 302
    assert list(RoundAnswer.objects.values_list("round", "member")) == [(round.pk, ben.pk)]


def test_someone_not_asked_cannot_reach_the_round_at_all(ana: Membership, ben: Membership, cy: Membership) -> None:
    round = ask(ana, ben)
    client = client_for(cy)
    assert client.get(url("round_detail", round)).status_code == 404
    assert client.post(url("round_answer", round), {"text": "Me too"}).status_code == 404
    assert client.post(url("round_reveal", round)).status_code == 404
    assert not RoundAnswer.objects.exists()


def test_a_round_of_another_polycule_is_404_through_ones_own(ana: Membership, ben: Membership, zed: Membership) -> None:
    theirs = ask(zed, MembershipFactory.create(polycule=zed.polycule))
    forged = reverse("conversations:round_answer", args=[ana.polycule.public_id, theirs.public_id])
    assert client_for(ana).post(forged, {"text": "Hi"}).status_code == 404
    assert not RoundAnswer.objects.exists()


# Revealing


def test_a_reveal_before_the_deadline_by_the_asker_is_refused(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben, deadline=timezone.now() + timedelta(days=1))
    for headers in ({}, HTMX):
        response = client_for(ana).post(url("round_reveal", round), **headers)
        assert response.status_code == 409
        assert "once the deadline has passed" in response.content.decode()
    assert fresh(round).revealed_at is None
    assert not Discussion.objects.exists()


def test_a_reveal_by_someone_else_is_refused(ana: Membership, ben: Membership) -> None:
    round = past_deadline(ask(ana, ben, deadline=timezone.now() + timedelta(days=1)))
    services.answer(member=ben, round=round, text="SEALED words")
    for headers in ({}, HTMX):
        response = client_for(ben).post(url("round_reveal", round), **headers)
        assert response.status_code == 403
        html = response.content.decode()
        assert "Only Ana, who asked, can reveal the answers early." in html
    assert fresh(round).revealed_at is None


def test_a_double_submitted_reveal_is_told_it_is_done(ana: Membership, ben: Membership) -> None:
    round = past_deadline(ask(ana, ben, deadline=timezone.now() + timedelta(days=1)))
    client = client_for(ana)
    assert client.post(url("round_reveal", round), **HTMX).status_code == 200
    second = client.post(url("round_reveal", round), **HTMX)
    assert second.status_code == 409
    assert "The answers are already revealed." in second.content.decode()
    assert Discussion.objects.count() == 1


# Commenting


@pytest.mark.parametrize(("text", "status"), [("", 422), ("x" * 2001, 422)])
def test_an_empty_or_oversized_comment_is_sent_back(ana: Membership, ben: Membership, text: str, status: int) -> None:
    round = ask(ana, ben)
    services.answer(member=ana, round=round, text="a")
    services.answer(member=ben, round=round, text="b")
    for headers in ({}, HTMX):
        response = client_for(ben).post(url("round_comment", round), {"text": text}, **headers)
        assert response.status_code == status
        assert 'class="errors"' in response.content.decode()
    assert not Comment.objects.exists()


def test_a_double_submitted_comment_is_written_once(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ana, round=round, text="a")
    services.answer(member=ben, round=round, text="b")
    client = client_for(ben)
    assert client.post(url("round_comment", round), {"text": "Once"}, **HTMX).status_code == 200
    assert client.post(url("round_comment", round), {"text": "Once"}, **HTMX).status_code == 409
    assert Comment.objects.count() == 1
