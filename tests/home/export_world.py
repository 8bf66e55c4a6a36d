"""A polycule with something of every kind, and canary words planted where only some may read
them: for the export and the printable page (tests/home/test_export.py, test_agreements_print.py
and the browser test). Built through the services, as people would."""

from dataclasses import dataclass
from datetime import time, timedelta

from django.utils import timezone

from conversations.models import Draft, Feeling, JournalEntry, Round
from conversations.services import checkins, choices, discussions, rounds
from relationships.models import Membership
from relationships.services import leave_polycule
from tests import personas
from tests.factories import MembershipFactory
from values import services
from values.models import Acknowledgment, Item, Kind, Response

# What only some may read, and who.
JOURNAL = "JOURNAL-CANARY"  # Ana's journal and draft: Ana alone
SEALED = "SEALED-CANARY"  # Ben's what-if answer: Ben alone, until the reveal
PRIVATE_ITEM = "PRIVATE-ITEM-CANARY"  # Ana's boundary shared with Ben: Ana and Ben
PRIVATE_CHOICE = "PRIVATE-CHOICE-CANARY"  # Ana's choice told to Ben: Ana and Ben
ANSWER_TO_CY = "ANSWER-TO-CY-CANARY"  # Ben's answer to Cy's choice: Ben and Cy
WORDS_BACK = "WORDS-BACK-CANARY"  # Cy's words back to Ben's answer: Ben and Cy
OLD_NOTE = "OLD-NOTE-CANARY"  # Ben's note on version 1 of Ana's boundary, now at version 2: Ben alone
# What everyone in the polycule may read.
SHARED = "Tell me before a sleepover, not after"
SHARED_WHY = "I felt blindsided last spring"
CURRENT_NOTE = "CURRENT-NOTE: thank you for saying it"
COMMENT = "SHARED-COMMENT: we talked it through"
# What Eve wrote before she left, and what the others wrote after.
EVE_WROTE = "EVE-WROTE: I can live with that"
AFTER_EVE = "AFTER-EVE-CANARY"

ALL = (JOURNAL, SEALED, PRIVATE_ITEM, PRIVATE_CHOICE, ANSWER_TO_CY, WORDS_BACK, OLD_NOTE, AFTER_EVE)


@dataclass
class Cast:
    ana: Membership
    ben: Membership
    cy: Membership
    dee: Membership
    eve: Membership  # wrote, then left
    zed: Membership
    shared: Item
    private: Item
    sealed: Round


def forbidden(cast: Cast) -> dict[str, tuple[str, ...]]:
    """For each persona's display name, the words their export and pages must never hold."""
    return {
        "Ana": (SEALED, ANSWER_TO_CY, WORDS_BACK, OLD_NOTE),
        "Ben": (JOURNAL,),
        "Cy": (JOURNAL, SEALED, PRIVATE_ITEM, PRIVATE_CHOICE, OLD_NOTE),
        "Dee": ALL,
        "Eve": (*ALL, SHARED, COMMENT),
        "Zed": (*ALL, SHARED, COMMENT, CURRENT_NOTE),
    }


def build() -> Cast:
    ana = personas.ana()
    polycule = ana.polycule
    ben, cy, dee = personas.ben(polycule), personas.cy(polycule), personas.dee(polycule)
    zed = personas.zed()
    eve = MembershipFactory.create(polycule=polycule, display_name="Eve", user__name="Eve")

    shared = services.create_boundary(owner=ana, title="Sleepovers", text=SHARED, why=SHARED_WHY)
    understood = Acknowledgment.Answer.UNDERSTOOD
    services.acknowledge(member=ben, item=shared, version_number=1, answer=understood, note=OLD_NOTE)
    services.acknowledge(member=eve, item=shared, version_number=1, answer=understood, note=EVE_WROTE)
    leave_polycule(membership=eve)
    services.revise_boundary(
        owner=ana, item=shared, base_number=1, title="Sleepovers", text=SHARED + ", please.", why=SHARED_WHY
    )
    shared.refresh_from_db()
    services.acknowledge(member=cy, item=shared, version_number=2, answer=understood, note=CURRENT_NOTE)
    discussions.comment_about(author=cy, item=shared, text=COMMENT)
    private = services.create_boundary(
        owner=ana, title="Just between us", text=PRIVATE_ITEM, why="Ours.", everyone=False, audience=[ben.public_id]
    )
    value = services.propose_new(
        proposer=ben, kind=Kind.VALUE, title="Kids first", text="Children come first.", why="At the lake."
    )
    for member in (ana, cy):
        services.respond(member=member, proposal=value, revision_number=1, answer=Response.Answer.CONSENT)
    discussions.comment_about(author=ben, item=private, text=f"{PRIVATE_ITEM} talk")

    told_ben = choices.share_choice(author=ana, text=PRIVATE_CHOICE, everyone=False, audience=[ben.public_id])
    choices.answer_choice(member=ben, choice=told_ben, feeling=Feeling.OKAY, note=f"{PRIVATE_CHOICE} landed")
    cys = choices.share_choice(author=cy, text="I am going to the festival with Noor.")
    choices.answer_choice(member=ben, choice=cys, feeling=Feeling.UNEASY, note=ANSWER_TO_CY)
    choices.answer_choice(member=ana, choice=cys, feeling=Feeling.SAFE, note="Have fun.")
    choices.write_back(author=cy, choice=cys, to=ben.public_id, note=WORDS_BACK)

    sealed = rounds.open_round(
        asker=ana, prompt="What if we moved in together?", participants=[ben.public_id, cy.public_id]
    )
    rounds.answer(member=ben, round=sealed, text=f"Slowly. {SEALED}")

    checkin = checkins.plan_checkin(
        by=ana,
        title="Spring check-in",
        day=timezone.localdate() + timedelta(days=7),
        at=time(19, 0),
        time_zone="Europe/London",
    )
    topic = checkins.add_topic(member=ben, checkin=checkin, title="Holidays")
    checkins.add_note(member=cy, topic=topic, text="Two weeks in August.")

    entry = JournalEntry.objects.create(author=ana.user, text=f"I am tired of saying yes. {JOURNAL}")
    Draft.objects.create(
        author=ana.user, entry=entry, membership=ana, kind=Draft.Kind.BOUNDARY, data={"title": JOURNAL}
    )
    discussions.comment_about(author=ana, item=shared, text=f"Written after Eve left. {AFTER_EVE}")
    return Cast(ana=ana, ben=ben, cy=cy, dee=dee, eve=eve, zed=zed, shared=shared, private=private, sealed=sealed)
