"""What the conversations ask of one member of one polycule now, for the dashboard (home)."""

from dataclasses import dataclass

from relationships.models import Membership

from ..models import Action, CheckIn, Choice, Round
from . import checkins, choices, discussions, rounds
from .discussions import TalkRequest


@dataclass(frozen=True)
class Needs:
    membership: Membership
    rounds_waiting: list[Round]  # a "what if" waiting for the member's answer
    rounds_revealed: list[Round]  # answers revealed since the member last looked
    talk_requests: list[TalkRequest]  # someone would like to talk about the member's boundary
    choices: list[Choice]  # shared with the member, not answered yet
    actions: list[Action]  # open actions the member owns
    checkins: list[CheckIn]  # coming up: to know, not to do

    @property
    def count(self) -> int:
        """What waits on the member: a coming check-in is news, not a task."""
        return (
            len(self.rounds_waiting)
            + len(self.rounds_revealed)
            + len(self.talk_requests)
            + len(self.choices)
            + len(self.actions)
        )


def needs(membership: Membership) -> Needs:
    return Needs(
        membership=membership,
        rounds_waiting=rounds.waiting(membership),
        rounds_revealed=rounds.revealed_unseen(membership),
        talk_requests=discussions.talk_requests(membership),
        choices=choices.unanswered(membership),
        actions=checkins.my_actions(membership),
        checkins=checkins.upcoming(membership),
    )
