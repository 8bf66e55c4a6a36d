"""The authorization matrix: every URL of Trellis, tried by every persona.

Each app lists its routes in tests/<app>/routes.py. A persona without access
must get the same answer as for something that does not exist: a login
redirect when signed out, 404 otherwise.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from relationships.models import Invitation, Membership
from relationships.services import leave_polycule

from .factories import InvitationFactory, MembershipFactory, StewardFactory

SIGNED_OUT = "signed_out"
OUTSIDER = "outsider"  # a member of another polycule
FORMER = "former"  # left this polycule
MEMBER = "member"
STEWARD = "steward"
OUTSIDE_AUDIENCE = "outside_audience"  # a member not among the people an item is shared with
PERSONAS = (SIGNED_OUT, OUTSIDER, FORMER, OUTSIDE_AUDIENCE, MEMBER, STEWARD)


@dataclass
class World:
    steward: Membership  # Ana
    member: Membership  # Ben
    target: Membership  # Cy, whom actions are done to
    former: Membership  # Dee, who left
    outsider: Membership  # Zed, of another polycule
    invitation: Invitation
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def polycule_id(self) -> str:
        return str(self.steward.polycule.public_id)

    def persona(self, name: str) -> Membership | None:
        return {
            OUTSIDER: self.outsider,
            FORMER: self.former,
            OUTSIDE_AUDIENCE: self.target,
            MEMBER: self.member,
            STEWARD: self.steward,
        }.get(name)


def build_world() -> World:
    steward = StewardFactory(display_name="Ana")
    polycule = steward.polycule
    world = World(
        steward=steward,
        member=MembershipFactory(polycule=polycule, display_name="Ben"),
        target=MembershipFactory(polycule=polycule, display_name="Cy"),
        former=leave_polycule(membership=MembershipFactory(polycule=polycule, display_name="Dee")),
        outsider=StewardFactory(display_name="Zed"),
        invitation=InvitationFactory(invited_by=steward, polycule=polycule),
    )
    for extend in WORLD_EXTENSIONS:
        extend(world)
    return world


# Later apps add what their routes need (items, proposals ...) to the world.
WORLD_EXTENSIONS: list[Callable[[World], None]] = []


@dataclass(frozen=True)
class Route:
    """One URL and method, with what each persona with access should get."""

    name: str
    kwargs: Callable[[World], dict[str, Any]]
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = lambda world: {}
    member: int = 200
    steward: int = 200
    # Most queries a signed-in member's request may make, whatever the amount of data.
    queries: int = 20
    # For in-place actions: the budget of the htmx request, which answers with a fragment.
    fragment: int | None = None
    # Items shared with some: everyone else in the polycule gets 404 too.
    private: bool = False

    @property
    def id(self) -> str:
        return f"{self.name}:{self.method}"

    def expected(self, persona: str) -> int:
        if persona in {OUTSIDER, FORMER} or (persona == OUTSIDE_AUDIENCE and self.private):
            return 404
        return {MEMBER: self.member, STEWARD: self.steward, OUTSIDE_AUDIENCE: self.member}[persona]


def polycule(world: World) -> dict[str, Any]:
    return {"polycule_id": world.polycule_id}


def target(world: World) -> dict[str, Any]:
    return {"polycule_id": world.polycule_id, "member_id": world.target.public_id}


def invitation(world: World) -> dict[str, Any]:
    return {"polycule_id": world.polycule_id, "invitation_id": world.invitation.public_id}
