"""Being told that someone wrote in a conversation you are part of: in the digest by default, to
whoever it is about (a boundary's owner, a proposal's proposer) and to those who wrote in it
before; never to whoever wrote, nor to someone who muted it or wrote again since; one line per
conversation, and never the words."""

import pytest

from conversations.models import Comment
from conversations.services import discussions
from conversations.services import rounds as round_services
from notifications import services
from notifications.kinds import Delivery, Kind
from notifications.models import Notice
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.conversations.routes_rounds import ask
from tests.values.build import adopted, boundary, current, proposed
from values import services as values
from values.models import Item

from .telling import everything, mails_to, notices_of, prefer, text_of, tick, tomorrow_after_the_digest

pytestmark = pytest.mark.usefixtures("mailoutbox")

WORDS = "COMMENTWORDS"


def said(author: Membership, item: Item, text: str = "") -> Comment:
    return discussions.comment_about(author=author, item=item, version=current(item), text=text or f"{WORDS} {author}")


def told() -> list[str]:
    """Who was told of a comment, by name: once per comment."""
    rows = Notice.objects.filter(kind=Kind.WROTE).select_related("membership").order_by("membership__display_name")
    return [n.membership.display_name for n in rows]


def digest_lines(member: Membership) -> list[str]:
    return [line for m in mails_to(member) for line in text_of(m).splitlines() if " wrote " in line]


def test_a_comment_is_told_in_the_digest_to_those_who_wrote_there_before_and_nobody_else(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = adopted(ana, ben, cy)  # an agreement: nobody's own
    said(ana, item)  # the first word: nobody wrote before
    services.collect()
    assert told() == []
    said(ben, item)  # Ana wrote before: told; Cy, who never wrote there, is not
    services.collect()
    assert told() == ["Ana"]
    assert notices_of(ana, Kind.WROTE)[0].delivery == Delivery.DIGEST
    said(cy, item)  # now Ana and Ben wrote before: both told, Cy never of her own
    services.collect()
    assert told() == ["Ana", "Ana", "Ben"]
    tick(now=tomorrow_after_the_digest())
    # One line for the conversation, naming whoever wrote last.
    (line,) = digest_lines(ana)
    assert "Cy wrote in a conversation you took part in." in line
    assert not digest_lines(cy)


def test_someone_who_wrote_again_or_muted_it_before_the_digest_is_not_told(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ben)
    said(ana, item)
    said(cy, item)
    bens = said(ben, item)
    services.collect()
    said(ana, item, "I read it, thank you")  # Ana was there: nothing to tell her of Ben's
    discussions.mute(member=cy, discussion=bens.discussion)
    tick(now=tomorrow_after_the_digest())
    assert not digest_lines(ana)
    assert not digest_lines(cy)
    of_bens = Notice.objects.filter(key=f"comment:{bens.pk}").select_related("membership")
    assert {n.membership.display_name: n.why_skipped for n in of_bens} == {"Ana": "answered already", "Cy": "muted"}


def test_someone_who_left_or_no_longer_sees_it_is_not_told(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ben)
    said(ana, item)
    said(cy, item)
    bens = said(ben, item)
    services.collect()
    leave_polycule(membership=cy)
    values.set_boundary_audience(owner=ben, item=item, everyone=False, audience=[])
    tick(now=tomorrow_after_the_digest())
    assert not digest_lines(ana)
    of_bens = Notice.objects.filter(key=f"comment:{bens.pk}").select_related("membership")
    assert {n.membership.display_name: n.why_skipped for n in of_bens} == {
        "Ana": "cannot see it",
        "Cy": "left the polycule",
    }


def test_whoever_a_conversation_is_about_is_told_from_its_first_word(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ben)
    said(cy, item)
    proposal = proposed(ana, title="A new agreement's title")
    discussions.comment_about(author=cy, item=proposal.item, proposal=proposal, text=f"{WORDS} on the proposal")
    prefer(ana, include_titles=True)
    services.collect()
    assert told() == ["Ana", "Ben"]
    tick()
    tick(now=tomorrow_after_the_digest())
    assert [line.split(": ", 1)[1] for line in digest_lines(ben)] == ["Cy wrote about your boundary."]
    assert [line.split(": ", 1)[1] for line in digest_lines(ana)] == ["Cy wrote about your proposal."]
    # The proposal's own title: the agreement it would make has none yet.
    assert "A new agreement's title" in "".join(everything(m) for m in mails_to(ana))


def test_the_talk_under_a_what_if_is_told_to_those_who_wrote_in_it(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    for member in (ana, ben, cy):
        round_services.answer(member=member, round=round, text=f"{member}'s answer")
    round_services.comment(author=ben, round=round, text=f"{WORDS} ben")
    round_services.comment(author=cy, round=round, text=f"{WORDS} cy")
    services.collect()
    assert told() == ["Ben"]


def test_no_mail_of_a_conversation_carries_its_words_and_titles_only_by_choice(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ben, title="TITLE-OF-IT")
    said(ana, item)
    said(cy, item)
    said(ben, item)
    prefer(ana, include_titles=True)
    tick()
    tick(now=tomorrow_after_the_digest())
    to_ana = "".join(everything(m) for m in mails_to(ana))
    to_cy = "".join(everything(m) for m in mails_to(cy))
    assert "Ben wrote in a conversation you took part in." in to_ana
    assert "Ben wrote in a conversation you took part in." in to_cy
    assert "TITLE-OF-IT" in to_ana
    assert "TITLE-OF-IT" not in to_cy  # Cy did not choose titles
    assert WORDS not in to_ana + to_cy
