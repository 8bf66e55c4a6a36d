"""Notices from choices: one shared with me, someone saying how mine lands for them, and a word
back from its author to how it landed for me. Read from what conversations keeps; it never calls
here.

A choice's words, a feeling, a note and a word back are never read: only who shared, who
answered and who wrote back, and when, as the dashboard shows them. A choice has no title, so
nothing of it travels in a mail even to someone who chose titles."""

from collections.abc import Iterator, Sequence
from datetime import datetime

from conversations.models import Choice, ChoiceReply, ChoiceResponse
from relationships.models import Membership

from ..kinds import Kind
from ..models import Notice
from .base import ANSWERED, MISSING, SEEN, About, Candidate, Found, Gone, absolute, number, others, still_there

CHOICE = "choice"
PREFIXES = (CHOICE,)
SHARED, LANDED, BACK = "shared", "landed", "back"


def candidates(since: datetime, now: datetime) -> Iterator[Candidate]:
    shared = Choice.objects.filter(created_at__gt=since, created_at__lte=now).select_related("author")
    for choice in shared:
        # Those who were there when it was shared: someone who joined since finds it in the talk.
        told = [m for m in others(choice.audience(), choice.author_id) if m.joined_at <= choice.created_at]
        for member in told:
            yield Candidate(member, Kind.CHOICE, f"{CHOICE}:{choice.pk}:{SHARED}", choice.created_at)
    answers = ChoiceResponse.objects.filter(created_at__gt=since, created_at__lte=now).select_related("choice__author")
    for answer in answers:
        # An answer, or a changed one: each its own notice, told to the author alone.
        author = answer.choice.author
        if answer.member_id != author.pk:
            key = f"{CHOICE}:{answer.choice_id}:{LANDED}:{answer.pk}"
            yield Candidate(author, Kind.LANDED, key, answer.created_at)
    for reply in ChoiceReply.objects.filter(created_at__gt=since, created_at__lte=now).select_related("to"):
        key = f"{CHOICE}:{reply.choice_id}:{BACK}:{reply.pk}"
        yield Candidate(reply.to, Kind.WORDS_BACK, key, reply.created_at)


# What each notice is about, read again when it is about to go and when its mail is written


def about(notices: Sequence[Notice], now: datetime) -> dict[int, Found]:
    ids = {number(n.key) for n in notices}
    choices = Choice.objects.select_related("author", "polycule").in_bulk(ids)
    people = {n.membership_id for n in notices}
    # Who has answered which choice, and who wrote back to whom and whether it was read: never what.
    answered = set(
        ChoiceResponse.objects.filter(choice_id__in=ids, member_id__in=people).values_list("choice_id", "member_id")
    )
    landed = _numbered(notices, LANDED)
    answers = {
        pk: (choice_id, member_id, name)
        for pk, choice_id, member_id, name in ChoiceResponse.objects.filter(pk__in=landed).values_list(
            "pk", "choice_id", "member_id", "member__display_name"
        )
    }
    back = _numbered(notices, BACK)
    replies = {
        pk: (choice_id, to_id, seen_at)
        for pk, choice_id, to_id, seen_at in ChoiceReply.objects.filter(pk__in=back).values_list(
            "pk", "choice_id", "to_id", "seen_at"
        )
    }
    audiences: dict[int, list[Membership]] = {}
    found: dict[int, Found] = {}
    for notice in notices:
        choice = choices.get(number(notice.key))
        if choice is None:
            found[notice.pk] = Gone(MISSING)
            continue
        if choice.pk not in audiences:
            audiences[choice.pk] = choice.audience()
        gone = still_there(notice, audiences[choice.pk])
        if gone is not None:
            found[notice.pk] = gone
            continue
        what = notice.key.split(":")[2]
        url = absolute(choice.get_absolute_url())
        if what == SHARED:
            found[notice.pk] = _about_shared(choice, (choice.pk, notice.membership_id) in answered, url)
        elif what == LANDED:
            found[notice.pk] = _about_landed(notice, choice, answers.get(number(notice.key, 3)), url)
        else:
            found[notice.pk] = _about_back(notice, choice, replies.get(number(notice.key, 3)), url)
    return found


def _numbered(notices: Sequence[Notice], what: str) -> set[int]:
    """The answers' or words back's ids in the keys of the notices about them."""
    return {number(n.key, 3) for n in notices if n.key.split(":")[2] == what}


def _about_shared(choice: Choice, answered: bool, url: str) -> Found:
    if answered:
        return Gone(ANSWERED)
    sentence = f"{choice.author.display_name} shared a choice with you, and would like to hear how it lands."
    return About(Kind.CHOICE, choice.polycule.name, sentence, url)


def _about_landed(notice: Notice, choice: Choice, answer: tuple[int, int, str] | None, url: str) -> Found:
    if answer is None or answer[0] != choice.pk or notice.membership_id != choice.author_id:
        return Gone(MISSING)
    if choice.answers_seen_at >= notice.happened_at:
        return Gone(SEEN)  # its author opened the choice since: they read how it landed
    sentence = f"{answer[2]} said how a choice you shared lands."
    # One line per person and choice, however often they changed their answer.
    return About(Kind.LANDED, choice.polycule.name, sentence, url, thing=f"{url}#{answer[1]}")


def _about_back(notice: Notice, choice: Choice, reply: tuple[int, int, datetime | None] | None, url: str) -> Found:
    if reply is None or reply[0] != choice.pk or reply[1] != notice.membership_id:
        return Gone(MISSING)
    if reply[2] is not None:
        return Gone(SEEN)
    sentence = f"{choice.author.display_name} wrote back to how a choice landed for you."
    return About(Kind.WORDS_BACK, choice.polycule.name, sentence, url)
