"""What is worth telling, and how by default: at once for what waits on the person themselves,
in the daily digest for the rest. Each person may choose otherwise, kind by kind."""

from django.db import models


class Kind(models.TextChoices):
    VERSION = "version", "A boundary to read: new, or changed"
    PROPOSAL = "proposal", "A proposal to answer: new, or amended"
    OBJECTION = "objection", "An objection to a proposal of yours"
    DECIDED = "decided", "A proposal adopted or withdrawn"
    SUGGESTION = "suggestion", "A suggestion for a boundary of yours"
    TALK = "talk", "Someone would like to talk about a boundary of yours"
    WROTE = "wrote", "Someone wrote in a conversation you are part of"
    ROUND = "round", "A “what if” waiting for your answer"
    REVEALED = "revealed", "A “what if” whose answers are revealed"
    CHOICE = "choice", "A choice shared with you"
    LANDED = "landed", "How a choice you shared landed"
    WORDS_BACK = "wordsback", "A word back about how a choice landed for you"
    NUDGE = "nudge", "A reminder to answer a proposal"
    ACTION = "action", "An action of yours that is due"
    CHECKIN = "checkin", "A check-in planned, and the day before it"
    REVIEW = "review", "Something due for a look together"
    MEMBERS = "members", "Someone joined or left a polycule"


class Delivery(models.TextChoices):
    AT_ONCE = "now", "At once"
    DIGEST = "digest", "In the daily digest"
    OFF = "off", "Off"


DEFAULTS: dict[Kind, Delivery] = {
    Kind.VERSION: Delivery.AT_ONCE,
    Kind.PROPOSAL: Delivery.AT_ONCE,
    Kind.OBJECTION: Delivery.AT_ONCE,
    Kind.DECIDED: Delivery.DIGEST,
    Kind.SUGGESTION: Delivery.AT_ONCE,
    Kind.TALK: Delivery.AT_ONCE,
    Kind.WROTE: Delivery.DIGEST,
    Kind.ROUND: Delivery.AT_ONCE,
    Kind.REVEALED: Delivery.DIGEST,
    Kind.CHOICE: Delivery.AT_ONCE,
    Kind.LANDED: Delivery.DIGEST,
    Kind.WORDS_BACK: Delivery.AT_ONCE,
    Kind.NUDGE: Delivery.AT_ONCE,
    Kind.ACTION: Delivery.AT_ONCE,
    Kind.CHECKIN: Delivery.DIGEST,
    Kind.REVIEW: Delivery.DIGEST,
    Kind.MEMBERS: Delivery.DIGEST,
}

# How the settings page groups the kinds, each kind in one group, in the page's order.
GROUPS: tuple[tuple[str, tuple[Kind, ...]], ...] = (
    (
        "Boundaries, values and agreements",
        (
            Kind.VERSION,
            Kind.PROPOSAL,
            Kind.OBJECTION,
            Kind.NUDGE,
            Kind.SUGGESTION,
            Kind.TALK,
            Kind.DECIDED,
            Kind.REVIEW,
        ),
    ),
    (
        "Talking together",
        (
            Kind.CHOICE,
            Kind.WORDS_BACK,
            Kind.LANDED,
            Kind.ROUND,
            Kind.REVEALED,
            Kind.WROTE,
            Kind.CHECKIN,
            Kind.ACTION,
        ),
    ),
    ("Your polycules", (Kind.MEMBERS,)),
)
