"""The person who shared a choice is told, on their dashboard, when someone says how it lands
(or changes their answer), until they open it and read how it landed."""

import pytest
from django.urls import reverse

from conversations.models import Choice, Feeling
from conversations.selectors.choices import choice_page, newly_answered, where_i_stand
from conversations.selectors.needs import count, needs
from conversations.services.choices import answer_choice, mark_answers_seen, share_choice, write_back
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.conftest import QueryBudget
from tests.factories import MembershipFactory
from tests.values.build import client, page


def shared(author: Membership) -> Choice:
    return share_choice(author=author, text="I'm seeing Sam on Friday; we'll stay in.")


def test_an_answer_waits_for_the_author_until_they_read_it(ana: Membership, ben: Membership, cy: Membership) -> None:
    choice = shared(ben)
    assert newly_answered(ben) == []
    answer_choice(member=ana, choice=choice, feeling=Feeling.UNEASY, note="Can we talk first?")
    assert newly_answered(ben) == [choice]
    assert needs(ben).answered == [choice]
    assert count(ben) == needs(ben).count == 1
    assert newly_answered(ana) == newly_answered(cy) == []  # not theirs
    mark_answers_seen(member=ben, choice=choice)
    assert newly_answered(ben) == []
    assert count(ben) == 0


def test_a_changed_answer_is_told_again(ana: Membership, ben: Membership) -> None:
    choice = shared(ben)
    answer_choice(member=ana, choice=choice, feeling=Feeling.UNEASY)
    mark_answers_seen(member=ben, choice=choice)
    answer_choice(member=ana, choice=choice, feeling=Feeling.SAFE, note="We talked: all good.")
    assert newly_answered(ben) == [choice]


def test_only_its_author_marks_it_read(ana: Membership, ben: Membership) -> None:
    choice = shared(ben)
    answer_choice(member=ana, choice=choice, feeling=Feeling.OKAY)
    mark_answers_seen(member=ana, choice=choice)
    assert newly_answered(ben) == [choice]


def test_nothing_waits_for_someone_who_left(ana: Membership, ben: Membership) -> None:
    choice = shared(ben)
    answer_choice(member=ana, choice=choice, feeling=Feeling.OKAY)
    leave_polycule(membership=ben)
    assert newly_answered(ben) == []


def test_the_page_marks_the_new_answers_and_the_dashboard_stops_telling(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = shared(ben)
    answer_choice(member=ana, choice=choice, feeling=Feeling.UNEASY, note="Can we talk first?")
    mark_answers_seen(member=ben, choice=choice)
    answer_choice(member=cy, choice=choice, feeling=Feeling.SAFE, note="Have a lovely time.")
    dashboard = page(client(ben).get(reverse("home:dashboard")))
    assert "How your choices landed" in dashboard
    assert "someone said how it lands since you last looked" in dashboard
    fresh = Choice.objects.get(pk=choice.pk)
    assert {x.member: x.new for x in choice_page(ben, fresh).answers} == {ana: False, cy: True}
    reading = page(client(ben).get(choice.get_absolute_url()))
    assert reading.count(">new<") == 1
    assert "How your choices landed" not in page(client(ben).get(reverse("home:dashboard")))
    assert ">new<" not in page(client(ben).get(choice.get_absolute_url()))
    # The others are never told that anyone answered.
    for other in (ana, cy):
        assert "How your choices landed" not in page(client(other).get(reverse("home:dashboard")))


@pytest.mark.parametrize("people", [1, 6])
def test_the_authors_page_with_new_answers_stays_within_its_budget(
    ana: Membership, ben: Membership, people: int, django_assert_max_num_queries: QueryBudget
) -> None:
    choice = shared(ben)
    for person in [ana, *(MembershipFactory.create(polycule=ana.polycule) for _ in range(people - 1))]:
        answer_choice(member=person, choice=choice, feeling=Feeling.OKAY, note="Fine")
    reading = client(ben)
    with django_assert_max_num_queries(10):
        assert reading.get(choice.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert reading.get(reverse("home:dashboard")).status_code == 200


def test_the_lists_say_where_each_reader_stands_and_nothing_of_anyone_else(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = shared(ben)
    answer_choice(member=ana, choice=choice, feeling=Feeling.UNEASY, note="Can we talk first?")
    write_back(author=ben, choice=choice, to=ana.public_id, note="Thursday?")
    fields = ("my_feeling", "new_answers", "words_back")
    rows = {m: where_i_stand(Choice.objects.filter(pk=choice.pk), m).get() for m in (ana, ben, cy)}
    stands = {m: {name: getattr(row, name) for name in fields} for m, row in rows.items()}
    assert stands[ana] == {"my_feeling": "Uneasy", "new_answers": False, "words_back": True}
    assert stands[ben] == {"my_feeling": "", "new_answers": True, "words_back": False}
    assert stands[cy] == {"my_feeling": "", "new_answers": False, "words_back": False}
    for reader, shown, hidden in (
        (ana, ("you said: uneasy", "Ben wrote back"), ("new answers",)),
        (ben, ("new answers",), ("you said", "wrote back")),
        (cy, ("you haven't said how it lands",), ("uneasy", "wrote back", "new answers")),
    ):
        for where in ("conversations:talk", "conversations:choice_list"):
            html = page(client(reader).get(reverse(where, args=[ana.polycule.public_id])))
            for words in shown:
                assert words in html, (reader, where, words)
            for words in hidden:
                assert words not in html, (reader, where, words)
