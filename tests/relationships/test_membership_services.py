"""Polycules and memberships: the rules in relationships.services, and that a person
who leaves or is removed loses access on their very next request."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from relationships import services
from relationships.acting import Departed
from relationships.models import Membership, Polycule
from relationships.services import NotAllowed, RuleError
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

STEWARD = Membership.Role.STEWARD
MEMBER = Membership.Role.MEMBER


def _detail(membership: Membership) -> str:
    return reverse("relationships:polycule_detail", args=[membership.polycule.public_id])


# Creating and renaming


def test_create_polycule_makes_its_creator_a_steward(user: User) -> None:
    membership = services.create_polycule(user=user, name="Sunday Garden", display_name="Ana", pronouns="she/her")
    assert membership.polycule.name == "Sunday Garden"
    assert membership.user == user
    assert membership.is_steward
    assert (membership.display_name, membership.pronouns) == ("Ana", "she/her")
    assert list(membership.polycule.memberships.all()) == [membership]


def test_each_polycule_gets_a_random_public_id(user: User) -> None:
    first = services.create_polycule(user=user, name="One", display_name="Ana").polycule
    second = services.create_polycule(user=user, name="Two", display_name="Ana").polycule
    assert first.public_id != second.public_id
    assert first.public_id.version == 4


def test_a_person_can_be_in_several_polycules_under_different_names(user: User) -> None:
    services.create_polycule(user=user, name="One", display_name="Ana")
    services.create_polycule(user=user, name="Two", display_name="Annie")
    assert sorted(user.memberships.values_list("display_name", flat=True)) == ["Ana", "Annie"]


def test_a_steward_can_rename_the_polycule(ana: Membership) -> None:
    services.rename_polycule(by=ana, name="Sunday Garden")
    assert Polycule.objects.get(pk=ana.polycule_id).name == "Sunday Garden"


def test_a_member_cannot_rename_the_polycule(ben: Membership) -> None:
    before = ben.polycule.name
    with pytest.raises(NotAllowed):
        services.rename_polycule(by=ben, name="Mine now")
    assert Polycule.objects.get(pk=ben.polycule_id).name == before


def test_a_former_steward_cannot_rename_the_polycule(ana: Membership, ben: Membership) -> None:
    services.set_role(by=ana, member=ben, role=STEWARD)
    gone = services.leave_polycule(membership=ana)
    with pytest.raises(Departed):
        services.rename_polycule(by=gone, name="Still mine")


# Roles


def test_a_steward_can_make_a_member_a_steward(ana: Membership, ben: Membership) -> None:
    promoted = services.set_role(by=ana, member=ben, role=STEWARD)
    assert promoted.is_steward
    assert Membership.objects.get(pk=ben.pk).role == STEWARD


def test_a_steward_can_step_down_once_there_is_another(ana: Membership, ben: Membership) -> None:
    services.set_role(by=ana, member=ben, role=STEWARD)
    services.set_role(by=ana, member=ana, role=MEMBER)
    assert Membership.objects.get(pk=ana.pk).role == MEMBER


def test_the_last_steward_cannot_be_demoted(ana: Membership, ben: Membership) -> None:
    with pytest.raises(RuleError, match="at least one steward"):
        services.set_role(by=ana, member=ana, role=MEMBER)
    assert Membership.objects.get(pk=ana.pk).role == STEWARD


def test_a_member_cannot_change_roles(ana: Membership, ben: Membership) -> None:
    with pytest.raises(NotAllowed):
        services.set_role(by=ben, member=ben, role=STEWARD)
    with pytest.raises(NotAllowed):
        services.set_role(by=ben, member=ana, role=MEMBER)
    assert Membership.objects.get(pk=ben.pk).role == MEMBER
    assert Membership.objects.get(pk=ana.pk).role == STEWARD


def test_the_role_of_someone_who_left_cannot_change(ana: Membership, dee: Membership) -> None:
    with pytest.raises(RuleError, match="no longer in this polycule"):
        services.set_role(by=ana, member=dee, role=STEWARD)


def test_setting_the_same_role_again_changes_nothing(ana: Membership, ben: Membership) -> None:
    assert services.set_role(by=ana, member=ben, role=MEMBER).role == MEMBER


# Leaving and being removed


def test_the_last_steward_must_name_another_before_leaving(ana: Membership, ben: Membership) -> None:
    with pytest.raises(RuleError, match="last steward"):
        services.leave_polycule(membership=ana)
    assert Membership.objects.get(pk=ana.pk).is_active
    services.set_role(by=ana, member=ben, role=STEWARD)
    left = services.leave_polycule(membership=ana)
    assert left.left_at is not None
    assert left.departure == Membership.Departure.LEFT


def test_the_only_member_may_leave(ana: Membership) -> None:
    left = services.leave_polycule(membership=ana)
    assert not left.is_active
    assert not Membership.objects.active().filter(polycule=ana.polycule).exists()


def test_a_member_may_leave(ben: Membership) -> None:
    assert services.leave_polycule(membership=ben).departure == Membership.Departure.LEFT


def test_leaving_twice_is_refused(ben: Membership) -> None:
    services.leave_polycule(membership=ben)
    with pytest.raises(Departed):  # the 404 of a former member
        services.leave_polycule(membership=ben)


def test_a_steward_can_remove_a_member(ana: Membership, ben: Membership) -> None:
    removed = services.remove_member(by=ana, member=ben)
    assert removed.left_at is not None
    assert removed.departure == Membership.Departure.REMOVED


def test_a_member_cannot_remove_anyone(ana: Membership, ben: Membership, cy: Membership) -> None:
    with pytest.raises(NotAllowed):
        services.remove_member(by=ben, member=cy)
    with pytest.raises(NotAllowed):
        services.remove_member(by=ben, member=ana)
    assert Membership.objects.active().filter(polycule=ben.polycule).count() == 3


def test_a_steward_cannot_remove_themselves(ana: Membership, ben: Membership) -> None:
    with pytest.raises(RuleError, match="leave the polycule instead"):
        services.remove_member(by=ana, member=ana)


def test_someone_already_gone_cannot_be_removed(ana: Membership, dee: Membership) -> None:
    with pytest.raises(RuleError, match="no longer in this polycule"):
        services.remove_member(by=ana, member=dee)
    dee.refresh_from_db()
    assert dee.departure == Membership.Departure.LEFT


def test_a_removed_member_loses_access_on_the_very_next_request(ana: Membership, ben: Membership) -> None:
    client = client_for(ben)
    assert client.get(_detail(ben)).status_code == 200
    services.remove_member(by=ana, member=ben)
    response = client.get(_detail(ben))
    assert response.status_code == 404
    assert ben.polycule.name not in response.content.decode()


def test_a_member_who_left_loses_access_on_the_very_next_request(ana: Membership, ben: Membership) -> None:
    client = client_for(ben)
    assert client.get(_detail(ben)).status_code == 200
    services.leave_polycule(membership=ben)
    assert client.get(_detail(ben)).status_code == 404
    assert ben.polycule.name not in client.get(reverse("relationships:polycule_list")).content.decode()


def test_past_memberships_stay_with_their_display_name(ana: Membership, ben: Membership) -> None:
    services.remove_member(by=ana, member=ben)
    kept = Membership.objects.get(pk=ben.pk)
    assert kept.display_name == "Ben"
    assert kept.user == ben.user
    assert kept.polycule == ana.polycule


def test_a_departed_member_is_no_longer_listed(ana: Membership, ben: Membership) -> None:
    services.remove_member(by=ana, member=ben)
    page = client_for(ana).get(_detail(ana)).content.decode()
    assert f'id="member-{ben.public_id}"' not in page


def test_the_database_allows_one_active_membership_per_person_and_polycule(ana: Membership) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory.create(polycule=ana.polycule, user=ana.user)


# The name a person goes by in a polycule


def test_update_membership_changes_the_name_and_pronouns(ben: Membership) -> None:
    services.update_membership(membership=ben, display_name="Benji", pronouns="they/them")
    ben.refresh_from_db()
    assert (ben.display_name, ben.pronouns) == ("Benji", "they/them")


def test_update_membership_changes_only_that_polycule(ben: Membership) -> None:
    elsewhere = MembershipFactory.create(user=ben.user, display_name="Ben")
    services.update_membership(membership=ben, display_name="Benji", pronouns="")
    elsewhere.refresh_from_db()
    assert elsewhere.display_name == "Ben"


def test_update_membership_leaves_the_role_alone(ana: Membership) -> None:
    services.update_membership(membership=ana, display_name="Ana B", pronouns="")
    assert Membership.objects.get(pk=ana.pk).is_steward


def test_a_new_user_is_in_no_polycule(db: None) -> None:
    assert not UserFactory.create().memberships.exists()
