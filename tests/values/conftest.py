import pytest

from relationships.models import Membership
from tests.factories import MembershipFactory, StewardFactory


@pytest.fixture
def ana(db) -> Membership:  # type: ignore[no-untyped-def]
    return StewardFactory(display_name="Ana")


@pytest.fixture
def ben(ana: Membership) -> Membership:
    return MembershipFactory(polycule=ana.polycule, display_name="Ben")


@pytest.fixture
def cy(ana: Membership) -> Membership:
    return MembershipFactory(polycule=ana.polycule, display_name="Cy")
