"""What-if rounds, domain first: the prompt library, the rules of conversations.rules for rounds,
the services' reveal rule, and the read models (the round's page, the dashboard's lists)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from conversations import rules
from conversations.models import PROMPT_MAX, Comment, Discussion, Round, RoundAnswer, RoundParticipant
from conversations.prompts.whatif import BY_KEY, PROMPTS, Theme, by_theme, prompt
from conversations.selectors import rounds as selectors
from conversations.services import rounds as services
from relationships.acting import Departed
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.factories import MembershipFactory

from .routes_rounds import ask, fresh, past_deadline

SOON = timedelta(days=1)

# The library


def test_the_library_holds_at_least_25_prompts_in_every_theme_asked_for() -> None:
    assert len(PROMPTS) >= 25
    assert {theme.label for theme in Theme} == {
        "Distance",
        "New partners",
        "Sexual health",
        "Children and family",
        "Time and attention",
        "Jealousy",
        "A boundary crossed",
        "Endings",
    }
    for theme, prompts in by_theme():
        assert len(prompts) >= 3, theme
        assert all(p.theme == theme for p in prompts)


def test_every_prompt_has_a_stable_unique_key_and_fits_a_round() -> None:
    assert len(BY_KEY) == len(PROMPTS)
    for p in PROMPTS:
        assert p.key.startswith(p.theme.value + "-")
        assert p.text.strip() == p.text
        assert p.text.endswith("?")
        assert len(p.text) <= PROMPT_MAX
        assert len(p.theme.value) <= 32
    assert prompt("distance-move") is BY_KEY["distance-move"]
    assert prompt("nonsense") is None


# conversations.rules for rounds


def test_everyone_answered_counts_only_those_still_in_the_polycule(ana: Membership, ben: Membership) -> None:
    assert rules.everyone_answered([ana, ben], {ana.pk, ben.pk})
    assert not rules.everyone_answered([ana, ben], {ana.pk})
    assert not rules.everyone_answered([], set())


def test_the_deadline_passes_at_its_time(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben, deadline=timezone.now() + SOON)
    assert round.deadline is not None
    assert not rules.deadline_passed(round)
    assert rules.deadline_passed(round, now=round.deadline)
    assert not rules.deadline_passed(ask(ana, ben, prompt="No deadline"))


def test_only_the_asker_may_reveal_and_only_after_the_deadline(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben, deadline=timezone.now() + SOON)
    assert not rules.can_reveal(round, ana)
    past_deadline(round)
    assert rules.can_reveal(round, ana)
    assert not rules.can_reveal(round, ben)


def test_asking_needs_someone_else_still_in_the_polycule(
    ana: Membership, ben: Membership, dee: Membership, zed: Membership
) -> None:
    assert rules.can_ask(ana, [ben])
    assert rules.can_ask(ana, [ana, ben])
    assert not rules.can_ask(ana, [])
    assert not rules.can_ask(ana, [ana])
    assert not rules.can_ask(ana, [ben, dee])
    assert not rules.can_ask(ana, [ben, zed])


def test_talk_under_a_round_opens_with_the_reveal_for_its_participants(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben)
    assert not rules.can_talk_round(round, ana, [ana, ben])
    round.revealed_at = timezone.now()
    assert rules.can_talk_round(round, ana, [ana, ben])
    assert not rules.can_talk_round(round, cy, [ana, ben])


# Opening a round


def test_a_round_is_put_to_the_chosen_and_the_asker_takes_part(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, prompt="  What if we moved in together?  ")
    assert round.prompt == "What if we moved in together?"
    assert round.asker == ana
    assert round.audience() == [ana, ben]
    assert set(RoundParticipant.objects.filter(round=round).values_list("membership", flat=True)) == {ana.pk, ben.pk}
    assert round.revealed_at is None


def test_a_library_prompt_keeps_its_theme(ana: Membership, ben: Membership) -> None:
    chosen = BY_KEY["jealousy-shows-up"]
    round = services.open_round(asker=ana, prompt=chosen.text, theme=chosen.theme, participants=[ben.public_id])
    assert (round.prompt, round.theme) == (chosen.text, "jealousy")


@pytest.mark.parametrize(
    ("prompt_text", "message"),
    [("", "Choose a prompt, or write your own."), ("   ", "Choose a prompt, or write your own."), ("x" * 501, "500")],
)
def test_a_round_needs_words_that_fit(ana: Membership, ben: Membership, prompt_text: str, message: str) -> None:
    with pytest.raises(services.RuleError, match=message):
        ask(ana, ben, prompt=prompt_text)
    assert not Round.objects.exists()


def test_a_round_needs_someone_besides_the_asker(ana: Membership) -> None:
    with pytest.raises(services.RuleError, match="at least one other person"):
        ask(ana)
    with pytest.raises(services.RuleError, match="at least one other person"):
        ask(ana, ana)
    assert not Round.objects.exists()


def test_nobody_from_another_polycule_or_who_left_can_be_asked(
    ana: Membership, ben: Membership, dee: Membership, zed: Membership
) -> None:
    for forged in (zed, dee):
        with pytest.raises(services.RuleError, match="in this polycule"):
            ask(ana, ben, forged)
    assert not Round.objects.exists()
    assert not RoundParticipant.objects.exists()


def test_a_deadline_must_be_in_the_future_and_a_theme_from_the_library(ana: Membership, ben: Membership) -> None:
    with pytest.raises(services.RuleError, match="future"):
        ask(ana, ben, deadline=timezone.now() - SOON)
    with pytest.raises(services.RuleError, match="theme"):
        ask(ana, ben, theme="gossip")
    assert not Round.objects.exists()


def test_the_same_round_asked_twice_in_a_row_is_a_double_submit(ana: Membership, ben: Membership) -> None:
    ask(ana, ben, prompt="What if?")
    with pytest.raises(services.RuleError, match="just asked this"):
        ask(ana, ben, prompt="What if?")
    assert Round.objects.count() == 1
    ask(ana, ben, prompt="What if, again?")
    assert Round.objects.count() == 2


# Answering, and the reveal rule


def test_nobody_sees_an_answer_before_everyone_has_answered(ana: Membership, ben: Membership, cy: Membership) -> None:
    round = ask(ana, ben, cy)
    services.answer(member=ben, round=round, text="Ben's sealed words")
    for member in (ana, cy):
        page = selectors.round_page(member, fresh(round))
        assert page.answers == []
        assert page.mine is None
        assert not page.is_revealed
        assert [(p.member, p.answered) for p in page.places] == [(ana, False), (ben, True), (cy, False)]
    mine = selectors.round_page(ben, fresh(round)).mine
    assert mine is not None
    assert mine.text == "Ben's sealed words"


def test_when_everyone_has_answered_all_answers_open_at_once_with_the_talk_under_them(
    ana: Membership, ben: Membership
) -> None:
    round = ask(ana, ben)
    services.answer(member=ana, round=round, text="Ana's")
    assert fresh(round).revealed_at is None
    assert not Discussion.objects.exists()
    services.answer(member=ben, round=round, text="Ben's")
    round = fresh(round)
    assert round.revealed_at is not None
    discussion = Discussion.objects.get()
    assert (discussion.round, discussion.started_by) == (round, ben)
    page = selectors.round_page(ana, round)
    assert [a.text for a in page.answers] == ["Ana's", "Ben's"]
    assert page.thread is not None
    assert page.thread.discussion == discussion
    assert page.can_talk
    assert not page.can_answer


def test_an_answer_changes_in_place_and_can_be_withdrawn_before_the_reveal(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    first = services.answer(member=ben, round=round, text="First thought")
    second = services.answer(member=ben, round=round, text="Second thought")
    assert first.pk == second.pk
    assert list(RoundAnswer.objects.values_list("text", flat=True)) == ["Second thought"]
    services.withdraw(member=ben, round=round)
    assert not RoundAnswer.objects.exists()
    # Withdrawn, Ben no longer counts as answered: the others answering does not reveal.
    services.answer(member=ana, round=round, text="a")
    services.answer(member=cy, round=round, text="c")
    assert fresh(round).revealed_at is None
    assert not rules.everyone_answered(round.audience(), {ana.pk, cy.pk})


def test_withdrawing_without_an_answer_is_refused(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    with pytest.raises(services.RuleError, match="no answer here"):
        services.withdraw(member=ben, round=round)


def test_answering_changing_or_withdrawing_after_the_reveal_is_refused(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    services.answer(member=ana, round=round, text="Ana's")
    services.answer(member=ben, round=round, text="Ben's")
    with pytest.raises(services.RuleError, match="already revealed"):
        services.answer(member=ben, round=round, text="On second thought")
    with pytest.raises(services.RuleError, match="already revealed"):
        services.withdraw(member=ana, round=round)
    assert sorted(RoundAnswer.objects.values_list("text", flat=True)) == ["Ana's", "Ben's"]


def test_someone_not_asked_cannot_answer(ana: Membership, ben: Membership, cy: Membership) -> None:
    round = ask(ana, ben)
    with pytest.raises(services.NotAllowed):
        services.answer(member=cy, round=round, text="Me too")
    with pytest.raises(services.NotAllowed):
        services.withdraw(member=cy, round=round)
    assert not RoundAnswer.objects.exists()


def test_given_by_its_id_a_round_is_found_only_among_those_the_member_was_asked_into(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = past_deadline(ask(ana, ben, deadline=timezone.now() + timedelta(days=1)))
    for act in (
        lambda: services.answer(member=cy, round=round.public_id, text="Me too"),
        lambda: services.withdraw(member=cy, round=round.public_id),
        lambda: services.reveal(by=cy, round=round.public_id),
    ):
        with pytest.raises(Round.DoesNotExist):
            act()
    assert not RoundAnswer.objects.exists()
    assert fresh(round).revealed_at is None
    # The one who asked finds it by its id, and reveals it.
    assert services.reveal(by=ana, round=round.public_id).revealed_at is not None


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 2001])
def test_an_empty_or_oversized_answer_is_refused(ana: Membership, ben: Membership, text: str) -> None:
    round = ask(ana, ben)
    with pytest.raises(services.RuleError):
        services.answer(member=ben, round=round, text=text)
    assert not RoundAnswer.objects.exists()


def test_a_participant_who_left_cannot_answer_and_stops_blocking(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    services.answer(member=ana, round=round, text="Ana's")
    leave_polycule(membership=cy)
    cy.refresh_from_db()
    with pytest.raises(Departed):
        services.answer(member=cy, round=round, text="From the door")
    assert round.audience() == [ana, ben]
    services.answer(member=ben, round=round, text="Ben's")
    assert fresh(round).revealed_at is not None
    page = selectors.round_page(ana, fresh(round))
    assert page.gone == [cy]
    assert [p.member for p in page.places] == [ana, ben]


def test_a_round_waiting_only_for_someone_who_left_is_revealed_when_next_opened(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    services.answer(member=ana, round=round, text="Ana's")
    services.answer(member=ben, round=round, text="Ben's")
    leave_polycule(membership=cy)
    round = fresh(round)
    assert round.revealed_at is None
    page = selectors.round_page(ben, round)
    assert page.ready_to_reveal
    assert page.answers == []  # the read model itself reveals nothing: the service does
    assert services.reveal_if_everyone_answered(round=round, by=ben)
    assert fresh(round).revealed_at is not None
    assert Discussion.objects.filter(round=round).count() == 1
    assert not services.reveal_if_everyone_answered(round=fresh(round), by=ana)


def test_the_asker_reveals_after_the_deadline_even_if_someone_has_not_answered(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy, deadline=timezone.now() + SOON)
    services.answer(member=ben, round=round, text="Ben's")
    past_deadline(round)
    services.reveal(by=ana, round=round)
    round = fresh(round)
    assert round.revealed_at is not None
    assert Discussion.objects.filter(round=round).count() == 1
    page = selectors.round_page(cy, round)
    assert [a.text for a in page.answers] == ["Ben's"]
    assert page.silent == [ana, cy]
    with pytest.raises(services.RuleError, match="already revealed"):
        services.answer(member=cy, round=round, text="Too late")


def test_the_asker_cannot_reveal_before_the_deadline(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben, deadline=timezone.now() + SOON)
    services.answer(member=ben, round=round, text="Ben's")
    with pytest.raises(services.RuleError, match="deadline has passed"):
        services.reveal(by=ana, round=round)
    assert fresh(round).revealed_at is None


def test_without_a_deadline_the_answers_open_only_when_everyone_has_answered(ana: Membership, ben: Membership) -> None:
    round = ask(ana, ben)
    with pytest.raises(services.RuleError, match="no deadline"):
        services.reveal(by=ana, round=round)
    assert fresh(round).revealed_at is None


def test_nobody_but_the_asker_can_reveal_early_even_after_the_deadline(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = past_deadline(ask(ana, ben, cy, deadline=timezone.now() + SOON))
    with pytest.raises(services.NotAllowed, match="Only Ana"):
        services.reveal(by=ben, round=round)
    with pytest.raises(services.NotAllowed):
        services.reveal(by=MembershipFactory.create(polycule=ana.polycule), round=round)
    assert fresh(round).revealed_at is None
    assert not Discussion.objects.exists()


def test_revealing_twice_is_refused(ana: Membership, ben: Membership) -> None:
    round = past_deadline(ask(ana, ben, deadline=timezone.now() + SOON))
    services.reveal(by=ana, round=round)
    with pytest.raises(services.RuleError, match="already revealed"):
        services.reveal(by=ana, round=round)
    assert Discussion.objects.count() == 1


# Talking under a round


def test_the_talk_opens_only_with_the_reveal_and_only_for_participants(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben)
    with pytest.raises(services.RuleError, match="once the answers are revealed"):
        services.comment(author=ana, round=round, text="So?")
    services.answer(member=ana, round=round, text="a")
    services.answer(member=ben, round=round, text="b")
    with pytest.raises(services.NotAllowed):
        services.comment(author=cy, round=fresh(round), text="Hi")
    comment = services.comment(author=ben, round=fresh(round), text="That surprised me")
    assert comment.discussion.round == round
    thread = selectors.round_page(ana, fresh(round)).thread
    assert thread is not None
    assert [c.text for c in thread.comments] == ["That surprised me"]
    assert Comment.objects.count() == 1


# Seen after the reveal, and the dashboard's lists


def test_opening_a_revealed_round_marks_it_seen_for_that_participant_alone(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    services.mark_seen(member=ana, round=round)
    assert not RoundParticipant.objects.filter(seen_reveal_at__isnull=False).exists()  # not revealed: nothing
    services.answer(member=ana, round=round, text="a")
    services.answer(member=cy, round=round, text="c")
    services.answer(member=ben, round=round, text="b")  # the last answer: Ben is shown them all at once
    services.mark_seen(member=ana, round=fresh(round))
    seen = dict(RoundParticipant.objects.values_list("membership", "seen_reveal_at"))
    assert seen[ana.pk] is not None
    assert seen[cy.pk] is None
    # Ben read them as he revealed them: nothing waits for him, and nothing had to be marked.
    assert (fresh(round).revealed_by, seen[ben.pk]) == (ben, None)
    assert [selectors.revealed_unseen(m) for m in (ana, ben, cy)] == [[], [], [round]]


def test_waiting_lists_the_rounds_a_member_still_has_to_answer(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    answered = ask(ana, ben, prompt="Answered")
    services.answer(member=ben, round=answered, text="b")
    open_ = ask(ana, ben, prompt="Open")
    done = ask(ana, ben, prompt="Done")
    services.answer(member=ana, round=done, text="a")
    services.answer(member=ben, round=done, text="b")
    ask(ana, cy, prompt="Not Ben's")
    assert selectors.waiting(ben) == [open_]
    assert [r.prompt for r in selectors.waiting(ana)] == ["Not Ben's", "Open", "Answered"]


def test_revealed_unseen_lists_revealed_rounds_until_opened(ana: Membership, ben: Membership, cy: Membership) -> None:
    round = ask(ana, ben, prompt="Revealed")
    services.answer(member=ana, round=round, text="a")
    assert selectors.revealed_unseen(ben) == []
    services.answer(member=ben, round=round, text="b")  # the last answer: Ben is shown them all at once
    assert selectors.revealed_unseen(ana) == [round]
    assert selectors.revealed_unseen(ben) == []
    assert selectors.revealed_unseen(cy) == []
    services.mark_seen(member=ana, round=fresh(round))
    assert selectors.revealed_unseen(ana) == []


def test_a_round_complete_because_someone_left_counts_as_revealed_unseen(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    services.answer(member=ana, round=round, text="a")
    services.answer(member=ben, round=round, text="b")
    assert selectors.revealed_unseen(ana) == []
    leave_polycule(membership=cy)
    assert selectors.revealed_unseen(ana) == [round]
    assert selectors.waiting(ana) == []


def test_someone_who_left_waits_for_nothing(ana: Membership, ben: Membership, cy: Membership) -> None:
    ask(ana, ben, cy)
    leave_polycule(membership=cy)
    cy.refresh_from_db()
    assert selectors.waiting(cy) == []
    assert selectors.revealed_unseen(cy) == []


def _many_rounds(ana: Membership, ben: Membership, count: int) -> None:
    for n in range(count):
        round = ask(ana, ben, prompt=f"Round {n}")
        if n % 2:
            services.answer(member=ben, round=round, text="b")
        services.answer(member=ana, round=round, text="a")  # after Ben's, the last: it reveals


@pytest.mark.parametrize("count", [1, 12])
def test_the_dashboard_lists_take_one_query_each_whatever_the_number_of_rounds(
    ana: Membership, ben: Membership, count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _many_rounds(ana, ben, count)
    with django_assert_num_queries(1):
        waiting = selectors.waiting(ben)
        assert all(r.asker.display_name and r.polycule.name for r in waiting)
    with django_assert_num_queries(1):
        unseen = selectors.revealed_unseen(ben)
        assert all(r.asker.display_name and r.polycule.name for r in unseen)
    with django_assert_num_queries(1):
        rows = selectors.recent(ben)
    assert len(waiting) == (count + 1) // 2
    assert len(unseen) == count // 2
    assert [row.answered_by_me for row in rows].count(True) == count // 2
    assert all(row.unseen == row.is_revealed for row in rows)


@pytest.mark.parametrize("count", [1, 12])
def test_a_round_page_takes_the_same_queries_whatever_the_number_of_answers_and_comments(
    ana: Membership, count: int, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    others = [MembershipFactory.create(polycule=ana.polycule) for _ in range(count)]
    round = ask(ana, *others)
    for member in [ana, *others]:
        services.answer(member=member, round=round, text=f"From {member.display_name}")
    for member in others:
        services.comment(author=member, round=fresh(round), text="Hm")
    seen = selectors.visible_round(ana, round.public_id)
    assert seen is not None
    # The participants, the answers, the discussion, its comments, their wordings, a mute.
    with django_assert_max_num_queries(6):
        page = selectors.round_page(ana, seen)
    assert len(page.answers) == count + 1
    assert page.thread is not None
    assert page.thread.count == count
