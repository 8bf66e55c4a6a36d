"""The cast of the whole suite, as healthchecks has alice, bob and charlie.

Each name means one person in every test: the fixtures in conftest.py and the
authorization matrix's world (tests/matrix.py) are both built here.

- Ana is the steward of the polycule.
- Ben is a member of it.
- Cy is a member too: the one a test leaves outside an item's audience.
- Dee was a member and left.
- Zed is the steward of another polycule.

Someone who joins during a test is a newcomer, not one of the cast (Eli, say).
"""

from relationships.models import Membership, Polycule
from relationships.services import leave_polycule

from .factories import MembershipFactory, StewardFactory


def ana() -> Membership:
    return StewardFactory.create(display_name="Ana", user__name="Ana")


def ben(polycule: Polycule) -> Membership:
    return MembershipFactory.create(polycule=polycule, display_name="Ben", user__name="Ben")


def cy(polycule: Polycule) -> Membership:
    return MembershipFactory.create(polycule=polycule, display_name="Cy", user__name="Cy")


def dee(polycule: Polycule) -> Membership:
    return leave_polycule(membership=MembershipFactory.create(polycule=polycule, display_name="Dee", user__name="Dee"))


def zed() -> Membership:
    return StewardFactory.create(display_name="Zed", user__name="Zed")
