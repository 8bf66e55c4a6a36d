import os
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django.core.cache import cache
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test import Client, testcases
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from relationships.models import Membership

from . import personas
from .factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()


# Query budgets count the statements production runs. A test runs inside a transaction, which
# turns each atomic block into a savepoint that production's outermost block does not make, so
# savepoints are not counted. These replace pytest-django's fixtures of the same names.
class _SerialWSGIServer(WSGIServer):
    """The live server, one request at a time (and each connection closed after it)."""

    def __init__(self, *args: object, connections_override: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="session", autouse=True)
def _live_server_serial_on_sqlite() -> Iterator[None]:
    """The browser tests' live server hands the test's in-memory SQLite connection to its
    request threads; two requests at once (a page and its header count) would use that one
    connection together and fail ("bad parameter or other API misuse"). On SQLite it serves
    one request at a time; on PostgreSQL each thread has its own connection, as in production."""
    if connection.vendor != "sqlite":
        yield
        return
    threaded = testcases.LiveServerThread.server_class
    testcases.LiveServerThread.server_class = _SerialWSGIServer  # type: ignore[assignment]
    try:
        yield
    finally:
        testcases.LiveServerThread.server_class = threaded


SAVEPOINT = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)
type QueryBudget = Callable[[int], AbstractContextManager[CaptureQueriesContext]]


def statements(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if not SAVEPOINT.match(q["sql"])]


def _budget(*, exact: bool) -> QueryBudget:
    @contextmanager
    def within(num: int) -> Iterator[CaptureQueriesContext]:
        with CaptureQueriesContext(connection) as context:
            yield context
        made = statements(context)
        if (len(made) != num) if exact else (len(made) > num):
            listed = "\n".join(f"{i}. {sql[:300]}" for i, sql in enumerate(made, 1))
            wanted = "exactly" if exact else "at most"
            pytest.fail(f"Expected {wanted} {num} queries, {len(made)} were made:\n{listed}")

    return within


@pytest.fixture
def django_assert_num_queries(db: None) -> QueryBudget:
    return _budget(exact=True)


@pytest.fixture
def django_assert_max_num_queries(db: None) -> QueryBudget:
    return _budget(exact=False)


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
