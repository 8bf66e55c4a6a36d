"""What an in-place action says it did: a what-if round's answer, withdrawal and reveal, a
check-in's note and an action marked done. The fragment carries the words the page without
JavaScript shows as a message (static/js/announce.js reads them into the live region); a plain
look at the page carries none of them."""

import re
from datetime import timedelta

from django.utils import timezone

from conversations.services import checkins
from conversations.services import rounds as services
from relationships.models import Membership
from tests.values.build import HTMX, assert_fragment, client, page

from .routes_rounds import ask, past_deadline, url
from .test_checkins_views import sunday
from .test_checkins_views import url as checkin_url

SEALED = "Your answer is sealed. Nobody can read it until everyone has answered."
WITHDRAWN = "Your answer is withdrawn. You can answer again whenever you like."
REVEALED = "The answers are open: here they all are."


def said(html: str) -> list[str]:
    """The words of each status message in a fragment."""
    return [" ".join(words.split()) for words in re.findall(r'<p class="done" role="status">(.*?)</p>', html, re.S)]


# A what-if round


def test_answering_a_round_in_place_says_the_answer_is_sealed(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    response = client(ben).post(url("round_answer", round), {"text": "Slowly, with care"}, **HTMX)
    assert_fragment(response, 'id="round-panel"')
    assert said(page(response)) == [SEALED]
    assert SEALED not in page(client(ben).get(url("round_detail", round)))


def test_withdrawing_in_place_says_the_answer_is_withdrawn(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ben, round=round, text="Hasty")
    response = client(ben).post(url("round_withdraw", round), **HTMX)
    assert_fragment(response, 'id="round-panel"', "Seal my answer")
    assert said(page(response)) == [WITHDRAWN]


def test_the_last_answer_in_place_says_the_answers_are_open(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ben, round=round, text="The view of Ben")
    response = client(ana).post(url("round_answer", round), {"text": "The view of Ana"}, **HTMX)
    assert_fragment(response, "Everyone's answers", "The view of Ben")
    assert said(page(response)) == [REVEALED]


def test_the_reveal_in_place_says_the_answers_are_open(ana: Membership, ben: Membership, cy: Membership) -> None:
    round = ask(ana, ben, cy, deadline=timezone.now() + timedelta(days=1))
    services.answer(member=ben, round=round, text="The view of Ben")
    past_deadline(round)
    response = client(ana).post(url("round_reveal", round), **HTMX)
    assert_fragment(response, "Everyone's answers", "The view of Ben")
    assert said(page(response)) == [REVEALED]
    assert REVEALED not in page(client(ana).get(url("round_detail", round)))


def test_a_refused_round_action_says_why_and_nothing_done(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    response = client(ben).post(url("round_withdraw", round), **HTMX)  # nothing to withdraw
    assert response.status_code == 409
    assert 'role="alert"' in page(response)
    assert said(page(response)) == []


# A check-in


def test_a_note_in_place_says_it_is_added(ana: Membership, ben: Membership) -> None:
    topic = checkins.add_topic(member=ana, checkin=sunday(ana), title="Holidays")
    response = client(ben).post(checkin_url("note_create", ben, topic_id=topic.public_id), {"text": "August?"}, **HTMX)
    assert_fragment(response, f'id="topic-{topic.public_id}"', "August?")
    assert said(page(response)) == ["Your note is added."]
    assert "Your note is added." not in page(client(ben).get(topic.checkin.get_absolute_url()))
    empty = client(ben).post(checkin_url("note_create", ben, topic_id=topic.public_id), {"text": " "}, **HTMX)
    assert empty.status_code == 422
    assert said(page(empty)) == []


def test_an_action_marked_done_in_place_says_thank_you(ana: Membership, ben: Membership) -> None:
    action = checkins.agree_action(member=ana, checkin=sunday(ana), owner=ben, text="Book the cabin")
    response = client(ben).post(checkin_url("action_done", ben, action_id=action.public_id), **HTMX)
    assert_fragment(response, f'id="action-{action.public_id}"', "Done <time")
    assert said(page(response)) == ["Marked done. Thank you for following through."]
    shown = page(client(ben).get(action.checkin.get_absolute_url()))
    assert "Thank you for following through" not in shown
    again = client(ben).post(checkin_url("action_done", ben, action_id=action.public_id), **HTMX)
    assert again.status_code == 409
    assert said(page(again)) == []
