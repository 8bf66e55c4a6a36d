"""Who is in an item's audience is said twice: in SQL (``Item.objects.visible_to``, the gate
every query for items goes through) and in Python (``Item.audience()``, which services ask
before letting someone act and whose answers pages list); ``seen_by_another`` and
``Item.polycule_members`` read it for a write and a form. Hypothesis builds polycules of
every shape, including ones the services never make, and shows the two always agree."""

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from relationships.models import Membership
from tests.factories import PolyculeFactory, UserFactory
from values.models import Item, ItemAudience, Kind, seen_by_another

MOST = 5
OUTSIDER = MOST  # an index that names a member of another polycule


def _member(polycule_id: int, name: str) -> Membership:
    return Membership.objects.create(polycule_id=polycule_id, user=UserFactory.create(), display_name=name)


class TestTheAudienceAgreesWithTheGate(TestCase):
    @settings(max_examples=80, deadline=None, database=None)
    @given(
        size=st.integers(min_value=1, max_value=MOST),
        kind=st.sampled_from(Kind),
        everyone=st.booleans(),
        owner=st.integers(min_value=0, max_value=MOST - 1),
        chosen=st.sets(st.integers(min_value=0, max_value=OUTSIDER)),
        left=st.sets(st.integers(min_value=0, max_value=MOST - 1)),
    )
    def test_every_member_sees_an_item_exactly_when_they_are_in_its_audience(
        self, size: int, kind: Kind, everyone: bool, owner: int, chosen: set[int], left: set[int]
    ) -> None:
        polycule = PolyculeFactory.create()
        members = [_member(polycule.pk, f"Member {i}") for i in range(size)]
        outsider = _member(PolyculeFactory.create().pk, "Outsider")
        item = Item.objects.create(
            polycule=polycule,
            kind=kind,
            owner=members[owner % size] if kind == Kind.BOUNDARY else None,
            everyone=everyone,
            created_by=members[0],
        )
        # Links the services would never make are made too: to people who leave, to an outsider.
        for index in chosen:
            link = outsider if index == OUTSIDER else members[index] if index < size else None
            if link is not None:
                ItemAudience.objects.create(item=item, membership=link)
        for index in left & set(range(size)):
            Membership.objects.filter(pk=members[index].pk).update(left_at=item.created_at, departure="left")

        audience = {m.pk for m in item.audience()}
        assert {m.pk for m, sees in item.polycule_members() if sees} == audience
        for member in Membership.objects.filter(polycule=polycule):
            sees = Item.objects.visible_to(member).filter(pk=item.pk).exists()
            if member.is_active:
                assert sees == (member.pk in audience), (member, sees, audience)
                others = Item.objects.annotate(others=seen_by_another(member)).get(pk=item.pk).others  # type: ignore[attr-defined]
                assert others == bool(audience - {member.pk}), (member, others, audience)
            else:
                # The gate refuses a former member before any item query; nobody lists them.
                assert member.pk not in audience
        assert outsider.pk not in audience
        assert not Item.objects.visible_to(outsider).filter(pk=item.pk).exists()
        if everyone:
            assert audience == {m.pk for m in Membership.objects.active().filter(polycule=polycule)}
