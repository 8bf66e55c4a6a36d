"""Choices, in the domain: who is told, what may be linked, who may say how it lands, and who
reads those answers."""

from datetime import timedelta
from typing import Any, cast

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from conversations import rules
from conversations.models import TEXT_MAX, Choice, ChoiceAudience, ChoiceResponse, Feeling
from conversations.selectors.choices import choice_page, unanswered
from conversations.services.choices import answer_choice, share_choice
from relationships.acting import Departed
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError, leave_polycule
from tests.factories import MembershipFactory
from tests.values.build import boundary
from values import services as values
from values.models import Item

# Many choices, entries and drafts alike are written on purpose here.
pytestmark = pytest.mark.usefixtures("alike_words_allowed")


def told(author: Membership, *people: Membership, **kwargs: Any) -> Choice:
    """A choice told to ``people`` only (the author is always among them)."""
    return share_choice(
        author=author,
        text="I'm seeing Sam on Friday; we'll stay in.",
        everyone=False,
        audience=[p.public_id for p in people],
        **kwargs,
    )


def to_all(author: Membership, **kwargs: Any) -> Choice:
    return share_choice(author=author, text="I'm seeing Sam on Friday; we'll stay in.", **kwargs)


def only_for(owner: Membership, *people: Membership, title: str = "Sleepovers") -> Item:
    return boundary(owner, title, everyone=False, audience=[p.public_id for p in people])


# Who is told


def test_a_choice_told_to_everyone_reaches_every_active_member(
    ana: Membership, ben: Membership, cy: Membership, dee: Membership
) -> None:
    choice = to_all(ana, why="Sam asked")
    assert choice.audience() == [ana, ben, cy]
    assert (choice.text, choice.why, choice.polycule, choice.author) == (
        "I'm seeing Sam on Friday; we'll stay in.",
        "Sam asked",
        ana.polycule,
        ana,
    )


def test_a_choice_told_to_chosen_members_always_includes_its_author(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = told(ana, ben)
    assert choice.audience() == [ana, ben]
    assert set(ChoiceAudience.objects.filter(choice=choice).values_list("membership", flat=True)) == {ana.pk, ben.pk}


def test_who_is_told_is_the_same_read_either_way(
    ana: Membership, ben: Membership, cy: Membership, zed: Membership
) -> None:
    # Someone who left never gets this far: the gate turns them away first.
    choices = [told(ana, ben), to_all(ben), told(cy, ana)]
    for member in (ana, ben, cy, zed):
        visible = set(Choice.objects.visible_to(member))
        assert visible == {c for c in choices if member in c.audience()}, member


def test_a_choice_for_nobody_but_oneself_is_refused(ana: Membership, ben: Membership) -> None:
    with pytest.raises(RuleError, match="at least one person"):
        told(ana)
    with pytest.raises(RuleError, match="at least one person"):
        told(ana, ana)
    assert not Choice.objects.exists()


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (TEXT_MAX + 1)])
def test_an_empty_or_oversized_choice_is_refused(ana: Membership, text: str) -> None:
    with pytest.raises(RuleError):
        share_choice(author=ana, text=text)
    with pytest.raises(RuleError):
        share_choice(author=ana, text="Fine", why="y" * (TEXT_MAX + 1))
    assert not Choice.objects.exists()


def test_a_forged_audience_member_from_another_polycule_refuses_the_whole_choice(
    ana: Membership, ben: Membership, zed: Membership
) -> None:
    with pytest.raises(RuleError, match="in this polycule"):
        told(ana, ben, zed)
    assert not Choice.objects.exists()
    assert not ChoiceAudience.objects.exists()


def test_someone_who_left_cannot_be_told_nor_tell(ana: Membership, dee: Membership) -> None:
    with pytest.raises(RuleError):
        told(ana, dee)
    with pytest.raises(Departed):
        to_all(dee)
    assert not Choice.objects.exists()


# What may be linked


def test_items_everyone_told_can_see_are_linked(ana: Membership, ben: Membership, cy: Membership) -> None:
    ours = only_for(ana, ben, title="Ours")
    shared = boundary(cy, "Cy's, for all")
    choice = told(ana, ben, items=[ours.public_id, shared.public_id])
    assert set(choice.items.all()) == {ours, shared}


def test_an_item_cy_cannot_see_cannot_be_linked_to_a_choice_told_to_cy(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    hidden = only_for(ana, ben, title="Not for Cy")
    with pytest.raises(RuleError, match="Not for Cy"):
        told(ana, cy, items=[hidden.public_id])
    with pytest.raises(RuleError, match="Not for Cy"):
        to_all(ana, items=[hidden.public_id])
    assert not Choice.objects.exists()


def test_an_item_the_author_cannot_see_is_refused_as_unknown(
    ana: Membership, ben: Membership, cy: Membership, zed: Membership
) -> None:
    bens = only_for(ben, cy, title="Ben and Cy only")
    elsewhere = boundary(zed, "Zed's")
    for item in (bens, elsewhere):
        with pytest.raises(RuleError, match="you can see"):
            told(ana, ben, items=[item.public_id])
    assert not Choice.objects.exists()


def test_a_retired_item_is_not_linked(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, "Old one")
    values.retire_boundary(owner=ana, item=item)
    with pytest.raises(RuleError):
        to_all(ana, items=[item.public_id])


def test_the_linking_rule_asks_that_every_person_told_sees_every_item(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    assert rules.can_link([[ana, ben, cy], [ana, ben]], [ana, ben])
    assert not rules.can_link([[ana, ben, cy], [ana, ben]], [ana, cy])
    assert rules.can_link([], [ana, ben, cy])


# Saying how it lands


def test_each_person_told_may_say_how_it_lands_and_change_it(ana: Membership, ben: Membership) -> None:
    choice = told(ana, ben)
    answer_choice(member=ben, choice=choice, feeling=Feeling.UNEASY, note="  Can we talk?  ")
    answer_choice(member=ben, choice=choice, feeling=Feeling.OKAY)
    rows = list(ChoiceResponse.objects.filter(choice=choice).values_list("feeling", "note"))
    assert rows == [("uneasy", "Can we talk?"), ("okay", "")]
    page = choice_page(ben, choice)
    assert page.mine is not None
    assert page.mine.feeling == Feeling.OKAY


def test_nobody_answers_their_own_choice(ana: Membership, ben: Membership) -> None:
    choice = told(ana, ben)
    assert not rules.can_answer_choice(choice, ana, choice.audience())
    with pytest.raises(RuleError, match="your own choice"):
        answer_choice(member=ana, choice=choice, feeling=Feeling.SAFE)
    assert not ChoiceResponse.objects.exists()


def test_someone_not_told_cannot_answer(ana: Membership, ben: Membership, cy: Membership, zed: Membership) -> None:
    choice = told(ana, ben)
    for outsider in (cy, zed):
        assert not rules.can_answer_choice(choice, outsider, choice.audience())
        with pytest.raises(NotAllowed):
            answer_choice(member=outsider, choice=choice, feeling=Feeling.SAFE)
    assert not ChoiceResponse.objects.exists()


def test_someone_who_left_can_no_longer_answer(ana: Membership, ben: Membership) -> None:
    choice = to_all(ana)
    leave_polycule(membership=ben)
    with pytest.raises(Departed):
        answer_choice(member=ben, choice=choice, feeling=Feeling.SAFE)


def test_an_unknown_feeling_or_an_oversized_note_is_refused(ana: Membership, ben: Membership) -> None:
    choice = told(ana, ben)
    with pytest.raises(RuleError):
        answer_choice(member=ben, choice=choice, feeling=cast(Feeling, "thrilled"))
    with pytest.raises(RuleError):
        answer_choice(member=ben, choice=choice, feeling=Feeling.OKAY, note="n" * 1001)
    assert not ChoiceResponse.objects.exists()


# Who reads the answers


def test_the_person_who_shared_it_sees_each_latest_answer_and_note(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = to_all(ana)
    answer_choice(member=ben, choice=choice, feeling=Feeling.UNEASY, note="First thought")
    answer_choice(member=ben, choice=choice, feeling=Feeling.SAFE, note="Slept on it")
    page = choice_page(ana, choice)
    assert rules.sees_every_answer(choice, ana)
    answers = {x.member.display_name: (x.answer.feeling, x.answer.note) if x.answer else None for x in page.answers}
    assert answers == {"Ben": ("safe", "Slept on it"), "Cy": None}
    assert page.mine is None
    assert not page.can_answer


def test_anyone_else_sees_their_own_answer_and_nobody_elses(ana: Membership, ben: Membership, cy: Membership) -> None:
    choice = to_all(ana)
    answer_choice(member=ben, choice=choice, feeling=Feeling.UNEASY, note="Ben's note")
    answer_choice(member=cy, choice=choice, feeling=Feeling.SAFE, note="Cy's note")
    for member, note in ((ben, "Ben's note"), (cy, "Cy's note")):
        page = choice_page(member, choice)
        assert not rules.sees_every_answer(choice, member)
        assert page.answers == []
        assert page.mine is not None
        assert page.mine.note == note
        assert page.can_answer


def test_a_linked_item_stays_hidden_from_someone_who_cannot_see_it(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    ours = only_for(ana, ben, cy, title="Ours")
    choice = to_all(ana, items=[ours.public_id])
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    assert choice in Choice.objects.visible_to(eli)
    assert choice_page(eli, choice).items == []
    assert choice_page(ben, choice).items == [ours]


# For the dashboard and lists


def test_unanswered_lists_recent_choices_told_to_the_member_that_they_have_not_answered(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    waiting = to_all(ana)
    answered = to_all(cy)
    answer_choice(member=ben, choice=answered, feeling=Feeling.OKAY)
    told(cy, ana)  # not told to Ben
    to_all(ben)  # his own
    old = to_all(ana)
    Choice.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=15))
    assert unanswered(ben) == [waiting]


def test_unanswered_leaves_out_what_was_shared_before_someone_joined(ana: Membership, ben: Membership) -> None:
    before = to_all(ana)
    Choice.objects.filter(pk=before.pk).update(created_at=timezone.now() - timedelta(days=2))
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    after = to_all(ana)
    assert unanswered(eli) == [after]


def test_unanswered_is_empty_for_someone_who_left(ana: Membership, dee: Membership) -> None:
    to_all(ana)
    assert unanswered(dee) == []


def test_unanswered_takes_one_query_whatever_the_amount(
    ana: Membership, ben: Membership, cy: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for author in (ana, cy, ana, cy, ana):
        to_all(author)
    with django_assert_num_queries(1):
        found = unanswered(ben)
        names = [(c.author.display_name, c.polycule.name) for c in found]
    assert len(names) == 5
