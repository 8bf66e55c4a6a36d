"""The benchmark's data (home.benchdata) is what the services would have written: counts as
asked, versions and answers in order and in their audience, the waiting things the pages show,
and a crowd that stays in its own polycules. Tiny sizes; on SQLite and on PostgreSQL."""

from collections import Counter

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conversations.models import Comment, Discussion, Round
from home import benchdata
from relationships.models import Membership, Polycule
from values.models import Acknowledgment, Consent, Event, Item, Kind, Proposal, Response, Version

SIZE: dict[str, int] = {"members": 5, "items": 24, "versions": 90, "acks": 120}


@pytest.fixture
def made(db: None) -> benchdata.Made:
    return benchdata.generate(
        members=SIZE["members"], items=SIZE["items"], versions=SIZE["versions"], acks=SIZE["acks"], unanswered=4
    )


def _member(made: benchdata.Made, email: str) -> Membership:
    return Membership.objects.get(polycule__public_id=made.polycule, user__email=email)


def test_counts_are_the_ones_asked_for(made: benchdata.Made) -> None:
    polycule = Polycule.objects.get(public_id=made.polycule)
    assert polycule.memberships.count() == SIZE["members"]
    assert Item.objects.filter(polycule=polycule).count() == SIZE["items"]
    assert Version.objects.filter(item__polycule=polycule).count() == SIZE["versions"]
    assert Acknowledgment.objects.filter(version__item__polycule=polycule).count() == SIZE["acks"]
    assert set(Item.objects.values_list("kind", flat=True)) == set(Kind.values)


def test_every_item_is_at_its_highest_version_numbered_without_gaps(made: benchdata.Made) -> None:
    for item in Item.objects.filter(polycule__public_id=made.polycule).prefetch_related("versions"):
        numbers = sorted(v.number for v in item.versions.all())
        assert numbers == list(range(1, len(numbers) + 1))
        newest = max(item.versions.all(), key=lambda v: v.number)
        assert item.current_version_id == newest.pk
        times = [v.created_at for v in sorted(item.versions.all(), key=lambda v: v.number)]
        assert times == sorted(times)
        assert item.created_at <= times[0]
        if item.retired_at:
            assert item.retired_at > times[-1]


def test_acknowledgments_are_by_the_audience_before_the_next_version(made: benchdata.Made) -> None:
    acks = Acknowledgment.objects.filter(version__item__polycule__public_id=made.polycule).select_related(
        "version__item", "member"
    )
    for ack in acks:
        item = ack.version.item
        assert item.kind == Kind.BOUNDARY
        assert ack.member_id != item.owner_id
        assert ack.member in item.audience()
        assert ack.created_at >= ack.version.created_at >= ack.member.joined_at
        following = Version.objects.filter(item=item, number=ack.version.number + 1).first()
        if following:
            assert ack.created_at <= following.created_at
    events = Counter(
        Event.objects.filter(kind=Event.Kind.ACKNOWLEDGED, polycule__public_id=made.polycule).values_list(
            "version_id", "actor_id"
        )
    )
    assert events == Counter(acks.values_list("version_id", "member_id"))


def test_values_and_agreements_change_by_adopted_proposals_everyone_answered(made: benchdata.Made) -> None:
    versions = Version.objects.filter(item__polycule__public_id=made.polycule).exclude(item__kind=Kind.BOUNDARY)
    for version in versions.select_related("proposal__revision", "item"):
        proposal = version.proposal
        assert proposal is not None
        assert proposal.status == Proposal.Status.ADOPTED
        assert proposal.revision is not None
        assert proposal.revision.title == version.title
        assert proposal.base_version_id == (
            Version.objects.get(item=version.item, number=version.number - 1).pk if version.number > 1 else None
        )
        answered = {r.member_id: r for r in Response.objects.filter(revision=proposal.revision)}
        assert proposal.decided_at is not None
        seeing = [m for m in version.item.audience() if m.joined_at <= proposal.decided_at]
        assert set(answered) == {m.pk for m in seeing}
        consented = {pk for pk, r in answered.items() if r.answer == Response.Answer.CONSENT}
        assert set(Consent.objects.filter(version=version).values_list("member_id", flat=True)) >= consented
        kinds = Event.objects.filter(proposal=proposal).values_list("kind", flat=True)
        assert sorted(kinds) == sorted([Event.Kind.PROPOSAL_OPENED, Event.Kind.PROPOSAL_ADOPTED])
    assert Proposal.objects.filter(item__polycule__public_id=made.polycule, status=Proposal.Status.OPEN).exists()


def test_the_newcomer_has_most_items_waiting_and_the_member_has_boundaries_to_acknowledge(
    made: benchdata.Made,
) -> None:
    assert made.newcomer is not None
    newcomer = _member(made, made.newcomer)
    live = Item.objects.visible_to(newcomer).live()
    answered = live.filter(current_version__acknowledgments__member=newcomer) | live.filter(
        current_version__consents__member=newcomer
    )
    assert answered.distinct().count() < live.count() / 2
    member = _member(made, made.member)
    waiting = (
        Item.objects.visible_to(member)
        .live()
        .filter(kind=Kind.BOUNDARY)
        .exclude(owner=member)
        .exclude(current_version__acknowledgments__member=member)
    )
    assert waiting.count() >= 4


def test_there_is_talk_to_read(made: benchdata.Made) -> None:
    discussions = Discussion.objects.filter(polycule__public_id=made.polycule)
    assert discussions.filter(item__isnull=False).exists()
    assert Round.objects.filter(polycule__public_id=made.polycule, revealed_at__isnull=False).exists()
    for comment in Comment.objects.filter(discussion__in=discussions, discussion__item__isnull=False):
        assert comment.author in comment.discussion.audience()
        assert comment.revisions.count() == 1


def test_a_generated_member_signs_in_and_sees_their_items(made: benchdata.Made) -> None:
    client = Client()
    response = client.post(reverse("account_login"), {"login": made.member, "password": made.password})
    assert response.status_code == 302
    member = _member(made, made.member)
    item = Item.objects.visible_to(member).live().filter(kind=Kind.VALUE).first()
    assert item is not None
    assert item.current_version is not None
    page = client.get(reverse("values:item_detail", args=[made.polycule, item.public_id]))
    assert page.status_code == 200
    assert item.current_version.title in page.content.decode()


def test_the_crowd_is_in_other_polycules(made: benchdata.Made) -> None:
    member = _member(made, made.member)
    visible = set(Item.objects.visible_to(member).values_list("pk", flat=True))
    before = Polycule.objects.count()
    top = Item.objects.aggregate(top=Max("pk"))["top"]
    benchdata.crowd(7)
    assert Polycule.objects.count() == before + 7
    assert set(Item.objects.visible_to(member).values_list("pk", flat=True)) == visible
    crowd = Membership.objects.filter(polycule__items__pk__gt=top).distinct()
    assert crowd.exists()
    assert not crowd.filter(polycule__public_id=made.polycule).exists()
    for item in Item.objects.filter(pk__gt=top).prefetch_related("versions"):
        assert item.current_version_id == max(item.versions.all(), key=lambda v: v.number).pk
    assert User.objects.filter(memberships__polycule__items__pk__gt=top).distinct().count() <= 14


def test_more_acknowledgments_than_fit_are_refused(db: None) -> None:
    with pytest.raises(benchdata.TooMany):
        benchdata.generate(members=3, items=4, versions=6, acks=1000)
