"""The journal, in the domain: entries are their author's alone, drafts go out once and only to
the author's own polycules, and a kept draft comes back the next day."""

from datetime import date, timedelta
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from conversations import rules
from conversations.models import JOURNAL_MAX, Choice, Draft, JournalEntry
from conversations.prompts.journal import PROMPTS, by_key, for_day
from conversations.selectors.journal import drafts_to_look_at
from conversations.services import journal
from relationships.acting import Departed
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError, leave_polycule
from tests.factories import MembershipFactory
from values.models import Item, Kind, Proposal

# Many choices, entries and drafts alike are written on purpose here.
pytestmark = pytest.mark.usefixtures("alike_words_allowed")

TODAY = date(2026, 3, 14)

BOUNDARY: dict[str, Any] = {
    "title": "Sleepovers",
    "text": "Tell me before, not after.",
    "why": "I felt blindsided.",
    "category": "other",
    "everyone": True,
    "audience": [],
    "review_every_days": None,
}


def entry(member: Membership, text: str = "I felt small when I heard after the fact.") -> JournalEntry:
    return journal.write_entry(author=member.user, text=text)


def draft(member: Membership, kind: Draft.Kind = Draft.Kind.BOUNDARY) -> Draft:
    return journal.start_draft(author=member.user, entry=entry(member), membership=member, kind=kind)


# Prompts


def test_there_are_at_least_fifteen_prompts_each_a_short_question() -> None:
    assert len(PROMPTS) >= 15
    assert len({p.key for p in PROMPTS}) == len(PROMPTS)
    assert len({p.text for p in PROMPTS}) == len(PROMPTS)
    for prompt in PROMPTS:
        assert prompt.text.endswith("?"), prompt
        assert len(prompt.text) <= 100, prompt
        assert prompt.text[0].isupper(), prompt


def test_a_prompt_is_found_by_its_key_and_one_is_offered_each_day() -> None:
    assert by_key(PROMPTS[3].key) == PROMPTS[3]
    assert by_key("nope") is None
    days = {for_day(TODAY + timedelta(days=n)) for n in range(len(PROMPTS))}
    assert days == set(PROMPTS)
    assert for_day(TODAY) == for_day(TODAY)


# Entries


def test_an_entry_is_its_author_s_alone(ana: Membership, ben: Membership) -> None:
    mine = entry(ana)
    assert rules.can_read(mine, ana.user)
    assert not rules.can_read(mine, ben.user)
    with pytest.raises(NotAllowed):
        journal.edit_entry(author=ben.user, entry=mine, text="Ben was here")
    with pytest.raises(NotAllowed):
        journal.delete_entry(author=ben.user, entry=mine)
    mine.refresh_from_db()
    assert mine.text == "I felt small when I heard after the fact."


@pytest.mark.parametrize("text", ["", "  \n ", "x" * (JOURNAL_MAX + 1)])
def test_an_empty_or_oversized_entry_is_refused(ana: Membership, text: str) -> None:
    with pytest.raises(RuleError):
        journal.write_entry(author=ana.user, text=text)
    mine = entry(ana, "First words")
    with pytest.raises(RuleError):
        journal.edit_entry(author=ana.user, entry=mine, text=text)
    mine.refresh_from_db()
    assert (JournalEntry.objects.count(), mine.text) == (1, "First words")


def test_editing_an_entry_keeps_when_it_was_written(ana: Membership) -> None:
    mine = entry(ana)
    assert mine.updated_at == mine.created_at
    journal.edit_entry(author=ana.user, entry=mine, text="  Softer now.  ")
    mine.refresh_from_db()
    assert mine.text == "Softer now."
    assert mine.updated_at > mine.created_at


def test_deleting_an_entry_leaves_its_drafts_with_their_words(ana: Membership) -> None:
    started = draft(ana)
    assert started.entry is not None
    journal.delete_entry(author=ana.user, entry=started.entry)
    started.refresh_from_db()
    assert not JournalEntry.objects.exists()
    assert (started.entry_id, started.data["text"]) == (None, "I felt small when I heard after the fact.")


# Drafts


def test_a_draft_starts_from_the_entry_s_words_for_one_of_the_author_s_polycules(ana: Membership) -> None:
    started = draft(ana, Draft.Kind.CHOICE)
    assert (started.author, started.membership, started.kind) == (ana.user, ana, "choice")
    assert started.data == {"text": "I felt small when I heard after the fact."}
    assert started.sent_at is None
    assert started.look_again_on is None


def test_a_draft_is_never_meant_for_someone_else_s_polycule_or_one_the_author_left(
    ana: Membership, ben: Membership, dee: Membership, zed: Membership
) -> None:
    mine = entry(ana)
    for membership in (ben, zed):
        with pytest.raises(NotAllowed):
            journal.start_draft(author=ana.user, entry=mine, membership=membership, kind=Draft.Kind.BOUNDARY)
    with pytest.raises(Departed):
        journal.start_draft(author=dee.user, entry=entry(dee), membership=dee, kind=Draft.Kind.BOUNDARY)
    with pytest.raises(NotAllowed):
        journal.start_draft(author=ben.user, entry=mine, membership=ben, kind=Draft.Kind.BOUNDARY)
    assert not Draft.objects.exists()


def test_sending_a_draft_boundary_sets_exactly_one_boundary_and_marks_it_sent(ana: Membership, ben: Membership) -> None:
    started = draft(ana)
    made = journal.send_draft(author=ana.user, draft=started, data=BOUNDARY)
    started.refresh_from_db()
    assert isinstance(made, Item)
    assert (made.kind, made.owner, made.title) == (Kind.BOUNDARY, ana, "Sleepovers")
    assert Item.objects.count() == 1
    assert started.sent_at is not None
    assert started.data == BOUNDARY
    assert not rules.can_send(started, ana.user)


def test_a_draft_goes_out_once(ana: Membership, ben: Membership) -> None:
    started = draft(ana)
    journal.send_draft(author=ana.user, draft=started, data=BOUNDARY)
    with pytest.raises(journal.AlreadySent):
        journal.send_draft(author=ana.user, draft=started, data=BOUNDARY)
    with pytest.raises(journal.AlreadySent):
        journal.keep_draft(author=ana.user, draft=started, today=TODAY)
    with pytest.raises(journal.AlreadySent):
        journal.save_draft(author=ana.user, draft=started, data={"text": "again"})
    assert Item.objects.count() == 1


def test_a_value_or_agreement_draft_opens_a_proposal(ana: Membership, ben: Membership) -> None:
    for kind in (Draft.Kind.VALUE, Draft.Kind.AGREEMENT):
        made = journal.send_draft(author=ana.user, draft=draft(ana, kind), data=BOUNDARY)
        assert isinstance(made, Proposal)
        assert (made.item.kind, made.proposer) == (kind, ana)


def test_a_choice_draft_is_shared_as_a_choice(ana: Membership, ben: Membership) -> None:
    data = {"text": "Seeing Sam", "why": "", "everyone": False, "audience": [str(ben.public_id)], "items": []}
    made = journal.send_draft(author=ana.user, draft=draft(ana, Draft.Kind.CHOICE), data=data)
    assert isinstance(made, Choice)
    assert made.audience() == [ana, ben]


def test_a_draft_the_rules_refuse_saves_nothing_and_stays_unsent(
    ana: Membership, ben: Membership, zed: Membership
) -> None:
    started = draft(ana, Draft.Kind.CHOICE)
    forged = {"text": "Seeing Sam", "why": "", "everyone": False, "audience": [str(zed.public_id)], "items": []}
    with pytest.raises(RuleError):
        journal.send_draft(author=ana.user, draft=started, data=forged)
    started.refresh_from_db()
    assert (started.sent_at, Choice.objects.count()) == (None, 0)


def test_only_its_author_sends_keeps_or_saves_a_draft(ana: Membership, ben: Membership) -> None:
    started = draft(ana)
    assert not rules.can_send(started, ben.user)
    with pytest.raises(NotAllowed):
        journal.send_draft(author=ben.user, draft=started, data=BOUNDARY)
    with pytest.raises(NotAllowed):
        journal.keep_draft(author=ben.user, draft=started, today=TODAY)
    with pytest.raises(NotAllowed):
        journal.save_draft(author=ben.user, draft=started, data=BOUNDARY)
    started.refresh_from_db()
    assert (started.sent_at, started.look_again_on, Item.objects.count()) == (None, None, 0)


def test_a_draft_for_a_polycule_the_author_left_can_no_longer_go(ana: Membership, ben: Membership) -> None:
    started = draft(ben)
    leave_polycule(membership=ben)
    started.refresh_from_db()
    assert not rules.can_send(started, ben.user)
    with pytest.raises(RuleError, match="no longer in that polycule"):
        journal.send_draft(author=ben.user, draft=started, data=BOUNDARY)
    assert not Item.objects.exists()


# Keeping it for tomorrow


def test_a_kept_draft_comes_back_the_next_day_not_today(ana: Membership) -> None:
    kept = journal.keep_draft(author=ana.user, draft=draft(ana), today=TODAY)
    assert kept.look_again_on == TODAY + timedelta(days=1)
    assert drafts_to_look_at(ana.user, TODAY) == []
    assert drafts_to_look_at(ana.user, TODAY + timedelta(days=1)) == [kept]
    assert drafts_to_look_at(ana.user, TODAY + timedelta(days=9)) == [kept]


def test_only_kept_unsent_drafts_of_one_s_own_come_back(ana: Membership, ben: Membership, zed: Membership) -> None:
    tomorrow = TODAY + timedelta(days=1)
    kept = journal.keep_draft(author=ana.user, draft=draft(ana), today=TODAY)
    draft(ana)  # not kept
    sent = journal.keep_draft(author=ana.user, draft=draft(ana), today=TODAY)
    journal.send_draft(author=ana.user, draft=sent, data=BOUNDARY)
    journal.keep_draft(author=ben.user, draft=draft(ben), today=TODAY)
    elsewhere = MembershipFactory.create(polycule=zed.polycule, user=ana.user, display_name="Ana")
    there = journal.keep_draft(author=ana.user, draft=draft(elsewhere), today=TODAY)
    leave_polycule(membership=elsewhere)
    assert drafts_to_look_at(ana.user, tomorrow) == [kept]
    assert there not in drafts_to_look_at(ana.user, tomorrow)


def test_drafts_to_look_at_take_one_query_with_their_polycules(
    ana: Membership, zed: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    elsewhere = MembershipFactory.create(polycule=zed.polycule, user=ana.user, display_name="Ana")
    for member in (ana, elsewhere, ana, elsewhere):
        journal.keep_draft(author=ana.user, draft=draft(member), today=TODAY)
    with django_assert_num_queries(1):
        found = drafts_to_look_at(ana.user, TODAY + timedelta(days=1))
        names = {d.membership.polycule.name for d in found}
    assert names == {ana.polycule.name, zed.polycule.name}
