"""Promise 13 for what is most private: a journal entry is its author's alone, a sealed "what
if" answer reaches nobody before the reveal, and words written back to one person's answer to
a choice reach that person and its author alone. Three canary words are planted in the
authorization matrix's world, and every URL of the site is opened and posted to (plain and
htmx) by each person who must not see them; mail is read too."""

from collections.abc import Iterator

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conversations.models import Draft, Feeling, JournalEntry, Round, RoundAnswer, RoundParticipant
from conversations.services.choices import answer_choice, share_choice, write_back
from relationships.models import Membership
from tests.matrix import Route, World, build_world
from tests.test_authorization import ACCOUNT, ROUTES

JOURNAL = b"JOURNAL-CANARY"
SEALED = b"SEALED-CANARY"
REPLY = b"REPLY-CANARY"


def _plant(world: World) -> Round:
    """Ana's journal entry and a draft from it; a round for all three, Ben's answer sealed; a
    choice of Ana's told to all three, and her words back to Ben's answer."""
    ana, ben, cy = world.ana, world.ben, world.cy
    entry = JournalEntry.objects.create(author=ana.user, text="I am tired of saying yes. JOURNAL-CANARY")
    Draft.objects.create(
        author=ana.user,
        entry=entry,
        membership=ana,
        kind=Draft.Kind.BOUNDARY,
        data={"title": "JOURNAL-CANARY title", "text": "JOURNAL-CANARY text", "why": "JOURNAL-CANARY why"},
    )
    sealed = Round.objects.create(polycule=ana.polycule, asker=ana, prompt="What if we moved in together?")
    RoundParticipant.objects.bulk_create(RoundParticipant(round=sealed, membership=m) for m in (ana, ben, cy))
    RoundAnswer.objects.create(round=sealed, member=ben, text="Slowly, and with a room of my own. SEALED-CANARY")
    choice = share_choice(author=ana, text="I'm going to the festival with Noor.")
    answer_choice(member=ben, choice=choice, feeling=Feeling.UNEASY, note="Will you call on Saturday?")
    write_back(author=ana, choice=choice, to=ben.public_id, note="Yes, at six. REPLY-CANARY")
    world.extra["told_all"] = choice
    return sealed


@pytest.fixture
def world(db: None) -> World:
    world = build_world()
    world.extra["sealed"] = _plant(world)
    return world


def _forbidden(world: World) -> Iterator[tuple[Membership, tuple[bytes, ...]]]:
    """Who must not see which canary: the journal is Ana's; the answer is Ben's until the reveal;
    the words back are Ana's and Ben's."""
    yield world.ana, (SEALED,)
    yield world.ben, (JOURNAL,)
    yield world.cy, (JOURNAL, SEALED, REPLY)


def _client(member: Membership) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _pages(world: World) -> list[str]:
    sealed: Round = world.extra["sealed"]
    pid = world.polycule_id
    return [
        *(reverse(r.name, kwargs=r.kwargs(world)) for r in ROUTES if r.method == "get"),
        *(reverse(name, kwargs=kwargs) for name, kwargs in ACCOUNT.items() if not kwargs),
        reverse("home:dashboard"),
        reverse("home:timeline", kwargs={"polycule_id": pid}) + "?kind=talk",
        sealed.get_absolute_url(),
        world.extra["told_all"].get_absolute_url(),
    ]


def _assert_unseen(content: bytes, words: tuple[bytes, ...], where: str) -> None:
    for word in words:
        assert word not in content, f"{word.decode()} reached {where}"


def test_no_page_or_fragment_shows_a_journal_or_a_sealed_answer_to_anyone_else(world: World) -> None:
    for member, words in _forbidden(world):
        client = _client(member)
        for url in _pages(world):
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                assert response.status_code < 500, url
                _assert_unseen(response.content, words, f"{member} at {url}")


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "post"], ids=lambda r: r.id)
def test_no_action_answers_with_a_journal_or_a_sealed_answer_to_anyone_else(route: Route, world: World) -> None:
    url = reverse(route.name, kwargs=route.kwargs(world))
    for member, words in _forbidden(world):
        for headers in ({"HX-Request": "true"}, {}):
            response = _client(member).post(url, route.data(world), headers=headers, follow=not headers)
            assert response.status_code < 500, url
            _assert_unseen(response.content, words, f"{member} posting to {url}")
    for message in mail.outbox:
        body = message.body + "".join(str(part[0]) for part in getattr(message, "alternatives", []))
        assert "JOURNAL-CANARY" not in message.subject + body
        assert "SEALED-CANARY" not in message.subject + body
        assert "REPLY-CANARY" not in message.subject + body


def test_the_sealed_answer_shows_once_everyone_has_answered(world: World) -> None:
    """The canary is really there: the test above would pass on an empty page too."""
    sealed: Round = world.extra["sealed"]
    for member in (world.cy, world.ana):
        _client(member).post(
            reverse("conversations:round_answer", args=[world.polycule_id, sealed.public_id]),
            {"text": f"{member.display_name}'s answer"},
        )
    assert SEALED in _client(world.ana).get(sealed.get_absolute_url()).content


def test_the_journal_shows_its_author_their_own_words(world: World) -> None:
    assert JOURNAL in _client(world.ana).get(reverse("conversations:journal")).content


def test_the_words_back_show_to_the_two_of_them(world: World) -> None:
    for member in (world.ana, world.ben):
        assert REPLY in _client(member).get(world.extra["told_all"].get_absolute_url()).content


def test_no_export_holds_a_journal_or_a_sealed_answer_of_anyone_else(world: World) -> None:
    """The JSON export, downloaded after re-authentication, by each person (promises 13 and 21)."""
    from tests.factories import PASSWORD

    for member, words in _forbidden(world):
        client = _client(member)
        assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
        response = client.get(reverse("home:export_download"))
        assert response.status_code == 200
        _assert_unseen(response.content, words, f"{member}'s export")
        for own in {world.ana.pk: (JOURNAL, REPLY), world.ben.pk: (SEALED, REPLY)}.get(member.pk, ()):
            assert own in response.content, f"{member}'s own words are missing from their export"
