import os

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from relationships.models import Membership

from . import personas
from .factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()


# The cast (tests/personas.py): all in Ana's polycule but Zed.


@pytest.fixture
def ana(db: None) -> Membership:
    """The steward of the polycule."""
    return personas.ana()


@pytest.fixture
def ben(ana: Membership) -> Membership:
    """A member of Ana's polycule."""
    return personas.ben(ana.polycule)


@pytest.fixture
def cy(ana: Membership) -> Membership:
    """Another member of Ana's polycule, the one a test leaves outside an item's audience."""
    return personas.cy(ana.polycule)


@pytest.fixture
def dee(ana: Membership) -> Membership:
    """A former member of Ana's polycule: joined, then left."""
    return personas.dee(ana.polycule)


@pytest.fixture
def zed(db: None) -> Membership:
    """An outsider: the steward of another polycule."""
    return personas.zed()


@pytest.fixture
def user(db: None) -> User:
    """Someone signed up and verified, in no polycule."""
    return UserFactory.create()


def client_for(membership_or_user: Membership | User) -> Client:
    user = membership_or_user.user if isinstance(membership_or_user, Membership) else membership_or_user
    client = Client()
    client.force_login(user)
    return client
