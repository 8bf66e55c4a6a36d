"""The what-if pages: asking from the library or in one's own words, answering in place,
withdrawing, the reveal, and the talk under it, with and without htmx."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from conversations.models import Comment, Round, RoundAnswer
from conversations.prompts.whatif import BY_KEY, PROMPTS, Theme
from conversations.selectors import rounds as selectors
from conversations.services import rounds as services
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.conftest import client_for

from .routes_rounds import HTMX, ask, fresh, past_deadline, url


def _create_url(me: Membership) -> str:
    return reverse("conversations:round_create", args=[me.polycule.public_id])


def _seen(round: Round, member: Membership) -> bool:
    """The member has read the revealed answers: revealed them, or opened the round since."""
    assert fresh(round).revealed_at is not None
    return round not in selectors.revealed_unseen(member)


# Asking


def test_the_ask_page_offers_the_whole_library_grouped_by_theme_and_the_others_to_ask(
    ana: Membership, ben: Membership, cy: Membership, dee: Membership
) -> None:
    html = client_for(ana).get(_create_url(ana)).content.decode()
    for theme in Theme:
        assert f"<summary>{theme.label}</summary>" in html
    assert html.count('type="radio" name="prompt_key"') == len(PROMPTS) + 1
    for p in PROMPTS:
        assert p.text.replace("'", "&#x27;") in html
    assert "Ben" in html
    assert "Cy" in html
    assert "Dee" not in html  # left
    assert f'value="{ana.public_id}"' not in html  # the asker takes part anyway


def test_a_prompt_from_the_library_can_be_chosen_by_link(ana: Membership, ben: Membership) -> None:
    html = client_for(ana).get(_create_url(ana) + "?prompt=endings-pause").content.decode()
    assert 'value="endings-pause" checked' in html
    assert "<details open>\n        <summary>Endings</summary>" in html


def test_asking_from_the_library_opens_the_round_and_goes_to_it(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    client = client_for(ana)
    data = {"prompt_key": "family-holidays", "participants": [ben.public_id], "deadline_days": "3"}
    response = client.post(_create_url(ana), data)
    round = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == round.get_absolute_url()
    assert (round.prompt, round.theme, round.asker) == (BY_KEY["family-holidays"].text, "family", ana)
    assert round.audience() == [ana, ben]
    assert round.deadline is not None
    assert timedelta(days=2, hours=23) < round.deadline - timezone.now() <= timedelta(days=3)
    page = client.get(response["Location"]).content.decode()
    assert "Your what-if is out." in page
    assert "Children and family" in page


def test_asking_in_ones_own_words_with_no_deadline(ana: Membership, ben: Membership, cy: Membership) -> None:
    data = {"prompt": "What if we all went camping for a week?", "participants": [ben.public_id, cy.public_id]}
    assert client_for(ana).post(_create_url(ana), data).status_code == 302
    round = Round.objects.get()
    assert (round.prompt, round.theme, round.deadline) == ("What if we all went camping for a week?", "", None)
    assert round.audience() == [ana, ben, cy]


# The round before the reveal


def test_the_round_shows_who_has_answered_never_what(ana: Membership, ben: Membership, cy: Membership) -> None:
    round = ask(ana, ben, cy, prompt="What if we lived apart?")
    services.answer(member=ben, round=round, text="Private thoughts of Ben")
    html = client_for(ana).get(url("round_detail", round)).content.decode()
    assert "What if we lived apart?" in html
    assert "Private thoughts of Ben" not in html
    assert '<strong>Ben</strong>\n          <span class="badge">answered</span>' in html
    assert '<strong>Cy</strong>\n          <span class="meta">hasn\'t answered yet</span>' in html
    # Ana's own place is hers, in her words.
    assert '<strong>You</strong>\n          <span class="meta">haven\'t answered yet</span>' in html
    assert "Seal my answer" in html
    assert "Withdraw my answer" not in html
    mine = client_for(ben).get(url("round_detail", round)).content.decode()
    assert "Private thoughts of Ben" in mine
    assert "Save my change" in mine
    assert "Withdraw my answer" in mine


def test_answering_in_place_returns_the_panel_with_ones_answer_sealed(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    response = client_for(ben).post(url("round_answer", round), {"text": "Slowly, with care"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="round-panel"')
    assert "Slowly, with care" in html  # Ben's own, in his form
    assert RoundAnswer.objects.get().text == "Slowly, with care"


def test_answering_without_javascript_redirects_with_a_word(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    client = client_for(ben)
    response = client.post(url("round_answer", round), {"text": "Mine"}, follow=True)
    assert response.redirect_chain == [(round.get_absolute_url(), 302)]
    assert "Your answer is sealed." in response.content.decode()


def test_withdrawing_takes_the_answer_back(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ben, round=round, text="Hasty")
    response = client_for(ben).post(url("round_withdraw", round), **HTMX)
    assert response.status_code == 200
    assert "Hasty" not in response.content.decode()
    assert not RoundAnswer.objects.exists()
    plain = client_for(ben)
    services.answer(member=ben, round=round, text="Again")
    assert "Your answer is withdrawn." in plain.post(url("round_withdraw", round), follow=True).content.decode()


# The reveal


def test_the_last_answer_reveals_everything_at_once_in_place(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ben, round=round, text="The view of Ben")
    response = client_for(ana).post(url("round_answer", round), {"text": "The view of Ana"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Everyone's answers" in html
    assert "The view of Ben" in html
    assert "The view of Ana" in html
    assert 'id="discussion"' in html
    assert _seen(round, ana)  # she has just seen them
    assert not _seen(round, ben)


def test_the_asker_reveals_after_the_deadline(ana: Membership, ben: Membership, cy: Membership) -> None:
    round = ask(ana, ben, cy, deadline=timezone.now() + timedelta(days=1))
    services.answer(member=ben, round=round, text="The view of Ben")
    client = client_for(ana)
    assert "After it, you can open the answers" in client.get(url("round_detail", round)).content.decode()
    past_deadline(round)
    assert "Reveal the answers" in client.get(url("round_detail", round)).content.decode()
    response = client.post(url("round_reveal", round), follow=True)
    html = response.content.decode()
    assert "The answers are open" in html
    assert "The view of Ben" in html
    assert "You and Cy hadn't answered when the answers were opened." in html
    assert fresh(round).revealed_at is not None


def test_the_reveal_button_is_the_askers_alone(ana: Membership, ben: Membership) -> None:
    round = past_deadline(ask(ana, ben, deadline=timezone.now() + timedelta(days=1)))
    assert "Reveal the answers" not in client_for(ben).get(url("round_detail", round)).content.decode()


def test_opening_the_round_after_the_reveal_records_it_for_the_opener(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    services.answer(member=ana, round=round, text="a")
    services.answer(member=ben, round=round, text="b")
    services.answer(member=cy, round=round, text="c")  # the last answer reveals: Cy sees them at once
    assert _seen(round, cy)
    assert not _seen(round, ben)
    client_for(ben).get(url("round_detail", round))
    assert _seen(round, ben)
    assert not _seen(round, ana)


def test_opening_a_round_that_waits_only_for_someone_who_left_reveals_it(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    services.answer(member=ana, round=round, text="The view of Ana")
    services.answer(member=ben, round=round, text="The view of Ben")
    leave_polycule(membership=cy)
    html = client_for(ben).get(url("round_detail", round)).content.decode()
    assert "The view of Ana" in html
    assert "Cy left the polycule before the reveal." in html
    assert fresh(round).revealed_at is not None
    assert _seen(round, ben)


# The talk under it


def test_a_comment_under_a_revealed_round(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ana, round=round, text="a")
    services.answer(member=ben, round=round, text="b")
    response = client_for(ben).post(url("round_comment", round), {"text": "We agree more than I thought"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="discussion"')
    assert "We agree more than I thought" in html
    plain = client_for(ana).post(url("round_comment", round), {"text": "Me too"})
    assert plain.status_code == 302
    assert plain["Location"] == round.get_absolute_url() + "#discussion"
    page = client_for(ana).get(url("round_detail", round)).content.decode()
    assert "We agree more than I thought" in page
    assert "Me too" in page
    assert Comment.objects.count() == 2


def test_a_comment_before_the_reveal_is_refused(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    response = client_for(ben).post(url("round_comment", round), {"text": "Early"}, **HTMX)
    assert response.status_code == 409
    assert "The talk opens once the answers are revealed." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_panel_says_who_left_and_no_longer_blocks(ana: Membership, ben: Membership, cy: Membership) -> None:
    round = ask(ana, ben, cy)
    leave_polycule(membership=cy)
    response = client_for(ben).post(url("round_answer", round), {"text": "Mine"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cy left the polycule, so this no longer waits for them." in html
    assert "<strong>Cy</strong>" not in html
