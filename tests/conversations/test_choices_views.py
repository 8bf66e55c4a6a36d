"""Choices, through the pages: telling one, reading it, saying how it lands in place, and what
never reaches someone who only reads their own answer."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.models import TEXT_MAX, Choice, ChoiceAudience, ChoiceResponse, Feeling
from conversations.services.choices import answer_choice, share_choice
from relationships.models import Membership
from tests.factories import MembershipFactory
from tests.values.build import HTMX, assert_fragment, boundary, client, followed, page

# Many choices, entries and drafts alike are written on purpose here.
pytestmark = pytest.mark.usefixtures("alike_words_allowed")


def url(name: str, me: Membership, **ids: Any) -> str:
    return reverse(f"conversations:{name}", kwargs={"polycule_id": me.polycule.public_id, **ids})


def on(choice: Choice, name: str = "choice_detail") -> str:
    return url(name, choice.author, choice_id=choice.public_id)


def saved() -> tuple[int, int, int]:
    return Choice.objects.count(), ChoiceAudience.objects.count(), ChoiceResponse.objects.count()


# Telling


def test_the_form_offers_the_polycule_s_people_and_only_items_the_member_can_see(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    boundary(ana, "Ana's for all")
    boundary(ben, "Ben and Cy only", everyone=False, audience=[cy.public_id])
    html = page(client(ana).get(url("choice_create", ana)))
    assert "Tell about a choice" in html
    assert "Ana&#x27;s for all" in html
    assert "Ben and Cy only" not in html
    assert str(ben.public_id) in html
    assert str(cy.public_id) in html


def test_telling_chosen_people_about_a_choice_links_what_it_touches(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ana, "Sleepovers", everyone=False, audience=[ben.public_id])
    data = {
        "text": "Seeing Sam on Friday",
        "why": "We planned it weeks ago",
        "everyone": "0",
        "audience": [str(ben.public_id)],
        "items": [str(item.public_id)],
    }
    response = client(ana).post(url("choice_create", ana), data)
    choice = Choice.objects.get()
    assert response["Location"] == choice.get_absolute_url()
    assert (choice.author, choice.everyone, choice.audience(), list(choice.items.all())) == (
        ana,
        False,
        [ana, ben],
        [item],
    )
    html = followed(response, client(ana))
    for text in ("Seeing Sam on Friday", "We planned it weeks ago", "Sleepovers", "Told to: you, Ben", "Only you see"):
        assert text in html, text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "everyone": "1"}, "This field is required."),
        ({"text": "   ", "everyone": "1"}, "This field is required."),
        ({"text": "x" * (TEXT_MAX + 1), "everyone": "1"}, "at most 2000 characters"),
        ({"text": "Fine", "why": "y" * (TEXT_MAX + 1), "everyone": "1"}, "at most 2000 characters"),
        ({"text": "Fine", "everyone": "0"}, "Choose at least one person"),
        ({"text": "Fine"}, "This field is required."),
    ],
)
def test_empty_or_oversized_words_are_sent_back_with_a_message(
    ana: Membership, ben: Membership, data: dict[str, str], message: str
) -> None:
    response = client(ana).post(url("choice_create", ana), data)
    assert response.status_code == 422
    assert message in page(response)
    assert saved() == (0, 0, 0)


def test_an_item_cy_cannot_see_on_a_choice_told_to_cy_is_refused(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    hidden = boundary(ana, "Between Ana and Ben", everyone=False, audience=[ben.public_id])
    data = {"text": "Fine", "everyone": "0", "audience": [str(cy.public_id)], "items": [str(hidden.public_id)]}
    response = client(ana).post(url("choice_create", ana), data)
    assert response.status_code == 422
    assert "is not shared with everyone you are telling" in page(response)
    assert saved() == (0, 0, 0)


def test_a_forged_audience_member_or_item_from_another_polycule_is_refused(
    ana: Membership, ben: Membership, zed: Membership
) -> None:
    theirs = boundary(zed, "Zed's")
    for forged in ({"audience": [str(zed.public_id)]}, {"audience": [str(ben.public_id)], "items": [theirs.public_id]}):
        response = client(ana).post(url("choice_create", ana), {"text": "Fine", "everyone": "0", **forged})
        assert response.status_code == 422
        assert "Select a valid choice" in page(response)
    assert saved() == (0, 0, 0)


def test_forged_authorship_or_polycule_fields_are_ignored(ana: Membership, ben: Membership, zed: Membership) -> None:
    data = {"text": "Mine", "everyone": "1", "author": zed.pk, "polycule": zed.polycule.pk, "polycule_id": "x"}
    assert client(ana).post(url("choice_create", ana), data).status_code == 302
    choice = Choice.objects.get()
    assert (choice.author, choice.polycule) == (ana, ana.polycule)


# Reading and answering


def test_someone_told_answers_in_place_and_may_change_their_answer(ana: Membership, ben: Membership) -> None:
    choice = share_choice(author=ana, text="Seeing Sam", everyone=False, audience=[ben.public_id])
    html = page(client(ben).get(on(choice)))
    assert "How it lands for you" in html
    assert "Only Ana sees it." in html
    response = client(ben).post(on(choice, "choice_answer"), {"feeling": "uneasy", "note": "Can we talk?"}, **HTMX)
    assert_fragment(response, 'id="choice-answers"', "You said", "Uneasy", "Can we talk?", "Thank you")
    response = client(ben).post(on(choice, "choice_answer"), {"feeling": "okay"}, **HTMX)
    assert_fragment(response, "Okay")
    assert list(ChoiceResponse.objects.values_list("feeling", flat=True)) == ["uneasy", "okay"]


def test_answering_works_without_javascript(ana: Membership, ben: Membership) -> None:
    choice = share_choice(author=ana, text="Seeing Sam")
    response = client(ben).post(on(choice, "choice_answer"), {"feeling": "safe", "note": "Have fun"})
    html = followed(response, client(ben))
    assert "Only the person who shared it sees your answer." in html
    assert "Have fun" in html


def test_the_sharer_sees_how_it_landed_for_each(ana: Membership, ben: Membership, cy: Membership) -> None:
    choice = share_choice(author=ana, text="Seeing Sam")
    answer_choice(member=ben, choice=choice, feeling=Feeling.UNEASY, note="Old words")
    answer_choice(member=ben, choice=choice, feeling=Feeling.SAFE, note="Slept on it")
    html = page(client(ana).get(on(choice)))
    assert "How it lands" in html
    assert "Slept on it" in html
    assert "Old words" not in html
    assert "hasn't said yet" in html  # Cy
    assert 'action="' + on(choice, "choice_answer") not in html


@pytest.mark.parametrize(
    "data",
    [{}, {"feeling": "thrilled"}, {"feeling": "okay", "note": "n" * 1001}],
)
def test_a_bad_answer_is_sent_back_in_place_and_saves_nothing(
    ana: Membership, ben: Membership, data: dict[str, str]
) -> None:
    choice = share_choice(author=ana, text="Seeing Sam")
    response = client(ben).post(on(choice, "choice_answer"), data, **HTMX)
    assert response.status_code == 422
    assert 'id="choice-answers"' in page(response)
    assert "<html" not in page(response)
    assert not ChoiceResponse.objects.exists()


def test_nobody_answers_their_own_choice_even_by_posting(ana: Membership, ben: Membership) -> None:
    choice = share_choice(author=ana, text="Seeing Sam")
    response = client(ana).post(on(choice, "choice_answer"), {"feeling": "safe"})
    assert response.status_code == 403
    assert "This is your own choice" in page(response)
    assert not ChoiceResponse.objects.exists()


def test_someone_not_told_finds_nothing_there(ana: Membership, ben: Membership, cy: Membership) -> None:
    choice = share_choice(author=ana, text="Seeing Sam", everyone=False, audience=[ben.public_id])
    assert client(cy).get(on(choice)).status_code == 404
    assert client(cy).post(on(choice, "choice_answer"), {"feeling": "safe"}).status_code == 404
    assert not ChoiceResponse.objects.exists()


def test_a_choice_id_from_another_polycule_is_not_found(ana: Membership, zed: Membership) -> None:
    theirs = share_choice(author=zed, text="Zed's")
    assert client(ana).get(url("choice_detail", ana, choice_id=theirs.public_id)).status_code == 404
    response = client(ana).post(url("choice_answer", ana, choice_id=theirs.public_id), {"feeling": "safe"})
    assert response.status_code == 404


# The canary: Ana's note on Ben's choice is Ben's to read, never Cy's


def test_a_note_reaches_the_sharer_and_never_another_person_told(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = share_choice(author=ben, text="Seeing Sam")
    answer_choice(member=ana, choice=choice, feeling=Feeling.UNEASY, note="ANSWER-CANARY")
    assert "ANSWER-CANARY" in page(client(ben).get(on(choice)))
    pages = [
        client(cy).get(on(choice)),
        client(cy).get(on(choice), **HTMX),
        client(cy).get(reverse("home:dashboard")),
        client(cy).post(on(choice, "choice_answer"), {"feeling": "safe"}, **HTMX),
        client(cy).post(on(choice, "choice_answer"), {}, **HTMX),
        client(cy).get(on(choice)),
    ]
    for response in pages:
        html = page(response)
        assert "ANSWER-CANARY" not in html
        # Not how it landed for Ana, nor who has or hasn't answered.
        assert "feeling-uneasy" not in html
        assert "How it lands</h2>" not in html
        assert "said yet" not in html
    assert "feeling-safe" in page(pages[-1])  # Cy's own answer, and only that


def test_a_choice_page_costs_the_same_however_many_people_answered_or_items_it_touches(
    ana: Membership, ben: Membership
) -> None:
    signed_in = {member: client(member) for member in (ana, ben)}

    def grow_and_count(people: int) -> dict[Membership, int]:
        others = [MembershipFactory.create(polycule=ana.polycule) for _ in range(people)]
        items = [boundary(ana, f"Item {n}").public_id for n in range(people)]
        choice = share_choice(author=ana, text="Seeing Sam", items=items)
        for member in [ben, *others]:
            answer_choice(member=member, choice=choice, feeling=Feeling.OKAY, note="Fine")
            answer_choice(member=member, choice=choice, feeling=Feeling.SAFE, note="Better")
        counts = {}
        for member, browser in signed_in.items():
            with CaptureQueriesContext(connection) as queries:
                assert browser.get(on(choice)).status_code == 200
            counts[member] = len(queries)
        return counts

    assert grow_and_count(1) == grow_and_count(12)
