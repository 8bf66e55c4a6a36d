"""The journeys of being told, as the people make them. Ben changes a boundary; Ana, who hears at
once, gets one mail at the next tick, follows its link and acknowledges; Cy, who chose the
digest for boundaries, reads it in the next day's digest; nobody hears anything twice, and
Ana is not reminded once she has answered. Ben shares a choice; Ana hears at once, follows the
link and says how it lands; Ben reads in his digest that she did (not how), writes back, and Ana
hears of that at once; no mail carries anyone's words."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse

from notifications.kinds import Delivery, Kind
from relationships.models import Membership
from tests.conftest import client_for
from tests.values.build import UNDERSTOOD, boundary, url
from values import services as values

from .telling import choose, later, mails_to, quiet, text_of, tick, tomorrow_after_the_digest

pytestmark = pytest.mark.usefixtures("mailoutbox")


def _about_boundaries(member: Membership) -> list[EmailMessage]:
    return [m for m in mails_to(member) if "a boundary" in text_of(m)]


def _item_link(message: EmailMessage) -> str:
    found = re.search(r"https?://\S+/items/[0-9a-f-]+/", text_of(message))
    assert found, text_of(message)
    return urlsplit(found.group(0)).path


def test_ben_changes_a_boundary_ana_hears_at_once_and_acknowledges_cy_reads_it_in_the_digest(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choose(cy, Kind.VERSION, Delivery.DIGEST)
    item = boundary(ben, title="Sleepovers", text="Tell me before, not after.")
    for member in (ana, cy):
        values.acknowledge(member=member, item=item, version_number=1, answer=UNDERSTOOD)
    tick()
    quiet()

    changed = client_for(ben).post(
        url("boundary_edit", ben, item_id=item.public_id),
        {"title": "Sleepovers", "text": "Tell me two days before.", "why": "Time to adjust.", "base": 1},
    )
    assert changed.status_code == 302
    tick()
    (message,) = _about_boundaries(ana)
    assert "Ben changed a boundary" in text_of(message)
    assert "Tell me two days before" not in text_of(message)
    assert not _about_boundaries(cy)
    assert not mails_to(ben)

    page = client_for(ana).get(_item_link(message))
    assert page.status_code == 200
    assert b"Tell me two days before." in page.content
    acknowledge = url("boundary_acknowledge", ana, item_id=item.public_id)
    assert acknowledge.encode() in page.content
    answered = client_for(ana).post(acknowledge, {"version": 2, "answer": "understood", "note": ""})
    assert answered.status_code == 302

    tick()
    tick(now=later(hours=2))
    assert len(_about_boundaries(ana)) == 1
    assert not _about_boundaries(cy)

    tick(now=tomorrow_after_the_digest())
    (digest,) = _about_boundaries(cy)
    assert digest.subject.startswith("Your Trellis digest")
    assert "Ben changed a boundary" in text_of(digest)
    assert _item_link(digest) == _item_link(message)
    assert len(_about_boundaries(ana)) == 1, "Ana answered: she is not reminded"

    sent = [len(mails_to(member)) for member in (ana, ben, cy)]
    tick(now=tomorrow_after_the_digest())
    tick(now=later(days=2, hours=2))
    assert [len(mails_to(member)) for member in (ana, ben, cy)] == sent


def _choice_link(message: EmailMessage) -> str:
    found = re.search(r"https?://\S+/choices/[0-9a-f-]+/", text_of(message))
    assert found, text_of(message)
    return urlsplit(found.group(0)).path


def _mentioning(member: Membership, words: str) -> list[EmailMessage]:
    return [m for m in mails_to(member) if words in text_of(m)]


def test_ben_shares_a_choice_ana_hears_at_once_answers_ben_reads_how_it_landed_and_writes_back(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    tick()
    quiet()
    share = reverse("conversations:choice_create", kwargs={"polycule_id": ben.polycule.public_id})
    words = {"text": "Seeing Sam on Friday, home by eleven.", "why": "To meet properly", "everyone": "1"}
    assert client_for(ben).post(share, words).status_code == 302
    tick()
    (told,) = _mentioning(ana, "Ben shared a choice with you")
    assert told.subject == f"A choice shared with you in {ana.polycule.name}"
    assert "Sam" not in text_of(told)
    assert _mentioning(cy, "Ben shared a choice with you")
    assert not mails_to(ben)

    link = _choice_link(told)
    assert b"Seeing Sam on Friday" in client_for(ana).get(link).content
    said = client_for(ana).post(link + "answer/", {"feeling": "uneasy", "note": "Can we talk about Saturday?"})
    assert said.status_code == 302

    tick(now=later(hours=2))
    assert not _mentioning(ben, "said how a choice you shared lands"), "in the digest, not at once"
    tick(now=tomorrow_after_the_digest())
    (digest,) = _mentioning(ben, "Ana said how a choice you shared lands.")
    assert "uneasy" not in text_of(digest).lower()
    assert "Saturday" not in text_of(digest)
    assert _choice_link(digest) == link
    ana_id = str(ana.public_id)
    wrote = client_for(ben).post(link + "write-back/", {"to": ana_id, "note": "Of course: Thursday evening?"})
    assert wrote.status_code == 302

    tick(now=later(days=1, hours=3))
    (word,) = _mentioning(ana, "Ben wrote back to how a choice landed for you.")
    assert "Thursday" not in text_of(word)
    assert b"Of course: Thursday evening?" in client_for(ana).get(_choice_link(word)).content

    sent = [len(mails_to(member)) for member in (ana, ben, cy)]
    tick(now=later(days=1, hours=5))
    tick(now=later(days=2, hours=2))
    assert [len(mails_to(member)) for member in (ana, ben, cy)] == sent
