"""The journal canary: what Ana writes in her journal, and the draft she starts from it, never
reach anyone else, on any page or fragment they can open, and none of her journal's addresses
answers them anything but 404. Nor does it show up in any of her polycule's pages."""

from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversations.models import Draft, JournalEntry
from conversations.services import journal
from relationships.models import Membership
from tests.matrix import World, build_world
from tests.test_authorization import ROUTES

CANARY = b"JOURNAL-CANARY"
GET_ROUTES = [r for r in ROUTES if r.method == "get"]
JOURNAL_URLS = ("journal_entry", "entry_edit", "entry_delete", "draft_edit", "draft_pause")
JOURNAL_POSTS = ("entry_edit", "entry_delete", "draft_create", "draft_edit", "draft_send", "draft_keep")


@pytest.fixture
def world(db: None) -> World:
    """The matrix's world, where Ana has an entry and a draft boundary from it
    (tests/conversations/routes_journal.py), kept to be looked at again today."""
    world = build_world()
    Draft.objects.filter(pk=world.extra["draft"].pk).update(look_again_on=timezone.localdate())
    return world


def _client(member: Membership) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _ids(world: World, name: str) -> dict[str, Any]:
    if name.startswith("draft_") and name != "draft_create":
        return {"draft_id": world.extra["draft"].public_id}
    return {"entry_id": world.extra["entry"].public_id}


def _pages(world: World) -> list[str]:
    """Every page of the matrix, the person's own journal and dashboard."""
    urls = [reverse(r.name, kwargs=r.kwargs(world)) for r in GET_ROUTES]
    return [
        *urls,
        reverse("home:dashboard"),
        reverse("conversations:journal"),
        reverse("conversations:entry_create"),
        reverse("conversations:talk", kwargs={"polycule_id": world.polycule_id}),
    ]


def test_the_world_really_holds_the_canary(world: World) -> None:
    entry = JournalEntry.objects.get(author=world.ana.user)
    assert "JOURNAL-CANARY" in entry.text
    assert CANARY in _client(world.ana).get(entry.get_absolute_url()).content
    assert CANARY in _client(world.ana).get(reverse("conversations:journal")).content


@pytest.mark.parametrize("who", ["ben", "cy"])
def test_ana_s_journal_never_reaches_anyone_else_on_any_page_or_fragment(world: World, who: str) -> None:
    client = _client(getattr(world, who))
    for url in _pages(world):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert CANARY not in response.content, url


@pytest.mark.parametrize("who", ["ben", "cy", "dee", "zed"])
def test_every_journal_address_of_ana_s_answers_404_to_anyone_else(world: World, who: str) -> None:
    client = _client(getattr(world, who))
    for name in JOURNAL_URLS:
        response = client.get(reverse(f"conversations:{name}", kwargs=_ids(world, name)))
        assert response.status_code == 404, name
        assert CANARY not in response.content
    for name in JOURNAL_POSTS:
        data = {"text": "forged", "kind": "boundary", "title": "forged", "why": "w", "everyone": "1"}
        response = client.post(reverse(f"conversations:{name}", kwargs=_ids(world, name)), data)
        assert response.status_code == 404, name
    draft = Draft.objects.get(pk=world.extra["draft"].pk)
    assert (draft.sent_at, draft.data["title"]) == (None, "JOURNAL-CANARY draft title")
    assert JournalEntry.objects.get(pk=world.extra["entry"].pk).text == "JOURNAL-CANARY entry"
    assert Draft.objects.count() == 1


def test_ana_s_own_polycule_pages_never_show_her_journal(world: World) -> None:
    client = _client(world.ana)
    group_pages = [reverse(r.name, kwargs=r.kwargs(world)) for r in GET_ROUTES if "polycule_id" in r.kwargs(world)]
    assert group_pages
    for url in group_pages:
        assert CANARY not in client.get(url).content, url


def test_writing_keeping_and_starting_drafts_tell_nobody(
    ana: Membership, ben: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        entry = journal.write_entry(author=ana.user, text="JOURNAL-CANARY")
        draft = journal.start_draft(author=ana.user, entry=entry, membership=ana, kind=Draft.Kind.BOUNDARY)
        journal.keep_draft(author=ana.user, draft=draft, today=timezone.localdate())
        journal.edit_entry(author=ana.user, entry=entry, text="JOURNAL-CANARY again")
    assert mailoutbox == []
