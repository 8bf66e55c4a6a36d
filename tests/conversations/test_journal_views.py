"""The journal, through its pages: writing, reading, changing and deleting entries, turning one
into a draft, the gentle pause, and sending or keeping it."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversations.models import JOURNAL_MAX, Choice, Draft, JournalEntry
from conversations.prompts.journal import PROMPTS, for_day
from conversations.selectors.journal import PER_PAGE, drafts_to_look_at
from conversations.services import journal
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.conftest import client_for
from tests.factories import MembershipFactory
from tests.values.build import boundary, client, followed, page
from values.models import Item, Kind, Proposal

# Many choices, entries and drafts alike are written on purpose here.
pytestmark = pytest.mark.usefixtures("alike_words_allowed")

WORDS = {"title": "Sleepovers", "text": "Tell me before.", "why": "I felt blindsided.", "category": "other"}


def url(name: str, **ids: Any) -> str:
    return reverse(f"conversations:{name}", kwargs=ids)


def entry(member: Membership, text: str = "I felt small when I heard after the fact.") -> JournalEntry:
    return journal.write_entry(author=member.user, text=text)


def draft(member: Membership, kind: Draft.Kind = Draft.Kind.BOUNDARY) -> Draft:
    return journal.start_draft(author=member.user, entry=entry(member), membership=member, kind=kind)


def ready(member: Membership, **data: Any) -> Draft:
    """A draft boundary with its form filled in and saved, as the pause page finds it."""
    fields = {**WORDS, "everyone": True, "audience": [], "review_every_days": None, **data}
    return journal.save_draft(author=member.user, draft=draft(member), data=fields)


# The journal page and entries


def test_the_journal_shows_one_s_own_entries_drafts_and_prompts(ana: Membership, ben: Membership) -> None:
    entry(ana, "Ana's own words")
    entry(ben, "Ben's own words")
    ready(ana, title="Ana's draft")
    html = page(client(ana).get(url("journal")))
    assert "Ana&#x27;s own words" in html
    assert "Ana&#x27;s draft" in html
    assert "Ben&#x27;s own words" not in html
    assert for_day(timezone.localdate()).text.replace("'", "&#x27;") in html
    for prompt in PROMPTS:
        assert f"?prompt={prompt.key}" in html


def test_the_journal_is_paged_and_costs_the_same_whatever_its_length(ana: Membership) -> None:
    signed_in = client(ana)

    def grow_and_count(entries: int, drafts: int) -> int:
        JournalEntry.objects.bulk_create(JournalEntry(author=ana.user, text=f"Entry {n}") for n in range(entries))
        for _ in range(drafts):
            ready(ana)
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(url("journal")).status_code == 200
        return len(queries)

    assert grow_and_count(PER_PAGE + 5, 1) == grow_and_count(100, 10)
    html = page(signed_in.get(url("journal")))
    assert ">More</a>" in html
    assert len(re.findall(r'href="/journal/[0-9a-f-]{36}/"', html)) == PER_PAGE
    after = re.search(r'href="\?after=([\w-]+)"', html)
    assert after is not None
    second = page(signed_in.get(url("journal") + f"?after={after[1]}"))
    assert "Back to the start" in second
    more = signed_in.get(url("journal") + f"?after={after[1]}", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in more
    assert 'hx-swap-oob="true"' in more
    assert len(re.findall(r'href="/journal/[0-9a-f-]{36}/"', more)) == PER_PAGE


def test_a_new_entry_can_start_from_a_prompt(ana: Membership) -> None:
    prompt = PROMPTS[2]
    html = page(client(ana).get(url("entry_create") + f"?prompt={prompt.key}"))
    assert prompt.text.replace("'", "&#x27;") in html
    response = client(ana).post(url("entry_create"), {"text": "Quiet time.", "prompt": prompt.key})
    written = JournalEntry.objects.get()
    assert (written.author, written.text, written.prompt) == (ana.user, "Quiet time.", prompt.text)
    assert "Only you can read it." in followed(response, client(ana))


def test_a_new_entry_needs_no_prompt_and_an_unknown_one_is_ignored_on_the_page(ana: Membership) -> None:
    assert client(ana).get(url("entry_create") + "?prompt=<script>").status_code == 200
    assert client(ana).post(url("entry_create"), {"text": "Just this."}).status_code == 302
    assert JournalEntry.objects.get().prompt == ""


def test_someone_in_no_polycule_keeps_a_journal_too(user: Any) -> None:
    signed_in = client_for(user)
    assert signed_in.post(url("entry_create"), {"text": "Mine"}).status_code == 302
    written = JournalEntry.objects.get()
    html = page(signed_in.get(written.get_absolute_url()))
    assert "you aren't in one yet" in html
    assert "Start a draft</button>" not in html
    response = signed_in.post(url("draft_create", entry_id=written.public_id), {"kind": "boundary"})
    assert response.status_code == 422
    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"text": ""}, {"text": "   "}, {"text": "x" * (JOURNAL_MAX + 1)}, {"text": "Fine", "prompt": "forged"}],
)
def test_a_bad_entry_is_sent_back_and_nothing_is_saved(ana: Membership, data: dict[str, str]) -> None:
    response = client(ana).post(url("entry_create"), data)
    assert response.status_code == 422
    assert 'class="errors"' in page(response)
    assert not JournalEntry.objects.exists()


def test_an_entry_is_read_changed_and_deleted_by_its_author(ana: Membership) -> None:
    mine = entry(ana)
    ids = {"entry_id": mine.public_id}
    assert "I felt small" in page(client(ana).get(url("journal_entry", **ids)))
    assert "I felt small" in page(client(ana).get(url("entry_edit", **ids)))
    assert client(ana).post(url("entry_edit", **ids), {"text": ""}).status_code == 422
    assert client(ana).post(url("entry_edit", **ids), {"text": "y" * (JOURNAL_MAX + 1)}).status_code == 422
    mine.refresh_from_db()
    assert mine.text == "I felt small when I heard after the fact."
    assert client(ana).post(url("entry_edit", **ids), {"text": "Softer now."}).status_code == 302
    mine.refresh_from_db()
    assert mine.text == "Softer now."
    assert "gone for good" in page(client(ana).get(url("entry_delete", **ids)))
    assert JournalEntry.objects.exists()
    assert client(ana).post(url("entry_delete", **ids))["Location"] == url("journal")
    assert not JournalEntry.objects.exists()


def test_someone_else_s_entry_or_draft_id_is_not_found(ana: Membership, ben: Membership) -> None:
    mine = ready(ana)
    assert mine.entry is not None
    entry_ids = {"entry_id": mine.entry.public_id}
    draft_ids = {"draft_id": mine.public_id}
    ben_client = client(ben)
    for name in ("journal_entry", "entry_edit", "entry_delete"):
        assert ben_client.get(url(name, **entry_ids)).status_code == 404
    for name in ("entry_edit", "entry_delete", "draft_create"):
        assert ben_client.post(url(name, **entry_ids), {"text": "Ben", "kind": "boundary"}).status_code == 404
    for name in ("draft_edit", "draft_pause"):
        assert ben_client.get(url(name, **draft_ids)).status_code == 404
    for name in ("draft_edit", "draft_send", "draft_keep"):
        assert ben_client.post(url(name, **draft_ids), {**WORDS, "everyone": "1"}).status_code == 404
    mine.refresh_from_db()
    assert (mine.sent_at, mine.look_again_on, mine.data["title"]) == (None, None, "Sleepovers")
    assert JournalEntry.objects.get().text == "I felt small when I heard after the fact."
    assert Draft.objects.count() == 1
    assert not Item.objects.exists()


# From an entry to a draft


def test_an_entry_becomes_a_draft_whose_real_form_opens_prefilled(ana: Membership, ben: Membership) -> None:
    mine = entry(ana, "I need to hear about sleepovers before they happen.")
    response = client(ana).post(url("draft_create", entry_id=mine.public_id), {"kind": "boundary"})
    started = Draft.objects.get()
    assert response["Location"] == url("draft_edit", draft_id=started.public_id)
    assert (started.membership, started.kind, started.entry) == (ana, "boundary", mine)
    html = page(client(ana).get(response["Location"]))
    assert "Set a boundary" in html
    assert "I need to hear about sleepovers before they happen." in html
    assert 'name="title"' in html
    assert 'name="review_every_days"' in html


def test_a_choice_draft_opens_the_choice_form(ana: Membership, ben: Membership) -> None:
    boundary(ben, "Ben's for all")
    started = draft(ana, Draft.Kind.CHOICE)
    html = page(client(ana).get(url("draft_edit", draft_id=started.public_id)))
    assert "Tell about a choice" in html
    assert "Who to tell" in html
    assert "Ben&#x27;s for all" in html


def test_someone_in_several_polycules_chooses_which_one(ana: Membership, zed: Membership) -> None:
    there = MembershipFactory.create(polycule=zed.polycule, user=ana.user, display_name="Ana")
    mine = entry(ana)
    create = url("draft_create", entry_id=mine.public_id)
    html = page(client(ana).get(mine.get_absolute_url()))
    assert ana.polycule.name in html
    assert zed.polycule.name in html
    missing = client(ana).post(create, {"kind": "value"})
    assert missing.status_code == 422
    assert "Choose the polycule" in page(missing)
    assert client(ana).post(create, {"kind": "value", "polycule": zed.polycule.public_id}).status_code == 302
    assert Draft.objects.get().membership == there


@pytest.mark.parametrize("data", [{}, {"kind": "rule"}, {"kind": "boundary", "polycule": "not-an-id"}])
def test_a_bad_draft_request_is_sent_back_and_starts_nothing(ana: Membership, data: dict[str, str]) -> None:
    response = client(ana).post(url("draft_create", entry_id=entry(ana).public_id), data)
    assert response.status_code == 422
    assert not Draft.objects.exists()


def test_a_draft_cannot_be_meant_for_someone_else_s_polycule(ana: Membership, zed: Membership) -> None:
    data = {"kind": "boundary", "polycule": zed.polycule.public_id}
    response = client(ana).post(url("draft_create", entry_id=entry(ana).public_id), data)
    assert response.status_code == 422
    assert "Reload the page and try again" in page(response)
    assert not Draft.objects.exists()


def test_saving_the_form_keeps_its_fields_and_leads_to_the_pause(ana: Membership, ben: Membership) -> None:
    started = draft(ana)
    data = {**WORDS, "everyone": "0", "audience": [str(ben.public_id)], "review_every_days": "30"}
    response = client(ana).post(url("draft_edit", draft_id=started.public_id), data)
    assert response["Location"] == url("draft_pause", draft_id=started.public_id)
    started.refresh_from_db()
    assert started.data == {**WORDS, "everyone": False, "audience": [str(ben.public_id)], "review_every_days": 30}
    assert started.sent_at is None
    assert not Item.objects.exists()
    # Coming back to it, the form shows what was saved.
    html = page(client(ana).get(url("draft_edit", draft_id=started.public_id)))
    assert 'value="0" required id="id_everyone_1" checked' in html
    assert f'value="{ben.public_id}" id="id_audience_0" checked' in html
    assert '<option value="30" selected>' in html


@pytest.mark.parametrize(
    "data",
    [
        {"everyone": "1"},
        {**WORDS, "title": "t" * 121, "everyone": "1"},
        {**WORDS, "everyone": "0"},
        {**WORDS, "everyone": "0", "audience": ["00000000-0000-0000-0000-000000000000"]},
    ],
)
def test_a_bad_draft_form_is_sent_back_and_keeps_what_was_saved(ana: Membership, data: dict[str, Any]) -> None:
    started = draft(ana)
    response = client(ana).post(url("draft_edit", draft_id=started.public_id), data)
    assert response.status_code == 422
    started.refresh_from_db()
    assert started.data == {"text": "I felt small when I heard after the fact."}


# The pause, then sending or keeping


def test_the_pause_offers_to_send_now_or_look_again_tomorrow(ana: Membership, ben: Membership) -> None:
    mine = ready(ana, everyone=False, audience=[str(ben.public_id)])
    html = page(client(ana).get(url("draft_pause", draft_id=mine.public_id)))
    assert "Hungry, angry, lonely or tired? You can send it now, or keep it and look again tomorrow." in html
    assert f'action="{url("draft_send", draft_id=mine.public_id)}"' in html
    assert f'action="{url("draft_keep", draft_id=mine.public_id)}"' in html
    assert "Sleepovers" in html
    assert "For: you, Ben." in html


def test_sending_from_the_pause_sets_exactly_one_boundary_and_marks_the_draft_sent(
    ana: Membership, ben: Membership
) -> None:
    mine = ready(ana)
    response = client(ana).post(url("draft_send", draft_id=mine.public_id))
    made = Item.objects.get()
    assert response["Location"] == made.get_absolute_url()
    assert (made.kind, made.owner, made.title) == (Kind.BOUNDARY, ana, "Sleepovers")
    mine.refresh_from_db()
    assert mine.sent_at is not None
    assert "Your boundary is set" in followed(response, client(ana))
    # A second send (a double click, a second tab) sends nothing more.
    again = client(ana).post(url("draft_send", draft_id=mine.public_id))
    assert again.status_code == 409
    assert "Already sent" in page(again)
    assert Item.objects.count() == 1
    assert client(ana).post(url("draft_keep", draft_id=mine.public_id)).status_code == 409
    assert client(ana).post(url("draft_edit", draft_id=mine.public_id), {**WORDS, "everyone": "1"}).status_code == 409
    assert "Already sent" in page(client(ana).get(url("draft_pause", draft_id=mine.public_id)))
    assert Item.objects.count() == 1


def test_a_value_draft_opens_a_proposal_and_a_choice_draft_shares_a_choice(ana: Membership, ben: Membership) -> None:
    value = ready(ana)
    Draft.objects.filter(pk=value.pk).update(kind=Draft.Kind.VALUE)
    response = client(ana).post(url("draft_send", draft_id=value.public_id))
    assert response["Location"] == Proposal.objects.get().get_absolute_url()
    shared = journal.save_draft(
        author=ana.user,
        draft=draft(ana, Draft.Kind.CHOICE),
        data={"text": "Seeing Sam", "why": "", "everyone": True, "audience": [], "items": []},
    )
    response = client(ana).post(url("draft_send", draft_id=shared.public_id))
    assert response["Location"] == Choice.objects.get().get_absolute_url()


def test_a_draft_never_filled_in_is_sent_back_to_its_form(ana: Membership) -> None:
    started = draft(ana)
    response = client(ana).post(url("draft_send", draft_id=started.public_id))
    assert response.status_code == 422
    assert "needs another look" in page(response)
    started.refresh_from_db()
    assert started.sent_at is None
    assert not Item.objects.exists()


def test_a_draft_linking_what_its_audience_cannot_see_is_sent_back(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    hidden = boundary(ana, "Between Ana and Ben", everyone=False, audience=[ben.public_id])
    data = {"text": "Fine", "why": "", "everyone": True, "audience": [], "items": [str(hidden.public_id)]}
    shared = journal.save_draft(author=ana.user, draft=draft(ana, Draft.Kind.CHOICE), data=data)
    response = client(ana).post(url("draft_send", draft_id=shared.public_id))
    assert response.status_code == 422
    assert "is not shared with everyone you are telling" in page(response)
    shared.refresh_from_db()
    assert (shared.sent_at, Choice.objects.count()) == (None, 0)


def test_keeping_it_brings_it_back_tomorrow_not_today(ana: Membership) -> None:
    mine = ready(ana)
    response = client(ana).post(url("draft_keep", draft_id=mine.public_id))
    assert response["Location"] == url("journal")
    today = timezone.localdate()
    mine.refresh_from_db()
    assert mine.look_again_on == today + timedelta(days=1)
    assert mine.sent_at is None
    assert drafts_to_look_at(ana.user, today) == []
    assert drafts_to_look_at(ana.user, today + timedelta(days=1)) == [mine]
    assert "tomorrow" in followed(response, client(ana))
    tomorrow = (today + timedelta(days=1)).strftime("%-d %B")
    assert f"to look at again on {tomorrow}" in page(client(ana).get(url("journal")))


def test_a_draft_whose_day_has_come_is_ready_to_look_at_again(ana: Membership) -> None:
    mine = ready(ana)
    mine.look_again_on = timezone.localdate() - timedelta(days=1)
    mine.save(update_fields=["look_again_on"])
    shown = page(client(ana).get(url("journal")))
    assert "ready to look at again" in shown
    assert "to look at again on" not in shown


def test_a_draft_for_a_polycule_one_left_stays_but_cannot_go(ana: Membership, ben: Membership) -> None:
    mine = ready(ben)
    leave_polycule(membership=ben)
    signed_in: Client = client_for(ben.user)
    html = page(signed_in.get(url("draft_pause", draft_id=mine.public_id)))
    assert "can't go any more" in html
    assert "Send it now" not in html
    assert signed_in.post(url("draft_send", draft_id=mine.public_id)).status_code == 409
    assert not Item.objects.exists()
