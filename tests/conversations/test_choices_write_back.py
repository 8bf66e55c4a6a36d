"""Writing back to how a choice landed: the person who shared it answers one person's answer,
and the two of them alone read it. The other person is told on their dashboard until they open
the choice."""

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from conversations.models import NOTE_MAX, Choice, ChoiceReply, Feeling
from conversations.selectors.choices import choice_page, unread_replies
from conversations.selectors.needs import count, needs
from conversations.services.choices import answer_choice, mark_replies_seen, share_choice, write_back
from relationships.acting import Departed
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError, leave_polycule
from tests.conftest import QueryBudget
from tests.factories import MembershipFactory, backdate
from tests.values.build import HTMX, client, page


def answered(author: Membership, *people: Membership) -> Choice:
    """A choice of ``author``'s to everyone, answered by ``people``."""
    choice = share_choice(author=author, text="I'm seeing Sam on Friday; we'll stay in.")
    for person in people:
        answer_choice(member=person, choice=choice, feeling=Feeling.UNEASY, note="Can we talk first?")
    return choice


def on(choice: Choice, name: str = "choice_detail") -> str:
    return reverse(f"conversations:{name}", args=[choice.polycule.public_id, choice.public_id])


# The domain


def test_the_author_writes_back_to_someone_who_answered_and_the_two_of_them_read_it(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = answered(ben, ana, cy)
    found, reply = write_back(author=ben, choice=choice.public_id, to=ana.public_id, note="  Thursday evening?  ")
    assert (found, reply.to, reply.note, reply.seen_at) == (choice, ana, "Thursday evening?", None)
    for_ben = choice_page(ben, choice)
    assert {x.member: x.reply for x in for_ben.answers} == {ana: reply, cy: None}
    for_ana, for_cy = choice_page(ana, choice), choice_page(cy, choice)
    assert (for_ana.reply, for_ana.unseen) == (reply, True)
    assert (for_cy.reply, for_cy.unseen) == (None, False)


def test_a_later_word_is_a_newer_row_and_the_latest_is_shown(ana: Membership, ben: Membership) -> None:
    choice = answered(ben, ana)
    write_back(author=ben, choice=choice, to=ana.public_id, note="Thursday?")
    _, later = write_back(author=ben, choice=choice, to=ana.public_id, note="Or Wednesday")
    assert ChoiceReply.objects.filter(choice=choice).count() == 2
    assert choice_page(ana, choice).reply == later
    assert choice_page(ben, choice).answers[0].reply == later


@pytest.mark.parametrize(
    ("note", "message"),
    [("", "Write a few words back."), ("   \n ", "Write a few words back."), ("x" * (NOTE_MAX + 1), "under")],
)
def test_empty_or_too_long_words_are_refused(ana: Membership, ben: Membership, note: str, message: str) -> None:
    choice = answered(ben, ana)
    with pytest.raises(RuleError, match=message):
        write_back(author=ben, choice=choice, to=ana.public_id, note=note)
    assert not ChoiceReply.objects.exists()


def test_only_the_author_writes_back(ana: Membership, ben: Membership, cy: Membership) -> None:
    choice = answered(ben, ana, cy)
    with pytest.raises(NotAllowed):
        write_back(author=cy, choice=choice, to=ana.public_id, note="Me too")
    assert not ChoiceReply.objects.exists()


def test_nobody_is_written_to_before_they_answer_nor_the_author_nor_a_stranger(
    ana: Membership, ben: Membership, cy: Membership, zed: Membership
) -> None:
    choice = answered(ben, ana)
    for to in (cy.public_id, ben.public_id, zed.public_id, uuid.uuid4()):
        with pytest.raises(RuleError, match="once they've said how it lands"):
            write_back(author=ben, choice=choice, to=to, note="Hello")
    assert not ChoiceReply.objects.exists()


def test_someone_not_told_cannot_be_written_to_even_by_the_author(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = share_choice(author=ben, text="Seeing Sam", everyone=False, audience=[ana.public_id])
    with pytest.raises(RuleError):
        write_back(author=ben, choice=choice, to=cy.public_id, note="Hello")


def test_a_choice_the_author_cannot_see_is_not_found(ana: Membership, ben: Membership, cy: Membership) -> None:
    theirs = share_choice(author=ana, text="Seeing Sam", everyone=False, audience=[ben.public_id])
    answer_choice(member=ben, choice=theirs, feeling=Feeling.OKAY)
    with pytest.raises(Choice.DoesNotExist):
        write_back(author=cy, choice=theirs.public_id, to=ben.public_id, note="Hi")


def test_nobody_is_written_to_after_they_left_nor_by_someone_who_left(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = answered(ben, ana, cy)
    leave_polycule(membership=cy)
    with pytest.raises(RuleError):
        write_back(author=ben, choice=choice, to=cy.public_id, note="Hello")
    leave_polycule(membership=ben)
    with pytest.raises(Departed):
        write_back(author=ben, choice=choice, to=ana.public_id, note="Hello")
    assert not ChoiceReply.objects.exists()


def test_the_same_words_sent_twice_are_kept_once(ana: Membership, ben: Membership) -> None:
    choice = answered(ben, ana)
    write_back(author=ben, choice=choice, to=ana.public_id, note="Thursday?")
    with pytest.raises(RuleError, match="already there"):
        write_back(author=ben, choice=choice, to=ana.public_id, note="Thursday?")
    backdate(ChoiceReply.objects.all(), by=timedelta(minutes=6))
    write_back(author=ben, choice=choice, to=ana.public_id, note="Thursday?")
    assert ChoiceReply.objects.count() == 2


def test_opening_it_marks_the_words_read_and_the_dashboard_stops_telling(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = answered(ben, ana, cy)
    write_back(author=ben, choice=choice, to=ana.public_id, note="Thursday?")
    _, newest = write_back(author=ben, choice=choice, to=ana.public_id, note="Or Wednesday")
    assert unread_replies(ana) == [newest]  # one row for the choice, however many words
    assert needs(ana).replies == [newest]
    assert count(ana) == needs(ana).count == 1
    assert unread_replies(cy) == unread_replies(ben) == []
    mark_replies_seen(member=ana, choice=choice)
    assert unread_replies(ana) == []
    assert count(ana) == 0
    assert not choice_page(ana, choice).unseen


def test_the_words_stay_as_written(ana: Membership, ben: Membership) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    choice = answered(ben, ana)
    _, reply = write_back(author=ben, choice=choice, to=ana.public_id, note="Thursday?")
    for change in ({"note": "Changed"}, {"created_at": timezone.now()}, {"to": ben}):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            ChoiceReply.objects.filter(pk=reply.pk).update(**change)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ChoiceReply.objects.filter(pk=reply.pk).delete()
    # When Ana first read it is the one thing that changes.
    mark_replies_seen(member=ana, choice=choice)
    reply.refresh_from_db()
    assert reply.seen_at is not None
    assert reply.note == "Thursday?"


# Through the browser's requests


def test_writing_back_in_place_and_reading_it_on_the_other_side(ana: Membership, ben: Membership) -> None:
    choice = answered(ben, ana)
    response = client(ben).post(on(choice, "choice_write_back"), {"to": ana.public_id, "note": "Thursday?"}, **HTMX)
    assert response.status_code == 200
    html = page(response)
    assert "Written back. Only the two of you see it." in html
    assert "You wrote back" in html
    assert "Thursday?" in html
    dashboard = page(client(ana).get(reverse("home:dashboard")))
    assert "Written back to you" in dashboard
    assert "Ben wrote back to what you said" in dashboard
    reading = page(client(ana).get(on(choice)))
    assert "Ben wrote back" in reading
    assert "Thursday?" in reading
    assert ">new<" in reading
    assert "Written back to you" not in page(client(ana).get(reverse("home:dashboard")))
    assert ">new<" not in page(client(ana).get(on(choice)))


def test_without_javascript_it_redirects_to_the_choice(ana: Membership, ben: Membership) -> None:
    choice = answered(ben, ana)
    response = client(ben).post(on(choice, "choice_write_back"), {"to": ana.public_id, "note": "Thursday?"})
    assert response.status_code == 302
    assert response["Location"] == on(choice)
    assert ChoiceReply.objects.get().note == "Thursday?"


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"note": "Thursday?"}, 422, "Choose whom to write back to."),
        ({"to": "not-an-id", "note": "Thursday?"}, 422, "Choose whom to write back to."),
        ({"to": "ANA", "note": ""}, 422, "Write a few words back, or close this."),
        ({"to": "ANA", "note": "x" * (NOTE_MAX + 1)}, 422, "your words are still here"),
        ({"to": "CY", "note": "Thursday?"}, 409, "once they&#x27;ve said how it lands"),
        ({"to": "ANA", "note": "\x00"}, 422, ""),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_the_words(
    ana: Membership, ben: Membership, cy: Membership, data: dict[str, str], status: int, message: str
) -> None:
    choice = answered(ben, ana)
    sent = {k: {"ANA": str(ana.public_id), "CY": str(cy.public_id)}.get(v, v) for k, v in data.items()}
    for headers in (HTMX, {}):
        response = client(ben).post(on(choice, "choice_write_back"), sent, **headers)
        assert response.status_code == status
        html = page(response)
        assert message in html
        if sent.get("note") and "\x00" not in sent["note"]:
            assert sent["note"][:50] in html  # nothing typed is lost
    assert not ChoiceReply.objects.exists()


def test_someone_else_told_is_refused_and_someone_not_told_finds_nothing(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = answered(ben, ana, cy)
    refused = client(cy).post(on(choice, "choice_write_back"), {"to": ana.public_id, "note": "Hi"}, **HTMX)
    assert refused.status_code == 403
    assert "Only the person who shared this can write back." in page(refused)
    private = share_choice(author=ben, text="Seeing Sam", everyone=False, audience=[ana.public_id])
    answer_choice(member=ana, choice=private, feeling=Feeling.OKAY)
    hidden = client(cy).post(on(private, "choice_write_back"), {"to": ana.public_id, "note": "Hi"}, **HTMX)
    assert hidden.status_code == 404
    assert not ChoiceReply.objects.exists()


def test_the_words_back_reach_the_two_of_them_and_nobody_else(ana: Membership, ben: Membership, cy: Membership) -> None:
    choice = answered(ben, ana, cy)
    write_back(author=ben, choice=choice, to=ana.public_id, note="REPLY-CANARY")
    assert "REPLY-CANARY" in page(client(ben).get(on(choice)))
    assert "REPLY-CANARY" in page(client(ana).get(on(choice)))
    for response in (
        client(cy).get(on(choice)),
        client(cy).get(on(choice), **HTMX),
        client(cy).get(reverse("home:dashboard")),
        client(cy).post(on(choice, "choice_answer"), {"feeling": "safe"}, **HTMX),
        client(cy).post(on(choice, "choice_write_back"), {"to": ana.public_id, "note": "x"}, **HTMX),
    ):
        html = page(response)
        assert "REPLY-CANARY" not in html
        assert "wrote back" not in html


def test_a_choice_page_with_words_back_stays_within_its_budget(
    ana: Membership, ben: Membership, django_assert_max_num_queries: QueryBudget
) -> None:
    others = [MembershipFactory.create(polycule=ana.polycule) for _ in range(5)]
    choice = answered(ben, ana, *others)
    for person in (ana, *others):
        write_back(author=ben, choice=choice, to=person.public_id, note=f"To {person}")
        write_back(author=ben, choice=choice, to=person.public_id, note=f"Again to {person}")
    for reader in (ben, ana):
        browser = client(reader)
        with django_assert_max_num_queries(10):
            assert browser.get(on(choice)).status_code == 200
    with django_assert_max_num_queries(10):
        client(ben).post(on(choice, "choice_write_back"), {"to": ana.public_id, "note": "Last"}, **HTMX)
