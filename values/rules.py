"""Who may do what with values, boundaries and agreements: one predicate per permission.

Services refuse with these predicates, views answer 404 with them, and the read models in
``selectors`` carry their answers to the templates, which show or hide with them. Every
predicate assumes the member can see the item (``Item.objects.visible_to``); services
check that too, with ``in_audience``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from relationships.models import Membership

from .models import Item, Kind, Proposal

NUDGE_EVERY = timedelta(hours=12)
# "Still holds for me" is offered once a version has stood this long: saying it of something
# set minutes ago says nothing.
REAFFIRM_AFTER = timedelta(days=1)


class Owed(models.TextChoices):
    """What an audience member gives each version of an item, and still owes."""

    ACKNOWLEDGE = "acknowledge", "Not yet acknowledged by you"
    CONSENT = "consent", "Not yet consented by you"

    @property
    def gently(self) -> str:
        """How the newcomer's welcome list says it: an invitation, not an alarm."""
        if self is Owed.ACKNOWLEDGE:
            return "To read, when you're ready"
        return "To read, and consent to if it holds for you"


@dataclass(frozen=True)
class KindRules:
    noun: str
    # Changed by its owner directly (boundaries) or by proposal (values, agreements).
    owner_edits: bool
    # What each audience member gives each version.
    answer: Owed

    @property
    def acknowledged(self) -> bool:
        return self.answer == Owed.ACKNOWLEDGE


RULES = {
    Kind.VALUE: KindRules(noun="value", owner_edits=False, answer=Owed.CONSENT),
    Kind.AGREEMENT: KindRules(noun="agreement", owner_edits=False, answer=Owed.CONSENT),
    Kind.BOUNDARY: KindRules(noun="boundary", owner_edits=True, answer=Owed.ACKNOWLEDGE),
}


def rules_for(item: Item) -> KindRules:
    return RULES[Kind(item.kind)]


def is_live(item: Item) -> bool:
    return item.current_version_id is not None and item.retired_at is None


def in_audience(member: Membership, audience: list[Membership]) -> bool:
    """Whether the member is among ``audience``, an item's ``Item.audience()``."""
    return any(m.pk == member.pk for m in audience)


def answers(item: Item, member: Membership) -> bool:
    """Whether the member is asked to answer each version: everyone but a boundary's owner."""
    return item.owner_id != member.pk


# Items


def can_edit(item: Item, member: Membership) -> bool:
    """Write a new version directly, or choose who sees it: a live boundary's owner."""
    return rules_for(item).owner_edits and item.owner_id == member.pk and is_live(item)


def can_suggest(item: Item, member: Membership) -> bool:
    """Suggest a change to someone else's live boundary."""
    return rules_for(item).owner_edits and item.owner_id != member.pk and is_live(item)


def can_propose(item: Item, member: Membership) -> bool:
    """Propose new words or a new audience for a live value or agreement."""
    return not rules_for(item).owner_edits and is_live(item)


def can_retire(item: Item, member: Membership) -> bool:
    """Retire a live item: a boundary by its owner's hand, the others by proposal."""
    return can_edit(item, member) or can_propose(item, member)


def can_acknowledge(item: Item, member: Membership) -> bool:
    return rules_for(item).acknowledged and answers(item, member) and item.current_version_id is not None


def can_consent(item: Item, member: Membership) -> bool:
    return not rules_for(item).acknowledged and is_live(item)


def can_reaffirm(item: Item, member: Membership) -> bool:
    return is_live(item)


@dataclass(frozen=True)
class Reaffirming:
    """How "still holds" is said: a boundary is its owner's, so the others say they still honour it."""

    button: str
    help: str
    done: str


def reaffirming(item: Item, member: Membership) -> Reaffirming:
    if rules_for(item).owner_edits and item.owner_id != member.pk:
        name = item.owner.display_name if item.owner else "its owner"
        return Reaffirming(
            "I still honour it",
            f"Tell {name} you still honour this boundary: it dates your reaffirmation, without a new version.",
            "Noted: you still honour it",
        )
    return Reaffirming(
        "Still holds for me",
        "Tell the others this still holds for you: it dates your reaffirmation, without a new version.",
        "Noted: it still holds for you",
    )


def worth_reaffirming(item: Item, now: datetime | None = None) -> bool:
    """Whether "still holds for me" is worth offering: the current version has stood a while."""
    version = item.current_version
    return version is not None and version.created_at <= (now or timezone.now()) - REAFFIRM_AFTER


# Suggestions


def can_answer_suggestion(item: Item, member: Membership) -> bool:
    """Take or decline a suggestion: the owner of the boundary it is about."""
    return can_edit(item, member)


# Proposals


def can_respond(proposal: Proposal, member: Membership, audience: list[Membership]) -> bool:
    """Answer an open proposal on a live item: its audience (``proposal.item.audience()``)."""
    return proposal.is_open and proposal.item.retired_at is None and in_audience(member, audience)


def _proposer_of_open(proposal: Proposal, member: Membership) -> bool:
    return proposal.is_open and proposal.proposer_id == member.pk


def can_amend(proposal: Proposal, member: Membership) -> bool:
    return _proposer_of_open(proposal, member)


def can_withdraw(proposal: Proposal, member: Membership) -> bool:
    return _proposer_of_open(proposal, member)


def nudged_recently(last_nudged_at: datetime | None, now: datetime | None = None) -> bool:
    return last_nudged_at is not None and (now or timezone.now()) - last_nudged_at < NUDGE_EVERY


def can_nudge(proposal: Proposal, member: Membership, *, waiting: int, last_nudged_at: datetime | None) -> bool:
    """Remind those who have not answered: the proposer, when someone is waiting, once in a while."""
    return _proposer_of_open(proposal, member) and waiting > 0 and not nudged_recently(last_nudged_at)


def worth_nudging(proposal: Proposal, now: datetime | None = None) -> bool:
    """Whether a reminder is worth offering: everyone was told of the wording when it was put
    (or amended), so not before it has waited as long as between two reminders."""
    revision = proposal.revision
    return revision is not None and revision.created_at <= (now or timezone.now()) - NUDGE_EVERY
