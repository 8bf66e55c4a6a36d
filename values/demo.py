"""Demo values, boundaries and agreements with a history, set months apart."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from relationships.models import Membership

from .models import (
    Acknowledgment,
    Category,
    Consent,
    Event,
    Item,
    ItemAudience,
    Kind,
    Proposal,
    ProposalRevision,
    Response,
    Version,
)

WEEKNIGHT_SLEEPOVERS = "Weeknight sleepovers"


def _ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def _event(
    item: Item,
    kind: Event.Kind,
    actor: Membership,
    days: int,
    *,
    version: Version | None = None,
    proposal: Proposal | None = None,
) -> None:
    """The timeline's line for what the demo wrote ``days`` ago."""
    Event.objects.create(
        polycule_id=item.polycule_id,
        kind=kind,
        actor=actor,
        item=item,
        version=version,
        proposal=proposal,
        created_at=_ago(days),
    )


def _item(
    author: Membership,
    kind: Kind,
    category: Category,
    versions: list[tuple[int, str, str, str]],
    *,
    owner: Membership | None = None,
    audience: list[Membership] | None = None,
    review: int | None = None,
) -> Item:
    """versions: (days ago, title, text, why), oldest first."""
    first = versions[0][0]
    item = Item.objects.create(
        polycule=author.polycule,
        kind=kind,
        category=category,
        owner=owner,
        everyone=audience is None,
        review_every_days=review,
        created_by=author,
        created_at=_ago(first),
    )
    for member in audience or []:
        ItemAudience.objects.create(item=item, membership=member, added_at=_ago(first))
    for number, (days, title, text, why) in enumerate(versions, start=1):
        version = Version.objects.create(
            item=item, number=number, title=title, text=text, why=why, author=author, created_at=_ago(days)
        )
        kind_of_event = Event.Kind.ITEM_CREATED if number == 1 else Event.Kind.VERSION_ADOPTED
        _event(item, kind_of_event, author, days, version=version)
    item.current_version, item.current_title = version, version.title
    item.save(update_fields=["current_version", "current_title"])
    return item


def _consent_all(item: Item, members: list[Membership], days: int) -> None:
    assert item.current_version is not None
    for member in members:
        Consent.objects.create(version=item.current_version, member=member, created_at=_ago(days))


def _ack(
    item: Item,
    member: Membership,
    days: int,
    note: str = "",
    answer: Acknowledgment.Answer = Acknowledgment.Answer.UNDERSTOOD,
) -> None:
    assert item.current_version is not None
    Acknowledgment.objects.create(
        version=item.current_version,
        member=member,
        answer=answer,
        note=note,
        created_at=_ago(days),
    )
    _event(item, Event.Kind.ACKNOWLEDGED, member, days, version=item.current_version)


def _proposal(
    item: Item,
    proposer: Membership,
    change: Proposal.Change,
    wording: tuple[str, str, str],
    *,
    answered: list[tuple[Membership, int]],
) -> None:
    """An open proposal on ``item``, consented to by ``answered`` (member, days ago), the first
    of whom opened it: the proposer consents by proposing."""
    opened = answered[0][1]
    proposal = Proposal.objects.create(
        item=item,
        polycule_id=item.polycule_id,
        change=change,
        proposer=proposer,
        base_version=item.current_version,
        created_at=_ago(opened),
    )
    title, text, why = wording
    revision = ProposalRevision.objects.create(
        proposal=proposal, number=1, title=title, text=text, why=why, created_at=_ago(opened)
    )
    proposal.revision = revision
    proposal.save(update_fields=["revision"])
    for member, days in answered:
        Response.objects.create(
            revision=revision,
            member=member,
            polycule_id=item.polycule_id,
            item=item,
            proposal=proposal,
            answer=Response.Answer.CONSENT,
            created_at=_ago(days),
        )
    _event(item, Event.Kind.PROPOSAL_OPENED, proposer, opened, proposal=proposal)


@transaction.atomic
def seed_values(people: dict[str, Membership]) -> bool:
    """Adds the demo items once; returns False when they were already there."""
    ana, ben, cy = people["Ana"], people["Ben"], people["Cy"]
    if Item.objects.filter(polycule=ana.polycule).exists():
        return False
    everyone = [ana, ben, cy]
    # Ana and Ben have been together for years; Cy joined later.
    Membership.objects.filter(pk__in=[ana.pk, ben.pk]).update(joined_at=_ago(400))
    Membership.objects.filter(pk=cy.pk).update(joined_at=_ago(200))

    kids = _item(
        ana,
        Kind.VALUE,
        Category.FAMILY,
        [
            (
                240,
                "Our children's needs come before the needs of new partners",
                "Our children's needs come before the needs of new partners.",
                "When Ben started dating again we promised each other the kids would never feel they came second.",
            )
        ],
        review=365,
    )
    _consent_all(kids, everyone, 238)

    barriers = _item(
        ben,
        Kind.AGREEMENT,
        Category.HEALTH,
        [
            (
                300,
                "Barriers with new partners",
                "Barriers with new partners, always.",
                "We wanted a simple rule to start.",
            ),
            (
                120,
                "Barriers with new partners until test results are shared",
                "Barriers with new partners until test results are shared with all of us.",
                "Cy pointed out that 'always' didn't match what we actually do once results are in.",
            ),
        ],
        review=90,
    )
    _consent_all(barriers, everyone, 118)

    sleepovers = _item(
        ben,
        Kind.BOUNDARY,
        Category.HOME,
        [
            (
                150,
                "Sleepovers",
                "I'd like to hear about a sleepover before it happens.",
                "A surprise night away left me feeling shut out.",
            ),
            (
                3,
                "Sleepovers",
                "I need to hear about a sleepover the day before it happens, not after.",
                "'Before' turned out to mean an hour before. A day gives me time to plan my own evening.",
            ),
        ],
        owner=ben,
    )
    _ack(
        sleepovers,
        cy,
        2,
        "Makes sense, thank you for saying it plainly. Can we talk about when plans change late?",
        Acknowledgment.Answer.TALK,
    )

    dates = _item(
        cy,
        Kind.BOUNDARY,
        Category.NEW_PARTNERS,
        [
            (
                60,
                "Tell me about new dates within a week",
                "When you start seeing someone new, tell me within a week.",
                "I found out about a new partner from a photo, and it stung.",
            )
        ],
        owner=cy,
    )
    _ack(dates, ben, 58)

    weeknights = _item(
        ana,
        Kind.AGREEMENT,
        Category.HOME,
        [
            (
                180,
                WEEKNIGHT_SLEEPOVERS,
                "No sleepovers on school nights, so mornings stay calm for the kids.",
                "Ana and Ben share the school run; this is between the two of us.",
            )
        ],
        audience=[ana, ben],
    )
    _consent_all(weeknights, [ana, ben], 179)

    checkin = Item.objects.create(
        polycule=ana.polycule,
        kind=Kind.AGREEMENT,
        category=Category.COMMUNICATION,
        everyone=True,
        created_by=cy,
        created_at=_ago(2),
    )
    _proposal(
        checkin,
        cy,
        Proposal.Change.CREATE,
        (
            "A monthly check-in on the first Sunday",
            "On the first Sunday of each month we sit down together for an hour: how are we, what's due, what's new.",
            "We only talk about the hard things when something has already gone wrong.",
        ),
        answered=[(cy, 2), (ben, 1)],
    )
    # A change to a live agreement, waiting on Ben: the cards say that a change is proposed.
    _proposal(
        barriers,
        ana,
        Proposal.Change.REVISE,
        (
            "Barriers with new partners until recent test results are shared",
            "Barriers with new partners until test results from the last three months are shared with all of us.",
            "A result from last year doesn't tell us much. Three months is what the clinic said they'd trust.",
        ),
        answered=[(ana, 4), (cy, 3)],
    )
    return True
