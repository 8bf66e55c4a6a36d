import os

import pytest
from django.core.cache import cache
from django.test import Client

from relationships.models import Membership
from relationships.services import leave_polycule

from .factories import MembershipFactory, PolyculeFactory, StewardFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()


@pytest.fixture
def polycule(db):  # type: ignore[no-untyped-def]
    return PolyculeFactory()


@pytest.fixture
def steward(polycule) -> Membership:  # type: ignore[no-untyped-def]
    return StewardFactory(polycule=polycule, display_name="Ana")


@pytest.fixture
def member(polycule, steward) -> Membership:  # type: ignore[no-untyped-def]
    return MembershipFactory(polycule=polycule, display_name="Ben")


@pytest.fixture
def outsider(db) -> Membership:  # type: ignore[no-untyped-def]
    """A member of another polycule."""
    return StewardFactory(display_name="Zed")


@pytest.fixture
def former(polycule, steward) -> Membership:  # type: ignore[no-untyped-def]
    membership = MembershipFactory(polycule=polycule, display_name="Dee")
    return leave_polycule(membership=membership)


@pytest.fixture
def ana(db) -> Membership:  # type: ignore[no-untyped-def]
    return StewardFactory(display_name="Ana")


@pytest.fixture
def ben(ana: Membership) -> Membership:
    return MembershipFactory(polycule=ana.polycule, display_name="Ben")


@pytest.fixture
def cy(ana: Membership) -> Membership:
    return MembershipFactory(polycule=ana.polycule, display_name="Cy")


def client_for(membership_or_user) -> Client:  # type: ignore[no-untyped-def]
    user = getattr(membership_or_user, "user", membership_or_user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return UserFactory()
