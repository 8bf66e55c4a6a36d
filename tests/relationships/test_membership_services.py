"""Polycules and memberships: the rules in relationships.services, and that a person
who leaves or is removed loses access on their very next request."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from relationships import services
from relationships.models import Membership, Polycule
from relationships.services import NotAllowed, RuleError
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

STEWARD = Membership.Role.STEWARD
MEMBER = Membership.Role.MEMBER


def _detail(membership: Membership) -> str:
    return reverse("relationships:polycule_detail", args=[membership.polycule.public_id])


# Creating and renaming


def test_create_polycule_makes_its_creator_a_steward(user) -> None:  # type: ignore[no-untyped-def]
    membership = services.create_polycule(user=user, name="Sunday Garden", display_name="Ana", pronouns="she/her")
    assert membership.polycule.name == "Sunday Garden"
    assert membership.user == user
    assert membership.is_steward
    assert (membership.display_name, membership.pronouns) == ("Ana", "she/her")
    assert list(membership.polycule.memberships.all()) == [membership]


def test_each_polycule_gets_a_random_public_id(user) -> None:  # type: ignore[no-untyped-def]
    first = services.create_polycule(user=user, name="One", display_name="Ana").polycule
    second = services.create_polycule(user=user, name="Two", display_name="Ana").polycule
    assert first.public_id != second.public_id
    assert first.public_id.version == 4


def test_a_person_can_be_in_several_polycules_under_different_names(user) -> None:  # type: ignore[no-untyped-def]
    services.create_polycule(user=user, name="One", display_name="Ana")
    services.create_polycule(user=user, name="Two", display_name="Annie")
    assert sorted(user.memberships.values_list("display_name", flat=True)) == ["Ana", "Annie"]


def test_a_steward_can_rename_the_polycule(steward) -> None:  # type: ignore[no-untyped-def]
    services.rename_polycule(by=steward, name="Sunday Garden")
    assert Polycule.objects.get(pk=steward.polycule_id).name == "Sunday Garden"


def test_a_member_cannot_rename_the_polycule(member) -> None:  # type: ignore[no-untyped-def]
    before = member.polycule.name
    with pytest.raises(NotAllowed):
        services.rename_polycule(by=member, name="Mine now")
    assert Polycule.objects.get(pk=member.polycule_id).name == before


def test_a_former_steward_cannot_rename_the_polycule(steward, member) -> None:  # type: ignore[no-untyped-def]
    services.set_role(by=steward, member=member, role=STEWARD)
    gone = services.leave_polycule(membership=steward)
    with pytest.raises(NotAllowed):
        services.rename_polycule(by=gone, name="Still mine")


# Roles


def test_a_steward_can_make_a_member_a_steward(steward, member) -> None:  # type: ignore[no-untyped-def]
    promoted = services.set_role(by=steward, member=member, role=STEWARD)
    assert promoted.is_steward
    assert Membership.objects.get(pk=member.pk).role == STEWARD


def test_a_steward_can_step_down_once_there_is_another(steward, member) -> None:  # type: ignore[no-untyped-def]
    services.set_role(by=steward, member=member, role=STEWARD)
    services.set_role(by=steward, member=steward, role=MEMBER)
    assert Membership.objects.get(pk=steward.pk).role == MEMBER


def test_the_last_steward_cannot_be_demoted(steward, member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleError, match="at least one steward"):
        services.set_role(by=steward, member=steward, role=MEMBER)
    assert Membership.objects.get(pk=steward.pk).role == STEWARD


def test_a_member_cannot_change_roles(steward, member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotAllowed):
        services.set_role(by=member, member=member, role=STEWARD)
    with pytest.raises(NotAllowed):
        services.set_role(by=member, member=steward, role=MEMBER)
    assert Membership.objects.get(pk=member.pk).role == MEMBER
    assert Membership.objects.get(pk=steward.pk).role == STEWARD


def test_the_role_of_someone_who_left_cannot_change(steward, former) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleError, match="no longer in this polycule"):
        services.set_role(by=steward, member=former, role=STEWARD)


def test_setting_the_same_role_again_changes_nothing(steward, member) -> None:  # type: ignore[no-untyped-def]
    assert services.set_role(by=steward, member=member, role=MEMBER).role == MEMBER


# Leaving and being removed


def test_the_last_steward_must_name_another_before_leaving(steward, member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleError, match="last steward"):
        services.leave_polycule(membership=steward)
    assert Membership.objects.get(pk=steward.pk).is_active
    services.set_role(by=steward, member=member, role=STEWARD)
    left = services.leave_polycule(membership=steward)
    assert left.left_at is not None
    assert left.departure == Membership.Departure.LEFT


def test_the_only_member_may_leave(steward) -> None:  # type: ignore[no-untyped-def]
    left = services.leave_polycule(membership=steward)
    assert not left.is_active
    assert not Membership.objects.active().filter(polycule=steward.polycule).exists()


def test_a_member_may_leave(member) -> None:  # type: ignore[no-untyped-def]
    assert services.leave_polycule(membership=member).departure == Membership.Departure.LEFT


def test_leaving_twice_is_refused(member) -> None:  # type: ignore[no-untyped-def]
    services.leave_polycule(membership=member)
    with pytest.raises(RuleError, match="already left"):
        services.leave_polycule(membership=member)


def test_a_steward_can_remove_a_member(steward, member) -> None:  # type: ignore[no-untyped-def]
    removed = services.remove_member(by=steward, member=member)
    assert removed.left_at is not None
    assert removed.departure == Membership.Departure.REMOVED


def test_a_member_cannot_remove_anyone(steward, member) -> None:  # type: ignore[no-untyped-def]
    other = MembershipFactory(polycule=member.polycule)
    with pytest.raises(NotAllowed):
        services.remove_member(by=member, member=other)
    with pytest.raises(NotAllowed):
        services.remove_member(by=member, member=steward)
    assert Membership.objects.active().filter(polycule=member.polycule).count() == 3


def test_a_steward_cannot_remove_themselves(steward, member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleError, match="leave the polycule instead"):
        services.remove_member(by=steward, member=steward)


def test_someone_already_gone_cannot_be_removed(steward, former) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleError, match="no longer in this polycule"):
        services.remove_member(by=steward, member=former)
    former.refresh_from_db()
    assert former.departure == Membership.Departure.LEFT


def test_a_removed_member_loses_access_on_the_very_next_request(steward, member) -> None:  # type: ignore[no-untyped-def]
    client = client_for(member)
    assert client.get(_detail(member)).status_code == 200
    services.remove_member(by=steward, member=member)
    response = client.get(_detail(member))
    assert response.status_code == 404
    assert member.polycule.name not in response.content.decode()


def test_a_member_who_left_loses_access_on_the_very_next_request(steward, member) -> None:  # type: ignore[no-untyped-def]
    client = client_for(member)
    assert client.get(_detail(member)).status_code == 200
    services.leave_polycule(membership=member)
    assert client.get(_detail(member)).status_code == 404
    assert member.polycule.name not in client.get(reverse("relationships:polycule_list")).content.decode()


def test_past_memberships_stay_with_their_display_name(steward, member) -> None:  # type: ignore[no-untyped-def]
    services.remove_member(by=steward, member=member)
    kept = Membership.objects.get(pk=member.pk)
    assert kept.display_name == "Ben"
    assert kept.user == member.user
    assert kept.polycule == steward.polycule


def test_a_departed_member_is_no_longer_listed(steward, member) -> None:  # type: ignore[no-untyped-def]
    services.remove_member(by=steward, member=member)
    page = client_for(steward).get(_detail(steward)).content.decode()
    assert f'id="member-{member.public_id}"' not in page


def test_the_database_allows_one_active_membership_per_person_and_polycule(steward) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(polycule=steward.polycule, user=steward.user)


# The name a person goes by in a polycule


def test_update_membership_changes_the_name_and_pronouns(member) -> None:  # type: ignore[no-untyped-def]
    services.update_membership(membership=member, display_name="Benji", pronouns="they/them")
    member.refresh_from_db()
    assert (member.display_name, member.pronouns) == ("Benji", "they/them")


def test_update_membership_changes_only_that_polycule(member) -> None:  # type: ignore[no-untyped-def]
    elsewhere = MembershipFactory(user=member.user, display_name="Ben")
    services.update_membership(membership=member, display_name="Benji", pronouns="")
    elsewhere.refresh_from_db()
    assert elsewhere.display_name == "Ben"


def test_update_membership_leaves_the_role_alone(steward) -> None:  # type: ignore[no-untyped-def]
    services.update_membership(membership=steward, display_name="Ana B", pronouns="")
    assert Membership.objects.get(pk=steward.pk).is_steward


def test_a_new_user_is_in_no_polycule(db) -> None:  # type: ignore[no-untyped-def]
    assert not UserFactory().memberships.exists()
