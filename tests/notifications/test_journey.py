"""The journey of issue 8, as the people make it: Ben changes a boundary; Ana, who hears at
once, gets one mail at the next tick, follows its link and acknowledges; Cy, who chose the
digest for boundaries, reads it in the next day's digest; nobody hears anything twice, and
Ana is not reminded once she has answered."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.mail import EmailMessage

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
