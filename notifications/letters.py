"""The mail a letter becomes, written when the worker sends it (the outbox calls ``build``), from
its notices as things stand then: nothing private waits in a queue, and what stopped mattering
in between (done, or no longer visible to the person) is left out.

By default a mail says what kind of thing waits and in which polycule, with a link, and the
names people go by; never anyone's words. Someone who chose titles also gets the title of an
item, a proposal or a check-in, or a round's prompt: never a text, a note, a comment, a
choice, or an answer."""

from dataclasses import dataclass
from datetime import datetime

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from accounts.mail import make_message, site_url

from . import selectors, sources, unsubscribe
from .kinds import Kind
from .models import Letter

# What each group of lines is called in a mail, in the order the groups come.
HEADINGS: dict[Kind, str] = {
    Kind.VERSION: "Boundaries to read",
    Kind.PROPOSAL: "Proposals to answer",
    Kind.OBJECTION: "Objections to your proposals",
    Kind.SUGGESTION: "Suggestions for your boundaries",
    Kind.TALK: "Someone would like to talk",
    Kind.ROUND: "“What if” questions waiting for you",
    Kind.CHOICE: "Choices shared with you",
    Kind.WORDS_BACK: "Words back to you",
    Kind.NUDGE: "Reminders about proposals",
    Kind.ACTION: "Your actions coming due",
    Kind.DECIDED: "Proposals decided",
    Kind.REVEALED: "“What if” answers revealed",
    Kind.LANDED: "How your choices landed",
    Kind.WROTE: "Conversations you are part of",
    Kind.CHECKIN: "Check-ins coming up",
    Kind.REVIEW: "Due for a look together",
    Kind.MEMBERS: "Who joined or left",
}
# A mail's subject when it carries one thing.
SUBJECTS: dict[Kind, str] = {
    Kind.VERSION: "A boundary to read",
    Kind.PROPOSAL: "A proposal to answer",
    Kind.OBJECTION: "An objection to your proposal",
    Kind.SUGGESTION: "A suggestion for your boundary",
    Kind.TALK: "Someone would like to talk about your boundary",
    Kind.ROUND: "A “what if” waiting for your answer",
    Kind.CHOICE: "A choice shared with you",
    Kind.WORDS_BACK: "A word back about a choice",
    Kind.NUDGE: "A proposal waiting for your answer",
    Kind.ACTION: "An action of yours coming due",
    Kind.DECIDED: "A proposal decided",
    Kind.REVEALED: "A “what if” revealed",
    Kind.LANDED: "An answer to a choice you shared",
    Kind.WROTE: "New words in a conversation",
    Kind.CHECKIN: "A check-in coming up",
    Kind.REVIEW: "Something due for a look together",
    Kind.MEMBERS: "Someone joined or left",
}


@dataclass(frozen=True)
class Line:
    sentence: str
    polycule: str
    url: str
    title: str  # "" unless the person chose titles


@dataclass(frozen=True)
class Group:
    kind: Kind
    heading: str
    lines: tuple[Line, ...]
    unsubscribe: str  # the one-click link that stops this kind for this person


@dataclass(frozen=True)
class LetterPage:
    """What one letter says, as its templates show it."""

    digest: bool
    subject: str
    groups: tuple[Group, ...]
    count: int
    settings_url: str
    digest_hour: int
    titles: bool


def read(letter: Letter, now: datetime | None = None) -> LetterPage | None:
    """What ``letter`` says now; None when nothing in it matters any more."""
    notices = list(letter.notices.select_related("membership__polycule").order_by("happened_at", "id"))
    found = sources.about(notices, now or timezone.now())
    choices = selectors.choices_for([letter.user_id])[letter.user_id]
    # One line per thing and kind: a proposal opened and then amended is one line, the latest.
    latest: dict[tuple[Kind, str], Line] = {}
    for notice in notices:
        match found.get(notice.pk):
            case sources.About() as about:
                title = about.title if choices.include_titles else ""
                latest.pop(about.once, None)
                latest[about.once] = Line(about.sentence, about.polycule, about.url, title)
    if not latest:
        return None
    groups = tuple(
        Group(
            kind=kind,
            heading=HEADINGS[kind],
            lines=tuple(line for (k, _), line in latest.items() if k == kind),
            unsubscribe=unsubscribe.url_for(letter.user, kind),
        )
        for kind in HEADINGS
        if any(k == kind for k, _ in latest)
    )
    count = len(latest)
    digest = letter.sort == Letter.Sort.DIGEST
    if digest:
        subject = f"Your Trellis digest: {count} thing{'s' if count > 1 else ''} for you"
    elif count == 1:
        only = groups[0].lines[0]
        subject = f"{SUBJECTS[groups[0].kind]} in {only.polycule}"
    else:
        subject = f"{count} things for you on Trellis"
    return LetterPage(
        digest=digest,
        subject=subject,
        groups=groups,
        count=count,
        settings_url=site_url(reverse("notifications:preferences")),
        digest_hour=choices.clock.digest_hour,
        titles=choices.include_titles,
    )


def build(letter_id: int) -> EmailMultiAlternatives | None:
    """The mail for letter ``letter_id``, or None when there is nothing to send any more."""
    letter = Letter.objects.select_related("user").filter(pk=letter_id).first()
    if letter is None or not letter.user.is_active:
        return None
    page = read(letter)
    if page is None:
        return None
    headers = {
        # One click stops the first kind the mail is about; every kind has its own link inside.
        "List-Unsubscribe": f"<{page.groups[0].unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    name = "notifications/digest" if page.digest else "notifications/letter"
    return make_message(name, letter.user.email, {"letter": page}, headers=headers)
