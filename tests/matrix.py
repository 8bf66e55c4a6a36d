"""The authorization matrix: every URL of Trellis, tried by every persona.

Each app lists its routes in tests/<app>/routes.py. A persona without access
must get the same answer as for something that does not exist: a login
redirect when signed out, 404 otherwise.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from relationships.models import Invitation, Membership

from . import personas
from .factories import InvitationFactory

# The matrix's columns, played by the cast of tests/personas.py.
SIGNED_OUT = "signed_out"
OUTSIDER = "outsider"  # Zed, of another polycule
FORMER = "former"  # Dee, who left this polycule
MEMBER = "member"  # Ben
STEWARD = "steward"  # Ana
OUTSIDE_AUDIENCE = "outside_audience"  # Cy, a member not among the people an item is shared with
PERSONAS = (SIGNED_OUT, OUTSIDER, FORMER, OUTSIDE_AUDIENCE, MEMBER, STEWARD)


@dataclass
class World:
    ana: Membership  # the steward
    ben: Membership  # a member
    cy: Membership  # a member, whom actions are done to
    dee: Membership  # who left
    zed: Membership  # of another polycule
    invitation: Invitation
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def polycule_id(self) -> str:
        return str(self.ana.polycule.public_id)

    def persona(self, name: str) -> Membership | None:
        return {
            OUTSIDER: self.zed,
            FORMER: self.dee,
            OUTSIDE_AUDIENCE: self.cy,
            MEMBER: self.ben,
            STEWARD: self.ana,
        }.get(name)


def build_world() -> World:
    ana = personas.ana()
    polycule = ana.polycule
    world = World(
        ana=ana,
        ben=personas.ben(polycule),
        cy=personas.cy(polycule),
        dee=personas.dee(polycule),
        zed=personas.zed(),
        invitation=InvitationFactory.create(invited_by=ana, polycule=polycule),
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
    # Most queries a signed-in member's request may make, whatever the amount of data: at most
    # 10 for a page (savepoints aside, tests/conftest.py); a write that redirects says its own.
    # Counted with the production task backend: a task enqueued is a row, run by the worker.
    queries: int = 10
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
    """Cy, as the member a steward's action is done to."""
    return {"polycule_id": world.polycule_id, "member_id": world.cy.public_id}


def invitation(world: World) -> dict[str, Any]:
    return {"polycule_id": world.polycule_id, "invitation_id": world.invitation.public_id}
