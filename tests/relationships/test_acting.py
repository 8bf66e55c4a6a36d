"""Promise 12: nothing is written by someone who already left. Every service that writes as a
member locks that member's row first (``relationships.acting``) and refuses a former member
with ``Departed``, the 404 a former member gets everywhere else.

The list of write services is found, not written down: a new service taking a membership
(a public function of a service module) fails here until it locks its acting member or is named
below as a step inside one that does.
"""

import inspect
from collections.abc import Callable, Iterator
from types import ModuleType
from unittest import mock

import pytest
from django.apps import apps
from django.db import transaction

import conversations.services.checkins
import conversations.services.choices
import conversations.services.discussions
import conversations.services.journal
import conversations.services.rounds
import notifications.feeds
import relationships.services
import values.services.boundaries
import values.services.items
import values.services.proposals
from relationships.acting import ACTING, UNCOUNTED, Departed, lock_membership
from relationships.models import Membership
from tests.conftest import client_for
from tests.values.build import boundary, url
from values import selectors
from values.models import Acknowledgment, Item, Reaffirmation

SERVICE_MODULES: tuple[ModuleType, ...] = (
    relationships.services,
    values.services.items,
    values.services.boundaries,
    values.services.proposals,
    conversations.services.checkins,
    conversations.services.choices,
    conversations.services.discussions,
    conversations.services.journal,
    conversations.services.rounds,
    notifications.feeds,
)

# Functions taking a membership that are not writes of their own, each with the reason.
NOT_WRITES = {
    # Steps inside the values services, which lock their acting member before calling them.
    "values.services.items.require_audience": "a read, inside a locked service",
    "values.services.items.chosen_audience": "a read, inside a locked service",
    "values.services.items.audience_choice": "a read, inside a locked service",
    "values.services.items.next_version": "a step inside a locked service",
    "values.services.items.new_item": "a step inside a locked service",
}


def _name(function: Callable[..., object]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _takes_a_member(function: Callable[..., object]) -> list[str]:
    signature = inspect.signature(function, eval_str=True)
    return [name for name, p in signature.parameters.items() if p.annotation is Membership]


def _functions() -> Iterator[Callable[..., object]]:
    for module in SERVICE_MODULES:
        for _, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__:
                yield function


def _write_services() -> list[Callable[..., object]]:
    return sorted(
        (f for f in _functions() if f in ACTING),
        key=_name,
    )


def test_every_service_that_takes_a_membership_locks_it_or_says_why_not() -> None:
    found = {_name(f) for f in _functions() if _takes_a_member(f) and not f.__name__.startswith("_")}
    assert len(found) > 40, "the services were not found: this test looks in the wrong place"
    locked = {_name(f) for f in ACTING}
    unlocked = sorted(found - locked - set(NOT_WRITES))
    assert not unlocked, (
        f"services taking a membership that neither lock it (@acting) nor are in NOT_WRITES: {unlocked}"
    )
    assert set(NOT_WRITES) <= found, "NOT_WRITES names a function that no longer exists"


# Writes not counted as a change of their polycule (home.selectors.needs_count keeps its count
# until one is): each changes no one's count and is seen by no one else, which is why.
UNCOUNTED_WRITES = {
    "notifications.feeds.make_feed": "a member's own calendar address",
    "notifications.feeds.stop_feed": "a member's own calendar address",
    "notifications.feeds.choose_titles": "a member's own calendar address",
    "conversations.services.journal.start_draft": "a draft is its author's alone until sent",
}


def test_only_writes_no_one_else_sees_are_left_uncounted() -> None:
    assert {_name(f) for f in UNCOUNTED} == set(UNCOUNTED_WRITES)


class Untouched:
    """Stands for every argument but the members: a service that reads it before refusing
    the former member fails this test with an AttributeError."""


@pytest.mark.parametrize("service", _write_services(), ids=_name)
def test_a_former_member_can_write_nothing(service: Callable[..., object], ben: Membership, dee: Membership) -> None:
    acting = ACTING[service]
    arguments: dict[str, object] = {name: ben for name in _takes_a_member(service) if name != acting}
    for name, parameter in inspect.signature(service, eval_str=True).parameters.items():
        if name not in arguments and name != acting and parameter.default is inspect.Parameter.empty:
            arguments[name] = Untouched()
    before = _rows()
    with pytest.raises(Departed):
        service(**arguments, **{acting: dee})
    assert _rows() == before


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in ("relationships", "values", "conversations", "notifications")
        for model in apps.get_app_config(app).get_models()
    }


def test_the_lock_refreshes_what_changed_since_the_gate_read_the_membership(ana: Membership, ben: Membership) -> None:
    seen_by_the_gate = Membership.objects.get(pk=ben.pk)
    relationships.services.set_role(by=ana, member=ben, role=Membership.Role.STEWARD)
    with transaction.atomic():
        lock_membership(seen_by_the_gate)
    assert seen_by_the_gate.is_steward
    relationships.services.leave_polycule(membership=ben)
    with pytest.raises(Departed), transaction.atomic():
        lock_membership(seen_by_the_gate)
    assert not seen_by_the_gate.is_active


def test_the_lock_counts_each_write_once_whichever_way_it_takes_the_row(ana: Membership, ben: Membership) -> None:
    """``Membership.changes``, summed over a polycule, tells a kept count it is out of date."""

    def changes() -> int:
        return Membership.objects.get(pk=ben.pk).changes

    before = changes()
    with transaction.atomic():
        lock_membership(ben)
    assert changes() == before + 1
    seen_by_the_gate = Membership.objects.get(pk=ben.pk)
    relationships.services.set_role(by=ana, member=ben, role=Membership.Role.STEWARD)
    assert changes() == before + 1, "ana's write, counted as hers"
    with transaction.atomic():
        lock_membership(seen_by_the_gate)  # the role moved: the row is read again, then counted
    assert changes() == before + 2
    with transaction.atomic():
        lock_membership(ben, ana)
    assert changes() == before + 3
    with transaction.atomic():
        lock_membership(ben, counted=False)
    assert changes() == before + 3


@pytest.mark.django_db(transaction=True)
def test_the_lock_is_only_taken_inside_the_write_it_guards(ben: Membership) -> None:
    with pytest.raises(RuntimeError):
        lock_membership(ben)


def test_leaving_twice_is_the_404_of_a_former_member(ben: Membership) -> None:
    relationships.services.leave_polycule(membership=ben)
    with pytest.raises(Departed):
        relationships.services.leave_polycule(membership=ben)
    assert issubclass(Departed, Exception)
    assert not issubclass(Departed, relationships.services.RuleError), "views would show it as a message"


# Through the views: the gate let the request in, then the member left before the write.


def _stale(member: Membership) -> Membership:
    """The membership as the gate read it, before its member left."""
    return Membership.objects.select_related("polycule", "user").get(pk=member.pk)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_acknowledgment_racing_a_departure_gets_the_404_and_is_not_saved(
    ana: Membership, ben: Membership, htmx: bool
) -> None:
    item = boundary(ana)
    gate_saw = _stale(ben)
    client = client_for(ben)
    relationships.services.leave_polycule(membership=ben)
    # The view still finds the item through the stale membership: only the lock can refuse.
    assert selectors.visible_item(gate_saw, public_id=item.public_id) is not None
    headers = {"HX-Request": "true"} if htmx else {}
    with mock.patch("relationships.access.active_membership", return_value=gate_saw):
        response = client.post(
            url("boundary_acknowledge", ben, item_id=item.public_id),
            {"version": 1, "answer": Acknowledgment.Answer.UNDERSTOOD, "note": ""},
            headers=headers,
        )
    assert response.status_code == 404
    assert not Acknowledgment.objects.filter(member=ben).exists()


def test_a_removed_member_reaffirming_at_the_same_moment_gets_the_404(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    gate_saw = _stale(ben)
    client = client_for(ben)
    relationships.services.remove_member(by=ana, member=ben)
    with mock.patch("relationships.access.active_membership", return_value=gate_saw):
        response = client.post(url("item_reaffirm", ben, item_id=item.public_id))
    assert response.status_code == 404
    assert not Reaffirmation.objects.filter(member=ben).exists()
    assert Item.objects.filter(pk=item.pk).exists()
