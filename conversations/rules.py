"""Who may do what in the conversations: one predicate per permission, used by the services
(which refuse), the views (404 for anyone who may not even know) and, through the read models,
the templates. Each takes the audience it is about, already fetched, so that asking costs no
query; every predicate assumes the member passed the gate (``visible_to``)."""

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from relationships.models import Membership

from .models import Action, CheckIn, Choice, Comment, Draft, JournalEntry, Round

# The same words sent again within this long are a double submit (a second click, a resent
# form), not something new: a comment, a choice, a what-if, a journal entry, a draft.
DOUBLE_SUBMIT = timedelta(minutes=5)


def among(member: Membership, audience: list[Membership]) -> bool:
    return any(m.pk == member.pk for m in audience)


# Discussions


def can_comment(member: Membership, audience: list[Membership]) -> bool:
    """Write in a discussion: anyone in the audience of what it is about."""
    return member.is_active and among(member, audience)


def can_reply(comment: Comment, member: Membership, audience: list[Membership]) -> bool:
    """Replies go one level deep: to a comment, never to a reply."""
    return comment.parent_id is None and can_comment(member, audience)


def can_correct(comment: Comment, member: Membership, audience: list[Membership]) -> bool:
    """Correct a comment: its author, while still in the audience."""
    return comment.author_id == member.pk and can_comment(member, audience)


def can_mute(member: Membership, audience: list[Membership]) -> bool:
    return among(member, audience)


# Choices


def can_answer_choice(choice: Choice, member: Membership, audience: list[Membership]) -> bool:
    """Say how a choice lands: everyone told about it but the person who made it."""
    return choice.author_id != member.pk and member.is_active and among(member, audience)


def sees_every_answer(choice: Choice, member: Membership) -> bool:
    """The person who shared a choice sees how it landed for each; the others see their own."""
    return choice.author_id == member.pk


def can_write_back(choice: Choice, author: Membership, to: Membership, *, answered: bool) -> bool:
    """Write back to how a choice landed for someone: the person who shared it, to someone else
    told about it who has said how it lands (which only someone told can), both still here."""
    return sees_every_answer(choice, author) and author.is_active and to.pk != author.pk and to.is_active and answered


def can_link(item_audiences: list[list[Membership]], audience: list[Membership]) -> bool:
    """A choice may name only items every person it is told to can see."""
    return all(all(among(m, seen_by) for m in audience) for seen_by in item_audiences)


# What-if rounds


def is_revealed(round: Round) -> bool:
    return round.revealed_at is not None


def everyone_answered(audience: list[Membership], answered: set[int]) -> bool:
    """Every participant still in the polycule has answered: who left stops blocking."""
    return bool(audience) and all(m.pk in answered for m in audience)


def can_answer_round(round: Round, member: Membership, audience: list[Membership]) -> bool:
    """Answer, change or withdraw one's answer: a participant, until the reveal."""
    return not is_revealed(round) and member.is_active and among(member, audience)


def deadline_passed(round: Round, now: datetime | None = None) -> bool:
    return round.deadline is not None and round.deadline <= (now or timezone.now())


def can_reveal(round: Round, member: Membership) -> bool:
    """Reveal before everyone answered: the asker, once the deadline they set has passed."""
    return not is_revealed(round) and round.asker_id == member.pk and deadline_passed(round)


# Check-ins


def can_take_part(checkin: CheckIn, member: Membership, audience: list[Membership]) -> bool:
    """Add topics, notes, actions and one's reconnect line: anyone it is for."""
    return member.is_active and among(member, audience)


def can_hold(checkin: CheckIn, member: Membership, audience: list[Membership]) -> bool:
    """Mark it held: anyone it is for, once."""
    return checkin.held_at is None and can_take_part(checkin, member, audience)


def can_finish(action: Action, member: Membership) -> bool:
    """Mark an action done: its owner."""
    return action.done_at is None and action.owner_id == member.pk and member.is_active


# The journal


def can_read(entry: JournalEntry, user: User) -> bool:
    """A journal entry is its author's alone."""
    return entry.author_id == user.pk


def can_send(draft: Draft, user: User) -> bool:
    return draft.author_id == user.pk and draft.sent_at is None and draft.membership.is_active


# What-if rounds: asking, and talking once revealed


def can_ask(member: Membership, chosen: list[Membership]) -> bool:
    """Open a round: a member, asking at least one other person still in the polycule."""
    others = [m for m in chosen if m.pk != member.pk]
    same_polycule = all(m.is_active and m.polycule_id == member.polycule_id for m in others)
    return member.is_active and bool(others) and same_polycule


def is_ready_to_reveal(round: Round, audience: list[Membership], answered: set[int]) -> bool:
    """Not revealed yet, though everyone still in the polycule has answered (someone left)."""
    return not is_revealed(round) and everyone_answered(audience, answered)


def can_talk_round(round: Round, member: Membership, audience: list[Membership]) -> bool:
    """Talk under a round: its participants still in the polycule, once the answers are revealed."""
    return is_revealed(round) and member.is_active and among(member, audience)


# Check-ins: what stays open until it is held


def is_held(checkin: CheckIn) -> bool:
    return checkin.held_at is not None


def can_add_to(checkin: CheckIn, member: Membership, audience: list[Membership]) -> bool:
    """Add a topic, a note, an action or one's reconnect line: anyone it is for, until it is held.
    A held check-in stays readable as it was; only its actions go on, until each is done."""
    return not is_held(checkin) and can_take_part(checkin, member, audience)
