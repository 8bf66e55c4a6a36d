"""Unit tests of the rules in one place: values.rules, values.diff, values.selectors and
values.timeline (run on PostgreSQL too: the timeline merges with UNION ALL)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from home.timeline import PAGE_SIZE, timeline
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.factories import MembershipFactory
from values import rules, selectors, services
from values.diff import Piece, word_diff
from values.models import Acknowledgment, Category, Event, Item, ItemAudience, Kind, Proposal
from values.rules import Owed
from values.selectors import ItemFilters, ItemRow
from values.timeline import MEMBER_JOINED, MEMBER_LEFT, PROPOSAL_ANSWERED

from .build import Answer, adopted, boundary, fresh, old_boundary, proposed

UNDERSTOOD = Acknowledgment.Answer.UNDERSTOOD


def _state(item: Item, member: Membership) -> Any:
    """The item with what values.selectors.with_state annotates (untyped there too)."""
    return selectors.with_state(Item.objects.filter(pk=item.pk), member).get()


def _due_agrees(item: Any) -> bool:
    """The database's ``due_at`` (with_state) and Python's ``review_due_at`` name the same
    moment; SQLite keeps it to the millisecond."""
    python, sql = selectors.review_due_at(item), item.due_at
    if python is None or sql is None:
        return python is sql
    return bool(abs(python - sql) < timedelta(milliseconds=1))


def _titles(rows: list[ItemRow]) -> set[str]:
    return {row.item.title for row in rows}


# values.rules


def test_boundaries_are_edited_by_their_owner_and_acknowledged() -> None:
    assert rules.RULES[Kind.BOUNDARY].owner_edits
    assert rules.RULES[Kind.BOUNDARY].answer == Owed.ACKNOWLEDGE


def test_values_and_agreements_change_by_proposal_and_are_consented_to() -> None:
    for kind in (Kind.VALUE, Kind.AGREEMENT):
        assert not rules.RULES[kind].owner_edits
        assert rules.RULES[kind].answer == Owed.CONSENT


def test_every_kind_has_its_rules() -> None:
    assert set(rules.RULES) == set(Kind)


def test_an_item_for_everyone_has_every_active_member_as_audience(
    ana: Membership, ben: Membership, cy: Membership, zed: Membership
) -> None:
    item = boundary(ana)
    leave_polycule(membership=cy)
    assert item.audience() == [ana, ben]


def test_a_chosen_audience_is_the_chosen_people_and_the_owner(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ben, everyone=False, audience=[ana.public_id])
    assert {m.display_name for m in item.audience()} == {"Ana", "Ben"}


def test_someone_who_leaves_drops_out_of_a_chosen_audience(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ana, everyone=False, audience=[ben.public_id, cy.public_id])
    leave_polycule(membership=cy)
    assert item.audience() == [ana, ben]


def test_only_the_owner_of_a_live_boundary_can_edit_it(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    assert rules.can_edit(item, ana)
    assert not rules.can_edit(item, ben)
    services.retire_boundary(owner=ana, item=item)
    assert not rules.can_edit(fresh(item), ana)


def test_nobody_edits_a_value_directly(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben)
    assert not rules.can_edit(item, ana)
    assert not rules.can_edit(item, ben)


def test_live_values_and_agreements_can_be_proposed_to_boundaries_cannot(ana: Membership, ben: Membership) -> None:
    value = adopted(ana, ben)
    agreement = adopted(ana, ben, kind=Kind.AGREEMENT, title="Barriers")
    assert rules.can_propose(value, ana)
    assert rules.can_propose(agreement, ana)
    assert not rules.can_propose(boundary(ana), ana)
    value.retired_at = timezone.now()
    assert not rules.can_propose(value, ana)


def test_everyone_but_a_boundary_owner_answers(ana: Membership, ben: Membership, cy: Membership) -> None:
    own = boundary(ben)
    assert [m for m in own.audience() if rules.answers(own, m)] == [ana, cy]
    value = adopted(ana, ben, cy)
    assert [m for m in value.audience() if rules.answers(value, m)] == [ana, ben, cy]


# values.diff.word_diff


def test_identical_texts_are_one_unchanged_piece() -> None:
    assert word_diff("Tell me before.", "Tell me before.") == [Piece("same", "Tell me before.")]


def test_an_added_word_is_marked_added() -> None:
    assert word_diff("Tell me before.", "Tell me well before.") == [
        Piece("same", "Tell me "),
        Piece("added", "well "),
        Piece("same", "before."),
    ]


def test_a_removed_word_is_marked_removed() -> None:
    assert word_diff("Tell me well before.", "Tell me before.") == [
        Piece("same", "Tell me "),
        Piece("removed", "well "),
        Piece("same", "before."),
    ]


def test_a_replaced_word_is_removed_then_added() -> None:
    assert word_diff("a day before", "a week before") == [
        Piece("same", "a "),
        Piece("removed", "day"),
        Piece("added", "week"),
        Piece("same", " before"),
    ]


def test_punctuation_stays_with_its_word() -> None:
    assert word_diff("kids.", "kids!") == [Piece("removed", "kids."), Piece("added", "kids!")]


def test_empty_texts_diff_to_all_added_or_all_removed() -> None:
    assert word_diff("", "") == []
    assert word_diff("", "new words") == [Piece("added", "new words")]
    assert word_diff("old words", "") == [Piece("removed", "old words")]


@hypothesis_settings(max_examples=60, deadline=None, database=None)
@given(old=st.text(alphabet="ab \n.", max_size=30), new=st.text(alphabet="ab \n.", max_size=30))
def test_a_diff_rebuilds_both_texts(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.op != "added") == old
    assert "".join(p.text for p in pieces if p.op != "removed") == new
    assert all(p.op in {"same", "added", "removed"} and p.text for p in pieces)


# values.selectors: owes, review


def test_an_unanswered_boundary_is_owed_by_the_others_not_its_owner(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    assert selectors.owes(_state(item, ben), ben) == Owed.ACKNOWLEDGE
    assert selectors.owes(_state(item, ana), ana) is None


def test_an_acknowledgment_settles_one_version_only(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.acknowledge(member=ben, item=item, version_number=1, answer=Acknowledgment.Answer.TALK)
    assert selectors.owes(_state(item, ben), ben) is None
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="new", why="w")
    assert selectors.owes(_state(item, ben), ben) == Owed.ACKNOWLEDGE


def test_consenting_or_standing_aside_on_adoption_settles_a_value(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(ana)
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    services.respond(member=cy, proposal=proposal, revision_number=1, answer=Answer.STAND_ASIDE, note="fine")
    item = Item.objects.get(pk=proposal.item_id)
    for member in (ana, ben, cy):
        assert selectors.owes(_state(item, member), member) is None


def test_a_newcomer_owes_consent_to_a_value(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben)
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    assert selectors.owes(_state(item, eli), eli) == Owed.CONSENT
    services.consent(member=eli, item=item, version_number=1)
    assert selectors.owes(_state(item, eli), eli) is None


def test_nothing_is_owed_to_a_retired_item_or_one_only_proposed(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.retire_boundary(owner=ana, item=item)
    assert selectors.owes(_state(item, ben), ben) is None
    pending = Item.objects.get(pk=proposed(ana).item_id)
    assert selectors.owes(_state(pending, ben), ben) is None


def test_an_item_without_a_review_interval_is_never_due(ana: Membership) -> None:
    item = _state(old_boundary(ana, days=400), ana)
    assert selectors.review_due_at(item) is None
    assert not selectors.is_due(item)
    assert _due_agrees(item)


def test_an_item_is_due_its_interval_after_its_last_change(ana: Membership) -> None:
    item = _state(old_boundary(ana, days=40, review_every_days=30), ana)
    assert item.current_version is not None
    assert selectors.review_due_at(item) == item.current_version.created_at + timedelta(days=30)
    assert selectors.is_due(item)
    assert not selectors.is_due(item, now=item.current_version.created_at + timedelta(days=29))
    assert _due_agrees(item)


def test_a_reaffirmation_restarts_the_review_interval(ana: Membership, ben: Membership) -> None:
    item = old_boundary(ana, days=40, review_every_days=30)
    services.reaffirm(member=ben, item=item)
    state = _state(item, ana)
    assert selectors.review_due_at(state) == state.last_reaffirmed_at + timedelta(days=30)
    assert not selectors.is_due(state)
    assert _due_agrees(state)


def test_a_retired_item_is_not_due(ana: Membership) -> None:
    item = old_boundary(ana, days=40, review_every_days=30)
    services.retire_boundary(owner=ana, item=item)
    assert selectors.review_due_at(_state(item, ana)) is None
    assert _due_agrees(_state(item, ana))


# values.selectors: item_list


def _listed(member: Membership, **filters: Any) -> set[str]:
    return _titles(selectors.item_list(member, ItemFilters(**filters)).rows)


def test_the_list_holds_adopted_live_items_the_member_may_see(
    ana: Membership, ben: Membership, cy: Membership, zed: Membership
) -> None:
    boundary(ana, "Ana's")
    boundary(ana, "Secret", everyone=False, audience=[ben.public_id])
    adopted(ana, ben, cy, title="Kids first")
    proposed(ben, "Only proposed")
    services.retire_boundary(owner=ben, item=boundary(ben, "Gone"))
    boundary(zed, "Elsewhere")
    assert _listed(cy) == {"Ana's", "Kids first"}
    assert _listed(ben) == {"Ana's", "Secret", "Kids first"}


def test_the_list_filters_by_kind_and_category(ana: Membership, ben: Membership) -> None:
    boundary(ana, "Sleepovers", category=Category.HOME)
    boundary(ana, "Texting", category=Category.COMMUNICATION)
    adopted(ana, ben, title="Kids first", category=Category.FAMILY)
    adopted(ana, ben, title="Barriers", kind=Kind.AGREEMENT, category=Category.HEALTH)
    assert _listed(ben, kind=Kind.BOUNDARY) == {"Sleepovers", "Texting"}
    assert _listed(ben, kind=Kind.AGREEMENT) == {"Barriers"}
    assert _listed(ben, category=Category.HOME) == {"Sleepovers"}
    assert _listed(ben, kind=Kind.VALUE, category=Category.FAMILY) == {"Kids first"}
    assert _listed(ben, kind=Kind.VALUE, category=Category.HOME) == set()


def test_the_list_filters_by_person_their_boundaries_and_what_they_wrote(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    boundary(ana, "Ana's")
    boundary(ben, "Ben's")
    adopted(cy, ana, ben, title="Cy's value")
    changed = adopted(ana, ben, cy, title="Changed by Cy")
    change = services.propose_change(
        proposer=cy, item=changed, base_number=1, title="Changed by Cy", text="v2", why="w"
    )
    for member in (ana, ben):
        services.respond(member=member, proposal=change, revision_number=1, answer=Answer.CONSENT)
    assert _listed(ana, person=str(ben.public_id)) == {"Ben's"}
    assert _listed(ana, person=str(cy.public_id)) == {"Cy's value", "Changed by Cy"}


def test_the_list_filters_what_needs_me(ana: Membership, ben: Membership, cy: Membership) -> None:
    boundary(ana, "Unanswered")
    answered = boundary(ana, "Answered")
    services.acknowledge(member=ben, item=answered, version_number=1, answer=UNDERSTOOD)
    boundary(ben, "Mine")
    adopted(ana, ben, cy, title="Consented")
    assert _listed(ben, needs_me=True) == {"Unanswered"}
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    assert _listed(eli, needs_me=True) == {"Unanswered", "Answered", "Mine", "Consented"}


def test_the_list_filters_what_is_due(ana: Membership, ben: Membership) -> None:
    old_boundary(ana, days=40, review_every_days=30, title="Due")
    old_boundary(ana, days=10, review_every_days=30, title="Not yet")
    old_boundary(ana, days=400, title="Never")
    assert _listed(ben, due=True) == {"Due"}


def test_the_list_shows_retired_items_only_when_asked(ana: Membership, ben: Membership) -> None:
    boundary(ana, "Live")
    services.retire_boundary(owner=ana, item=boundary(ana, "Retired"))
    assert _listed(ben) == {"Live"}
    assert _listed(ben, retired=True) == {"Retired"}


# values.selectors: needs and newcomers


def test_needs_gathers_what_a_member_is_asked_for(ana: Membership, ben: Membership, cy: Membership) -> None:
    boundary(ana, "To read")
    old_boundary(ana, days=40, review_every_days=30, title="Due")
    proposal = proposed(ana, "To answer")
    mine = boundary(ben, "Mine")
    services.suggest_change(author=cy, item=mine, base_number=1, text="Softer", why="w")
    found = selectors.needs(ben)
    assert {i.title for i in found.to_acknowledge} == {"To read", "Due"}
    assert [p.pk for p in found.proposals] == [proposal.pk]
    assert {i.title for i in found.due} == {"Due"}
    assert [s.text for s in found.suggestions] == ["Softer"]
    assert found.count == 5


def test_needs_leaves_out_what_the_member_cannot_see_or_has_answered(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    boundary(ana, "Secret", everyone=False, audience=[ben.public_id])
    secret = proposed(ana, "Secret proposal", kind=Kind.AGREEMENT, everyone=False, audience=[ben.public_id])
    answered = proposed(ana, "Answered")
    services.respond(member=cy, proposal=answered, revision_number=1, answer=Answer.CONSENT)
    assert selectors.needs(cy).count == 0
    assert {p.pk for p in selectors.needs(ben).proposals} == {secret.pk, answered.pk}


def test_suggestions_on_a_retired_boundary_are_no_longer_asked_about(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.suggest_change(author=ben, item=item, base_number=1, text="Softer", why="w")
    services.retire_boundary(owner=ana, item=item)
    assert selectors.needs(ana).suggestions == []


def test_a_newcomer_is_shown_what_was_set_before_they_joined(ana: Membership, ben: Membership) -> None:
    value = adopted(ana, ben, title="Kids first")
    boundary(ana, "Sleepovers")
    later = timezone.now() + timedelta(seconds=1)
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli", joined_at=later)
    assert _titles(selectors.newcomer_items(eli).rows) == {"Kids first", "Sleepovers"}
    assert {row.owes for row in selectors.newcomer_items(eli).rows} == {Owed.CONSENT, Owed.ACKNOWLEDGE}
    services.consent(member=eli, item=value, version_number=1)
    assert _titles(selectors.newcomer_items(eli).rows) == {"Sleepovers"}


def test_someone_there_from_the_start_is_not_a_newcomer(ana: Membership, ben: Membership) -> None:
    boundary(ana, "For everyone")
    boundary(ana, "For Ben", everyone=False, audience=[ben.public_id])
    proposed(ana, "Ours", kind=Kind.AGREEMENT, everyone=False, audience=[ben.public_id])
    assert selectors.newcomer_items(ben).rows == []
    assert len(selectors.needs(ben).to_acknowledge) == 2


def test_someone_added_to_an_audience_later_is_asked_as_a_newcomer(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ana, "Weeknights", everyone=False, audience=[ben.public_id])
    assert selectors.newcomer_items(cy).rows == []
    ItemAudience.objects.create(item=item, membership=cy, added_at=item.created_at + timedelta(days=3))
    assert [(row.item.pk, row.owes) for row in selectors.newcomer_items(cy).rows] == [(item.pk, Owed.ACKNOWLEDGE)]
    services.acknowledge(member=cy, item=item, version_number=1, answer=UNDERSTOOD)
    assert selectors.newcomer_items(cy).rows == []


def test_a_newcomer_is_not_asked_about_retired_items(ana: Membership) -> None:
    services.retire_boundary(owner=ana, item=boundary(ana))
    eli = MembershipFactory.create(
        polycule=ana.polycule, display_name="Eli", joined_at=timezone.now() + timedelta(seconds=1)
    )
    assert selectors.newcomer_items(eli).rows == []


# Rules the services keep around retiring


def test_a_change_still_open_when_its_value_is_retired_is_never_adopted(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben)
    retire = services.propose_retiring(proposer=ana, item=item, base_number=1, why="go")
    change = services.propose_change(proposer=ana, item=fresh(item), base_number=1, title="t", text="v2", why="w")
    services.respond(member=ben, proposal=retire, revision_number=1, answer=Answer.CONSENT)
    with pytest.raises(services.RuleError, match="retired"):
        services.respond(member=ben, proposal=change, revision_number=1, answer=Answer.CONSENT)
    item = fresh(item)
    assert item.retired_at is not None
    assert item.current_version is not None
    assert item.current_version.number == 1
    change.refresh_from_db()
    assert change.status == Proposal.Status.OPEN
    assert selectors.needs(ben).proposals == []


# values.timeline


def _kinds(member: Membership, **kwargs: Any) -> list[str]:
    return [line.kind for line in timeline(member, **kwargs).rows]


def test_the_timeline_is_newest_first_with_joins_and_leaves_merged_in(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ana)
    services.acknowledge(member=ben, item=item, version_number=1, answer=UNDERSTOOD)
    leave_polycule(membership=cy)
    page = timeline(ana)
    lines = page.rows
    assert [(line.kind, line.actor) for line in lines] == [
        (MEMBER_LEFT, cy),
        (Event.Kind.ACKNOWLEDGED, ben),
        (Event.Kind.ITEM_CREATED, ana),
        (MEMBER_JOINED, cy),
        (MEMBER_JOINED, ben),
        (MEMBER_JOINED, ana),
    ]
    assert [line.at for line in lines] == sorted((line.at for line in lines), reverse=True)
    assert not page.next
    assert lines[1].item == item
    assert lines[1].version == item.current_version
    assert lines[0].verb == "left the polycule"
    assert lines[-1].verb == "started the polycule"
    assert lines[-2].verb == "joined the polycule"
    assert lines[1].verb == "understood"


def test_the_timeline_links_proposals(ana: Membership, ben: Membership) -> None:
    proposal = proposed(ana)
    services.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    lines = timeline(ben, group="proposals").rows
    assert [(line.kind, line.proposal) for line in lines] == [
        (Event.Kind.PROPOSAL_ADOPTED, proposal),
        (PROPOSAL_ANSWERED, proposal),
        (Event.Kind.PROPOSAL_OPENED, proposal),
    ]
    assert lines[1].verb == "consented to the proposal"
    assert lines[0].version is not None


def test_the_timeline_filters_by_group(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.acknowledge(member=ben, item=item, version_number=1, answer=UNDERSTOOD)
    services.reaffirm(member=ben, item=item)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="s", why="w")
    services.decline_suggestion(owner=ana, suggestion=suggestion, reply="Not now")
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="v2", why="w")
    proposal = proposed(ben)
    services.withdraw(proposer=ben, proposal=proposal)
    assert _kinds(ana, group="items") == [Event.Kind.VERSION_ADOPTED, Event.Kind.ITEM_CREATED]
    assert _kinds(ana, group="answers") == [Event.Kind.REAFFIRMED, Event.Kind.ACKNOWLEDGED]
    assert _kinds(ana, group="suggestions") == [Event.Kind.SUGGESTION_DECLINED, Event.Kind.SUGGESTED]
    assert _kinds(ana, group="proposals") == [Event.Kind.PROPOSAL_WITHDRAWN, Event.Kind.PROPOSAL_OPENED]
    assert _kinds(ana, group="members") == [MEMBER_JOINED, MEMBER_JOINED]
    assert len(_kinds(ana, group="no such group")) == 10


def test_the_timeline_filters_by_person(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ana)
    services.acknowledge(member=ben, item=item, version_number=1, answer=UNDERSTOOD)
    services.acknowledge(member=cy, item=item, version_number=1, answer=UNDERSTOOD)
    lines = timeline(ana, person=ben).rows
    assert [(line.kind, line.actor) for line in lines] == [(Event.Kind.ACKNOWLEDGED, ben), (MEMBER_JOINED, ben)]
    assert _kinds(ana, person=ben, group="answers") == [Event.Kind.ACKNOWLEDGED]
    assert _kinds(ana, person=ben, group="members") == [MEMBER_JOINED]


def test_the_timeline_filters_by_item(ana: Membership, ben: Membership) -> None:
    one = boundary(ana, "One")
    two = boundary(ana, "Two")
    services.acknowledge(member=ben, item=two, version_number=1, answer=UNDERSTOOD)
    lines = timeline(ben, item=one).rows
    assert [(line.kind, line.item) for line in lines] == [(Event.Kind.ITEM_CREATED, one)]
    assert _kinds(ben, item=two) == [Event.Kind.ACKNOWLEDGED, Event.Kind.ITEM_CREATED]


def test_someone_outside_an_items_audience_never_gets_its_events(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    secret = boundary(ana, "Secret", everyone=False, audience=[ben.public_id])
    services.acknowledge(member=ben, item=secret, version_number=1, answer=UNDERSTOOD)
    services.reaffirm(member=ana, item=secret)
    agreement = proposed(ana, "Weeknights", kind=Kind.AGREEMENT, everyone=False, audience=[ben.public_id])
    services.respond(member=ben, proposal=agreement, revision_number=1, answer=Answer.CONSENT)
    for kwargs in ({}, {"person": ana}, {"person": ben}, {"item": secret}, {"group": "answers"}, {"group": "items"}):
        lines = timeline(cy, **kwargs).rows
        assert all(line.item is None for line in lines), kwargs
    assert any(line.item == secret for line in timeline(ben).rows)


def test_the_timeline_of_another_polycule_is_its_own(ana: Membership, ben: Membership, zed: Membership) -> None:
    boundary(ana)
    assert [(line.kind, line.actor) for line in timeline(zed).rows] == [(MEMBER_JOINED, zed)]


def test_the_timeline_pages_hold_page_size_lines_and_give_the_next_pages_cursor(ana: Membership) -> None:
    for n in range(PAGE_SIZE):
        boundary(ana, f"Item {n}")
    # PAGE_SIZE item lines and Ana's joining.
    first = timeline(ana)
    assert len(first.rows) == PAGE_SIZE
    assert first.next
    assert first.first
    assert first.rows[0].item is not None
    assert first.rows[0].item.title == f"Item {PAGE_SIZE - 1}"
    second = timeline(ana, after=first.next)
    assert [(line.kind, line.actor) for line in second.rows] == [(MEMBER_JOINED, ana)]
    assert not second.next
    assert not second.first
