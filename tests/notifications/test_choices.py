"""Being told about choices: one shared with you, at once; how yours landed, in the digest; a word
back to how it landed for you, at once. Each to the people who may read it, never to whoever
acted, never once it was answered or read, and never with anyone's words."""

import pytest

from conversations.models import Choice, Feeling
from conversations.services.choices import answer_choice, mark_answers_seen, mark_replies_seen, share_choice, write_back
from notifications import services
from notifications.kinds import Delivery, Kind
from notifications.models import Notice
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.factories import MembershipFactory

from .telling import everything, mails_to, notices_of, prefer, text_of, tick, tomorrow_after_the_digest

pytestmark = pytest.mark.usefixtures("mailoutbox")

WORDS = "CHOICEWORDS"


def shared(author: Membership, *only: Membership) -> Choice:
    audience = [m.public_id for m in only]
    text, why = f"{WORDS} seeing Sam on Friday", f"{WORDS} why"
    return share_choice(author=author, text=text, why=why, everyone=not only, audience=audience)


def answered(choice: Choice, member: Membership, feeling: Feeling = Feeling.UNEASY) -> None:
    answer_choice(member=member, choice=choice, feeling=feeling, note=f"{WORDS} can we talk first?")


def words_back_to(member: Membership) -> list[str]:
    """The mails to ``member`` that tell of a word back (the people joining come in a digest too)."""
    return [text_of(m) for m in mails_to(member) if "wrote back" in text_of(m)]


def told(kind: Kind) -> set[str]:
    return {n.membership.display_name for n in Notice.objects.filter(kind=kind).select_related("membership")}


def test_a_choice_is_told_at_once_to_those_it_was_shared_with_but_its_author(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    shared(ben)
    shared(ana, cy)
    services.collect()
    notices = Notice.objects.filter(kind=Kind.CHOICE).select_related("membership")
    assert sorted(n.membership.display_name for n in notices) == ["Ana", "Cy", "Cy"]
    assert {n.delivery for n in notices} == {Delivery.AT_ONCE}
    assert not notices_of(ben, Kind.CHOICE)  # Ana's choice was Cy's alone


def test_someone_who_joined_after_a_choice_was_shared_is_not_mailed_about_it(ana: Membership, ben: Membership) -> None:
    shared(ben)
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    services.collect()
    assert told(Kind.CHOICE) == {"Ana"}
    assert not notices_of(eli)


def test_a_choice_answered_before_the_tick_is_not_mailed(ana: Membership, ben: Membership, cy: Membership) -> None:
    choice = shared(ben)
    answered(choice, ana)
    tick()
    assert not [m for m in mails_to(ana) if "shared a choice" in text_of(m)]
    assert "Ben shared a choice with you, and would like to hear how it lands." in text_of(mails_to(cy)[0])
    (notice,) = notices_of(ana, Kind.CHOICE)
    assert (notice.status, notice.why_skipped) == (Notice.Status.SKIPPED, "answered already")


def test_how_a_choice_landed_is_told_to_its_author_alone_in_the_digest_once_per_person(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = shared(ben)
    answered(choice, ana)
    answered(choice, ana, Feeling.OKAY)  # changed her mind: one line still
    answered(choice, cy, Feeling.SAFE)
    tick()
    assert told(Kind.LANDED) == {"Ben"}
    assert {n.delivery for n in notices_of(ben, Kind.LANDED)} == {Delivery.DIGEST}
    assert not mails_to(ben)  # the digest, not at once
    tick(now=tomorrow_after_the_digest())
    (digest,) = mails_to(ben)
    body = text_of(digest)
    assert "How your choices landed" in body
    assert body.count("Ana said how a choice you shared lands.") == 1
    assert body.count("Cy said how a choice you shared lands.") == 1
    assert choice.get_absolute_url() in body


def test_an_author_who_read_how_it_landed_is_not_told_again(ana: Membership, ben: Membership) -> None:
    choice = shared(ben)
    answered(choice, ana)
    services.collect()
    mark_answers_seen(member=ben, choice=choice)
    tick(now=tomorrow_after_the_digest())
    assert not mails_to(ben)
    (notice,) = notices_of(ben, Kind.LANDED)
    assert notice.why_skipped == "seen already"


def test_a_word_back_is_told_at_once_to_the_person_written_to_alone(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choice = shared(ben)
    answered(choice, ana)
    answered(choice, cy)
    tick()
    write_back(author=ben, choice=choice, to=ana.public_id, note=f"{WORDS} of course: Thursday?")
    tick()
    assert told(Kind.WORDS_BACK) == {"Ana"}
    assert notices_of(ana, Kind.WORDS_BACK)[0].delivery == Delivery.AT_ONCE
    assert not words_back_to(cy)
    (word,) = mails_to(ana)
    assert "Ben wrote back to how a choice landed for you." in text_of(word)
    assert word.subject == f"A word back about a choice in {ana.polycule.name}"


def test_a_word_back_read_before_the_tick_is_not_mailed(ana: Membership, ben: Membership) -> None:
    choice = shared(ben)
    answered(choice, ana)
    write_back(author=ben, choice=choice, to=ana.public_id, note="Thursday?")
    services.collect()
    mark_replies_seen(member=ana, choice=choice)
    tick(now=tomorrow_after_the_digest())
    assert not words_back_to(ana)
    assert notices_of(ana, Kind.WORDS_BACK)[0].why_skipped == "seen already"


def test_an_author_who_left_is_not_told_how_their_choice_landed(ana: Membership, ben: Membership) -> None:
    choice = shared(ben)
    answered(choice, ana)
    services.collect()
    leave_polycule(membership=ben)
    tick(now=tomorrow_after_the_digest())
    assert not mails_to(ben)
    assert notices_of(ben, Kind.LANDED)[0].why_skipped == "left the polycule"


def test_no_mail_about_a_choice_carries_its_words_a_feeling_or_a_word_back_even_with_titles(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    for member in (ana, ben, cy):
        prefer(member, include_titles=True)
    choice = shared(ben)
    answered(choice, ana)
    write_back(author=ben, choice=choice, to=ana.public_id, note=f"{WORDS} Thursday?")
    shared(ana)
    tick()
    tick(now=tomorrow_after_the_digest())
    kinds = {n.kind for n in Notice.objects.filter(status=Notice.Status.SENT)}
    assert {Kind.CHOICE, Kind.LANDED, Kind.WORDS_BACK} <= kinds  # the test means something
    for message in [*mails_to(ana), *mails_to(ben), *mails_to(cy)]:
        text = everything(message)
        for word in (WORDS, "uneasy", "Uneasy"):
            assert word not in text, f"{word} reached {message.to} in “{message.subject}”"
