"""The same form sent twice (a second click, a page sent again) makes one thing, and the second
time says so kindly: a choice, a journal entry, a draft."""

from django.urls import reverse

from conversations.models import Choice, Draft, JournalEntry
from conversations.services import journal
from relationships.models import Membership
from tests.values.build import client, page


def test_the_same_choice_shared_twice_is_shared_once(ana: Membership) -> None:
    target = reverse("conversations:choice_create", kwargs={"polycule_id": ana.polycule.public_id})
    words = {"text": "I'm seeing Sam on Friday; we'll stay in.", "why": "To keep it easy", "everyone": "1"}
    assert client(ana).post(target, words).status_code == 302
    again = client(ana).post(target, words)
    assert again.status_code == 422
    assert "You&#x27;ve just shared this" in page(again)
    assert "I&#x27;m seeing Sam on Friday" in page(again)  # the words stay in the form
    assert Choice.objects.count() == 1
    # Other words are another choice.
    assert client(ana).post(target, {**words, "text": "Sam again next week"}).status_code == 302
    assert Choice.objects.count() == 2


def test_the_same_journal_entry_written_twice_is_kept_once(ana: Membership) -> None:
    target = reverse("conversations:entry_create")
    words = {"text": "I felt small when I heard after the fact."}
    assert client(ana).post(target, words).status_code == 302
    again = client(ana).post(target, words)
    assert again.status_code == 422
    assert "You&#x27;ve just written this" in page(again)
    assert JournalEntry.objects.count() == 1


def test_starting_the_same_draft_twice_opens_the_one_already_started(ana: Membership) -> None:
    written = journal.write_entry(author=ana.user, text="I need to hear about sleepovers before they happen.")
    target = reverse("conversations:draft_create", kwargs={"entry_id": written.public_id})
    first = client(ana).post(target, {"kind": "boundary"})
    second = client(ana).post(target, {"kind": "boundary"})
    started = Draft.objects.get()
    assert first["Location"] == second["Location"] == started.get_absolute_url()
    # Another kind is another draft.
    client(ana).post(target, {"kind": "agreement"})
    assert Draft.objects.count() == 2
