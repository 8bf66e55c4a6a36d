"""What a mail says (promise 13 for mail): by default the kind of thing that waits and the
polycule, with a link, and nobody's words; titles only for someone who chose them; never a
text, a note, a journal entry or an answer. Every mail can stop each of its kinds in one click."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from accounts.models import OutboundMail
from conversations.models import Feeling
from conversations.services import checkins, discussions, journal
from conversations.services import rounds as round_services
from conversations.services.choices import answer_choice, share_choice, write_back
from notifications import letters, services, unsubscribe
from notifications.kinds import Kind
from notifications.letters import HEADINGS
from notifications.models import Letter
from relationships.models import Membership, Polycule
from tests.conversations.routes_rounds import ask
from tests.factories import MembershipFactory
from tests.values.build import Answer, boundary, current, old_boundary, proposed
from values import services as values
from values.models import Acknowledgment, Proposal

from .telling import everything, html_of, later, mails_to, prefer, text_of, tick, tomorrow_after_the_digest

pytestmark = pytest.mark.usefixtures("mailoutbox")

# Titles, which a mail may carry for someone who chose titles.
TITLES = {
    "TITLECANARY-ben-boundary",
    "TITLECANARY-ana-boundary",
    "TITLECANARY-ana-proposal",
    "TITLECANARY-ben-proposal",
    "TITLECANARY-withdrawn",
    "TITLECANARY-checkin",
    "TITLECANARY-prompt",
    "TITLECANARY-review",
}
# Words that no mail ever carries: texts, whys, notes, comments, choices, how they landed and
# words back, topics, actions, answers, a journal, a sealed answer, and a boundary Cy may not see (its title included).
NEVER = "WORDSCANARY"
JOURNAL = "JOURNAL-CANARY"
SEALED = "SEALED-CANARY"
HIDDEN = "HIDDENCANARY"


def _words(what: str) -> dict[str, str]:
    return {"text": f"{NEVER}-{what}-text", "why": f"{NEVER}-{what}-why"}


def _proposed(proposer: Membership, title: str, what: str) -> Proposal:
    return proposed(proposer, title, text=f"{NEVER}-{what}-text", why=f"{NEVER}-{what}-why")


def _plant(ana: Membership, ben: Membership, cy: Membership) -> datetime:
    """Something of every kind for Ana, each with words that must not travel; when the
    check-in in it is planned (everyone's digest comes the hour before)."""
    theirs = boundary(ben, title="TITLECANARY-ben-boundary", **_words("ben-boundary"))
    boundary(ben, title=f"{HIDDEN}-title", everyone=False, audience=[ana.public_id], **_words(HIDDEN))
    mine = boundary(ana, title="TITLECANARY-ana-boundary", **_words("ana-boundary"))
    values.suggest_change(author=ben, item=mine, base_number=1, **_words("suggestion"))
    talk = Acknowledgment.Answer.TALK
    values.acknowledge(member=cy, item=mine, version_number=1, answer=talk, note=f"{NEVER}-ack-note")
    discussions.comment_about(author=cy, item=mine, version=current(mine), text=f"{NEVER}-comment")
    # Ana wrote about Ben's boundary, then Ben did: she is told someone wrote where she took part.
    discussions.comment_about(author=ana, item=theirs, version=current(theirs), text=f"{NEVER}-ana-comment")
    discussions.comment_about(author=ben, item=theirs, version=current(theirs), text=f"{NEVER}-ben-comment")
    values.acknowledge(member=cy, item=theirs, version_number=1, answer=talk, note=f"{NEVER}-cy-note")

    my_proposal = _proposed(ana, "TITLECANARY-ana-proposal", "ana-proposal")
    values.respond(member=ben, proposal=my_proposal, revision_number=1, answer=Answer.OBJECT, note=f"{NEVER}-objection")
    their_proposal = _proposed(ben, "TITLECANARY-ben-proposal", "ben-proposal")
    values.nudge(proposer=ben, proposal=their_proposal)
    values.withdraw(proposer=cy, proposal=_proposed(cy, "TITLECANARY-withdrawn", "withdrawn"))
    old_boundary(cy, days=31, review_every_days=30, title="TITLECANARY-review")

    waiting = ask(ben, ana, cy, prompt="TITLECANARY-prompt: what if we moved?")
    round_services.answer(member=cy, round=waiting, text=f"{SEALED} Cy's answer, sealed")
    revealed = ask(ben, ana, prompt="TITLECANARY-prompt: what if we lived apart?")
    round_services.answer(member=ana, round=revealed, text=f"{NEVER}-ana-answer")
    round_services.answer(member=ben, round=revealed, text=f"{NEVER}-ben-answer")  # the last: Ana is told

    soon = timezone.now().astimezone(UTC) + timedelta(hours=6)
    checkin = checkins.plan_checkin(
        by=ben, title="TITLECANARY-checkin", day=soon.date(), at=time(soon.hour), time_zone="UTC"
    )
    for member in (ana, ben, cy):
        prefer(member, digest_hour=(checkin.scheduled_for - timedelta(hours=1)).hour)
    checkins.add_topic(member=ben, checkin=checkin, title=f"{NEVER}-topic")
    tomorrow = timezone.now().date() + timedelta(days=1)
    checkins.agree_action(member=ben, checkin=checkin, owner=ana, text=f"{NEVER}-action", due_on=tomorrow)

    share_choice(author=ben, text=f"{NEVER}-choice", why=f"{NEVER}-choice-why")
    theirs_to_answer = share_choice(author=cy, text=f"{NEVER}-cy-choice")
    answer_choice(member=ana, choice=theirs_to_answer, feeling=Feeling.UNEASY, note=f"{NEVER}-feeling-note")
    write_back(author=cy, choice=theirs_to_answer, to=ana.public_id, note=f"{NEVER}-words-back")
    my_choice = share_choice(author=ana, text=f"{NEVER}-ana-choice")
    answer_choice(member=ben, choice=my_choice, feeling=Feeling.OKAY, note=f"{NEVER}-ben-feeling-note")
    journal.write_entry(author=ana.user, text=f"{JOURNAL} Ana's own")
    journal.write_entry(author=ben.user, text=f"{JOURNAL} Ben's own")
    return checkin.scheduled_for


def _every_tick(checkin_at: datetime) -> None:
    tick()
    tick(now=later(hours=2))
    tick(now=checkin_at - timedelta(minutes=30))  # the digest, before the check-in
    tick(now=tomorrow_after_the_digest())
    tick(now=later(days=3, hours=2))  # the round still waiting: a reminder


def _headings(messages: list[EmailMessage]) -> set[Kind]:
    text = "".join(text_of(m) for m in messages)
    return {kind for kind, heading in HEADINGS.items() if f"{heading}\n" in text}


def test_with_default_choices_no_mail_carries_anyone_s_words(ana: Membership, ben: Membership, cy: Membership) -> None:
    _every_tick(_plant(ana, ben, cy))
    kinds_for_ana = _headings(mails_to(ana))
    # The test means something: Ana heard about every kind there is.
    assert kinds_for_ana == set(Kind), set(Kind) - kinds_for_ana
    for message in [*mails_to(ana), *mails_to(ben), *mails_to(cy)]:
        text = everything(message)
        for word in ("CANARY", NEVER, JOURNAL, SEALED, HIDDEN):
            assert word not in text, f"{word} reached {message.to} in “{message.subject}”"


def test_with_titles_chosen_a_mail_carries_titles_and_never_texts_notes_or_answers(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    checkin_at = _plant(ana, ben, cy)
    for member in (ana, ben, cy):
        prefer(member, include_titles=True)
    _every_tick(checkin_at)
    to_ana = "".join(everything(m) for m in mails_to(ana))
    assert {title for title in TITLES if title in to_ana} == TITLES
    assert f"{HIDDEN}-title" in to_ana  # Ana may see Ben's private boundary
    for message in [*mails_to(ana), *mails_to(ben), *mails_to(cy)]:
        text = everything(message)
        for word in (NEVER, JOURNAL, SEALED):
            assert word not in text, f"{word} reached {message.to} in “{message.subject}”"
    assert HIDDEN not in "".join(everything(m) for m in mails_to(cy))


def test_a_mail_carries_a_one_click_unsubscribe_for_its_person_and_each_kind(ana: Membership, ben: Membership) -> None:
    boundary(ben)
    proposed(ben)
    tick()
    (message,) = mails_to(ana)
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http")
    assert header.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.read(header[1:-1].rsplit("/", 2)[-2]) == (ana.user, Kind.VERSION)
    # Each kind's link, read back (a token carries the second it was signed, so it is not
    # compared as a string).
    for text in (str(message.body), html_of(message)):
        tokens = re.findall(r"/notifications/unsubscribe/([^/\s\"]+)/", text)
        assert {unsubscribe.read(token) for token in tokens} == {(ana.user, Kind.VERSION), (ana.user, Kind.PROPOSAL)}
    assert "/notifications/" in message.body
    assert "Change what you hear about, and when" in message.body


def test_the_footer_says_why_the_mail_came(ana: Membership, ben: Membership, default_digest_hour: int) -> None:
    boundary(ben)
    tick()
    tick(now=tomorrow_after_the_digest())
    at_once, digest = mails_to(ana)
    assert "tells you about these things at once" in at_once.body
    assert "daily digest" in digest.body
    assert f"at {default_digest_hour}:00 your time" in digest.body


def test_a_letter_whose_things_all_stopped_mattering_is_not_sent(ana: Membership, ben: Membership) -> None:
    item = boundary(ben)
    services.collect()
    # The worker is late: Ana answers between the tick and the mail being written.
    letter = Letter.objects.create(user=ana.user, sort=Letter.Sort.AT_ONCE)
    ana.user.notices.filter(kind=Kind.VERSION).update(letter=letter, status="sent")
    values.acknowledge(member=ana, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    assert letters.build(letter.pk) is None


def test_the_outbox_marks_a_mail_with_nothing_left_to_say_as_not_sent(ana: Membership, ben: Membership) -> None:
    item = boundary(ben)
    services.collect()
    values.acknowledge(member=ana, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    letter = Letter.objects.create(user=ana.user, sort=Letter.Sort.AT_ONCE)
    ana.user.notices.filter(kind=Kind.VERSION).update(letter=letter, status="sent")
    from accounts import mail

    outgoing = mail.queue_built(services.BUILDER, letter.pk, ana.user.email)
    outgoing.refresh_from_db()
    assert outgoing.status == OutboundMail.Status.CANCELLED
    assert not mails_to(ana)


def test_markup_in_a_polycule_s_or_a_person_s_name_stays_inert(ana: Membership, ben: Membership) -> None:
    Polycule.objects.filter(pk=ana.polycule_id).update(name="<script>alert('p')</script>")
    Membership.objects.filter(pk=ben.pk).update(display_name="<img src=x onerror=alert(1)>")
    ben.refresh_from_db()
    boundary(ben)
    tick()
    html = html_of(mails_to(ana)[0])
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_someone_in_two_polycules_hears_where_each_thing_waits(
    ana: Membership, ben: Membership, zed: Membership
) -> None:
    MembershipFactory.create(polycule=zed.polycule, user=ana.user, display_name="Ana")
    boundary(ben)
    boundary(zed)
    tick()
    (message,) = mails_to(ana)
    assert f"In {ana.polycule.name}: Ben set a new boundary" in message.body
    assert f"In {zed.polycule.name}: Zed set a new boundary" in message.body
