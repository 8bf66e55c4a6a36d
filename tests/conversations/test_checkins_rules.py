"""The check-in rules, asked directly: who takes part, who may hold it, who finishes an action."""

from datetime import timedelta

from django.utils import timezone

from conversations import rules
from conversations.models import Action, CheckIn
from relationships.models import Membership
from relationships.services import leave_polycule


def _checkin(ana: Membership, *, held: bool = False) -> CheckIn:
    now = timezone.now()
    return CheckIn(
        polycule=ana.polycule, created_by=ana, scheduled_for=now + timedelta(days=1), held_at=now if held else None
    )


def test_everyone_it_is_for_takes_part_and_nobody_else(ana: Membership, ben: Membership, cy: Membership) -> None:
    checkin = _checkin(ana)
    assert rules.can_take_part(checkin, ben, [ana, ben])
    assert not rules.can_take_part(checkin, cy, [ana, ben])


def test_someone_who_left_no_longer_takes_part(ana: Membership, ben: Membership) -> None:
    checkin = _checkin(ana)
    audience = [ana, ben]
    ben = leave_polycule(membership=ben)
    assert not rules.can_take_part(checkin, ben, audience)
    assert not rules.can_add_to(checkin, ben, audience)
    assert not rules.can_hold(checkin, ben, audience)


def test_additions_close_once_it_is_held(ana: Membership, ben: Membership) -> None:
    assert rules.can_add_to(_checkin(ana), ben, [ana, ben])
    assert not rules.can_add_to(_checkin(ana, held=True), ben, [ana, ben])
    # Held or not, a past check-in stays theirs to read and take part in by its actions.
    assert rules.can_take_part(_checkin(ana, held=True), ben, [ana, ben])


def test_a_checkin_is_held_once_by_anyone_it_is_for(ana: Membership, ben: Membership, cy: Membership) -> None:
    assert rules.can_hold(_checkin(ana), ben, [ana, ben])
    assert not rules.can_hold(_checkin(ana), cy, [ana, ben])
    assert not rules.can_hold(_checkin(ana, held=True), ana, [ana, ben])


def test_an_action_is_finished_by_its_owner_once(ana: Membership, ben: Membership) -> None:
    action = Action(checkin=_checkin(ana), owner=ben, created_by=ana, text="Call the landlord")
    assert rules.can_finish(action, ben)
    assert not rules.can_finish(action, ana)
    action.done_at = timezone.now()
    assert not rules.can_finish(action, ben)
