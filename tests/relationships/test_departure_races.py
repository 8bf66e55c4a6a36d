"""Promise 12, with real threads on PostgreSQL: a member leaves (or is removed) at the very
moment they acknowledge, reaffirm, comment or share a choice. Each write is made before the
departure or refused with ``Departed`` (the 404); none is ever saved after ``left_at``."""

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from conversations.models import Choice, Comment
from conversations.services import choices, discussions
from relationships import services
from relationships.acting import Departed
from relationships.models import Membership
from tests.conftest import client_for
from tests.factories import MembershipFactory
from tests.values.build import boundary, url
from tests.values.test_concurrency import race
from values import services as values
from values.models import Acknowledgment, Event, Item, Reaffirmation

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL row locks and real concurrent connections: run with DATABASE_URL=postgres://...",
    ),
]

ROUNDS = 30


def _as_read_by_the_gate(member: Membership) -> Membership:
    """Each request reads its own copy of the membership, before the departure."""
    return Membership.objects.select_related("polycule", "user").get(pk=member.pk)


def _writes(member: Membership, item: Item) -> list[Callable[[], Any]]:
    def acknowledge() -> Any:
        return values.acknowledge(
            member=_as_read_by_the_gate(member), item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD
        )

    def reaffirm() -> Any:
        return values.reaffirm(member=_as_read_by_the_gate(member), item=item)

    def comment() -> Any:
        return discussions.comment_about(author=_as_read_by_the_gate(member), item=item, text="Sounds right to me.")

    def share() -> Any:
        return choices.share_choice(author=_as_read_by_the_gate(member), text="Dinner with Sam on Friday.")

    return [acknowledge, reaffirm, comment, share]


def _written_at(member: Membership) -> list[datetime]:
    """When each thing the member wrote was saved."""
    return [
        *Acknowledgment.objects.filter(member=member).values_list("created_at", flat=True),
        *Reaffirmation.objects.filter(member=member).values_list("created_at", flat=True),
        *Comment.objects.filter(author=member).values_list("created_at", flat=True),
        *Choice.objects.filter(author=member).values_list("created_at", flat=True),
        *Event.objects.filter(actor=member).values_list("created_at", flat=True),
    ]


def _departure(member: Membership, *, removed_by: Membership | None) -> Callable[[], Membership]:
    if removed_by is None:
        return lambda: services.leave_polycule(membership=_as_read_by_the_gate(member))
    return lambda: services.remove_member(by=_as_read_by_the_gate(removed_by), member=_as_read_by_the_gate(member))


def test_leaving_while_writing_never_leaves_a_write_after_left_at(ana: Membership) -> None:
    item = boundary(ana)
    outcomes: dict[str, int] = {"saved": 0, "refused": 0}
    for n in range(ROUNDS):
        member = MembershipFactory.create(polycule=ana.polycule, display_name=f"Eli {n}")
        results = race(_departure(member, removed_by=ana if n % 2 else None), *_writes(member, item))
        assert isinstance(results[0], Membership), results  # the departure always happens
        for result in results[1:]:
            # Saved before the departure, or the 404 of a former member: never anything else.
            assert not isinstance(result, Exception) or isinstance(result, Departed), results
            outcomes["refused" if isinstance(result, Departed) else "saved"] += 1
        member.refresh_from_db()
        assert member.left_at is not None
        late = [at for at in _written_at(member) if at > member.left_at]
        assert not late, f"round {n}: written after leaving at {member.left_at}: {late}"
    assert outcomes["saved"] + outcomes["refused"] == ROUNDS * 4


def _hold(action: Callable[[], Any], holding: threading.Event, release: threading.Event) -> Callable[[], Any]:
    """Runs ``action`` in a transaction kept open, its locks held, until ``release``."""

    def held() -> Any:
        try:
            with transaction.atomic():
                result = action()
                holding.set()
                assert release.wait(10)
            return result
        finally:
            holding.set()
            connection.close()

    return held


def _in_thread(action: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(action())
        except Exception as exc:
            result.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_a_write_that_waited_for_a_departure_is_refused(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    holding, release = threading.Event(), threading.Event()
    leaving, _ = _in_thread(
        _hold(lambda: services.leave_polycule(membership=_as_read_by_the_gate(ben)), holding, release)
    )
    assert holding.wait(10)
    # Ben's acknowledgment arrives while the departure is not yet committed: it waits for it...
    writing, written = _in_thread(_writes(ben, item)[0])
    time.sleep(0.5)
    assert writing.is_alive(), f"the write did not wait for the departure: {written}"
    release.set()
    leaving.join(10)
    writing.join(10)
    # ... and once it is, finds Ben gone.
    assert len(written) == 1
    assert isinstance(written[0], Departed)
    assert not Acknowledgment.objects.filter(member=ben).exists()


def test_a_departure_waits_for_a_write_already_under_way(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    holding, release = threading.Event(), threading.Event()
    writing, written = _in_thread(_hold(_writes(ben, item)[1], holding, release))
    assert holding.wait(10)
    leaving, left = _in_thread(lambda: services.remove_member(by=_as_read_by_the_gate(ana), member=ben))
    time.sleep(0.5)
    assert leaving.is_alive(), f"the removal did not wait for the write: {left}"
    release.set()
    writing.join(10)
    leaving.join(10)
    assert isinstance(written[0], Reaffirmation), written
    assert isinstance(left[0], Membership), left
    ben.refresh_from_db()
    assert ben.left_at is not None
    assert written[0].created_at < ben.left_at


def _post(client: Client, target: str, data: dict[str, object], headers: dict[str, str]) -> Callable[[], Any]:
    return lambda: client.post(target, data, headers=headers)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_write_posted_while_leaving_is_saved_or_a_404_and_never_followed_by_a_500(
    ana: Membership, htmx: bool
) -> None:
    item = boundary(ana)
    target = url("boundary_acknowledge", ana, item_id=item.public_id)
    headers = {"HX-Request": "true"} if htmx else {}
    data: dict[str, object] = {"version": 1, "answer": Acknowledgment.Answer.UNDERSTOOD, "note": ""}
    for n in range(10):
        member = MembershipFactory.create(polycule=ana.polycule, display_name=f"Eli {n}")
        client = client_for(member)
        departure, response = race(_departure(member, removed_by=None), _post(client, target, data, headers))
        assert isinstance(departure, Membership), departure
        saved = Acknowledgment.objects.filter(member=member).first()
        member.refresh_from_db()
        assert member.left_at is not None
        if saved is None:
            assert response.status_code == 404, response
            continue
        assert saved.created_at < member.left_at
        assert response.status_code == (200 if htmx else 302), response
        if not htmx:
            # Where the saved write leads: the item, or (once gone) the former member's 404.
            assert client.get(response["Location"]).status_code in {200, 404}
