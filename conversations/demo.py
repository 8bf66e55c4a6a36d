"""Demo talk for the demo polycule: a discussion Cy asked for, a choice of Ben's (and his words
back to Ana's answer), two "what if" rounds (one still sealed for Ana), a past check-in and the
next one, and Ana's journal.

Two canary words are planted where they must stay private: JOURNAL-CANARY in Ana's journal
(Ben and Cy must never see it) and SEALED-CANARY in Ben's sealed answer (Ana must not see it
before she answers)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from relationships.models import Membership
from values.models import Acknowledgment, Item, Kind

from .models import (
    Action,
    CheckIn,
    Choice,
    ChoiceReply,
    ChoiceResponse,
    Comment,
    CommentRevision,
    Discussion,
    Draft,
    Feeling,
    JournalEntry,
    Reconnect,
    Round,
    RoundAnswer,
    RoundParticipant,
    Topic,
    TopicNote,
)
from .prompts.whatif import Theme

JOURNAL_CANARY = "JOURNAL-CANARY"
SEALED_CANARY = "SEALED-CANARY"


def _ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def _say(discussion: Discussion, author: Membership, text: str, days: float, parent: Comment | None = None) -> Comment:
    comment = Comment.objects.create(discussion=discussion, author=author, parent=parent, created_at=_ago(days))
    CommentRevision.objects.create(comment=comment, number=1, text=text, created_at=_ago(days))
    return comment


def _round(asker: Membership, prompt: str, theme: Theme, people: list[Membership], days: float) -> Round:
    asked = Round.objects.create(
        polycule=asker.polycule, asker=asker, prompt=prompt, theme=theme, created_at=_ago(days)
    )
    RoundParticipant.objects.bulk_create(RoundParticipant(round=asked, membership=m) for m in people)
    return asked


@transaction.atomic
def seed_conversations(people: dict[str, Membership]) -> bool:
    """Adds the demo talk once; returns False when it was already there."""
    ana, ben, cy = people["Ana"], people["Ben"], people["Cy"]
    polycule = ana.polycule
    if Round.objects.filter(polycule=polycule).exists():
        return False
    everyone = [ana, ben, cy]

    # Cy would like to talk about the new version of Ben's "Sleepovers"; a short discussion follows.
    sleepovers = Item.objects.get(polycule=polycule, kind=Kind.BOUNDARY, owner=ben)
    version = sleepovers.current_version
    assert version is not None
    talk = Acknowledgment.objects.get(version=version, member=cy)
    assert talk.answer == Acknowledgment.Answer.TALK
    discussion = Discussion.objects.create(
        polycule=polycule, item=sleepovers, version=version, started_by=cy, created_at=_ago(1.9)
    )
    opening = _say(
        discussion,
        cy,
        "I get why a day helps you. What about when plans change late, say a train is cancelled and I "
        "can't get home? I'd rather ring you than break this without a word.",
        1.9,
    )
    _say(
        discussion,
        ben,
        "Ringing me is exactly right when something changes late. It's the planned ones I want to know about the "
        "day before.",
        1.5,
        parent=opening,
    )

    # Ben tells the others about a choice; it lands differently for Ana and for Cy.
    choice = Choice.objects.create(
        polycule=polycule,
        author=ben,
        text="I'm seeing Sam on Friday. We'll stay in at Sam's, and I'll be home by eleven.",
        why="We've been messaging for a few weeks and I'd like to meet properly."
        " I wanted you to hear it from me first.",
        created_at=_ago(1),
        answers_seen_at=_ago(0.6),  # when he wrote back to Ana; Cy answered since
    )
    choice.items.add(sleepovers)
    ChoiceResponse.objects.create(
        choice=choice,
        member=ana,
        feeling=Feeling.UNEASY,
        note="It's the first Friday of the school holidays; can we talk about the weekend plan before?",
        created_at=_ago(0.8),
    )
    # Ben writes back to Ana alone; she has not read it yet, so her dashboard tells her.
    ChoiceReply.objects.create(
        choice=choice,
        to=ana,
        note="Of course. Thursday evening, before I go? I'll keep Saturday and Sunday for us and the kids.",
        created_at=_ago(0.6),
    )
    # Cy says it feels safe after that: it waits on Ben's dashboard.
    ChoiceResponse.objects.create(choice=choice, member=cy, feeling=Feeling.SAFE, created_at=_ago(0.4))

    # A "what if" for all three: Ben and Cy have answered; Ana has not, so theirs stay sealed.
    sealed = _round(
        cy,
        "What if one of us fell for someone new and wanted to spend much more time with them?",
        Theme.NEW_PARTNERS,
        everyone,
        3,
    )
    RoundAnswer.objects.create(
        round=sealed,
        member=ben,
        text=f"I'd want us to slow down and talk before the calendar changes, not after. ({SEALED_CANARY})",
        created_at=_ago(2),
        updated_at=_ago(2),
    )
    RoundAnswer.objects.create(
        round=sealed,
        member=cy,
        text="I'd try to say it out loud early, even if it's awkward, and ask what each of you would need.",
        created_at=_ago(2.5),
        updated_at=_ago(2.5),
    )

    # One already revealed, with a word under it.
    revealed = _round(
        ana, "How would we handle things if we were long distance for a year?", Theme.DISTANCE, everyone, 40
    )
    for member, words, days in (
        (ana, "A call every evening, even a short one, and one visit a month that we plan together.", 39),
        (ben, "Video dinners on Sundays. I'd worry about the kids noticing the distance more than us.", 38),
        (cy, "Letters! And agreeing up front what we'd do with new people where we live.", 37),
    ):
        RoundAnswer.objects.create(
            round=revealed, member=member, text=words, created_at=_ago(days), updated_at=_ago(days)
        )
    Round.objects.filter(pk=revealed.pk).update(revealed_at=_ago(37))
    RoundParticipant.objects.filter(round=revealed).update(seen_reveal_at=_ago(36))
    under = Discussion.objects.create(polycule=polycule, round=revealed, started_by=cy, created_at=_ago(37))
    _say(under, ana, "I love that we all went for something regular and small. Letters, Cy, really?", 36.5)

    # A past check-in, with an action Ana still owns, and the next one.
    past = CheckIn.objects.create(
        polycule=polycule,
        created_by=ana,
        title="Monthly check-in",
        scheduled_for=_ago(25),
        time_zone="Europe/London",
        created_at=_ago(30),
        held_at=_ago(25),
        held_by=ana,
    )
    holidays = Topic.objects.create(checkin=past, added_by=ben, title="The summer holidays", created_at=_ago(27))
    TopicNote.objects.create(
        topic=holidays,
        author=cy,
        text="Two weeks with the kids at the coast; Cy joins for the second weekend.",
        created_at=_ago(25),
    )
    Action.objects.create(
        checkin=past,
        owner=ana,
        text="Book the coast cottage for the second half of August",
        due_on=(timezone.now() + timedelta(days=7)).date(),
        created_by=ben,
        created_at=_ago(25),
    )
    Action.objects.create(
        checkin=past,
        owner=cy,
        text="Ask about the Friday off",
        created_by=cy,
        created_at=_ago(25),
        done_at=_ago(20),
    )
    for member, words in (
        (ana, "Tired but hopeful."),
        (ben, "Good. Relieved we talked."),
        (cy, "Calm, and a bit excited."),
    ):
        Reconnect.objects.create(checkin=past, member=member, text=words, created_at=_ago(25))
    upcoming = CheckIn.objects.create(
        polycule=polycule,
        created_by=cy,
        title="Monthly check-in",
        scheduled_for=(timezone.now() + timedelta(days=9)).replace(hour=18, minute=0, second=0, microsecond=0),
        time_zone="Europe/London",
        created_at=_ago(2),
    )
    Topic.objects.create(
        checkin=upcoming, added_by=ana, title="Weekends during the school holidays", created_at=_ago(0.5)
    )

    # Ana's journal: hers alone.
    JournalEntry.objects.create(
        author=ana.user,
        prompt="What did your body tell you before your mind caught up?",
        text="My shoulders went up when Ben said Friday. Not jealousy exactly; more that I'm tired."
        f" ({JOURNAL_CANARY})",
        created_at=_ago(0.6),
        updated_at=_ago(0.6),
    )
    worry = JournalEntry.objects.create(
        author=ana.user,
        text=f"I keep saying yes to late plans and then resenting it. I want to ask for notice. ({JOURNAL_CANARY})",
        created_at=_ago(3),
        updated_at=_ago(3),
    )
    Draft.objects.create(
        author=ana.user,
        entry=worry,
        membership=ana,
        kind=Draft.Kind.BOUNDARY,
        data={
            "title": "A little notice for late plans",
            "text": "If plans change after six, I'd like a message before, not after.",
            "why": "I notice I say yes and then resent it.",
            "category": "communication",
            "everyone": True,
            "audience": [],
            "review_every_days": None,
        },
        created_at=_ago(2),
        look_again_on=(timezone.now() - timedelta(days=1)).date(),
    )
    return True
