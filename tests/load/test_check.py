"""The load test's check (load/run.py) catches what it promises to catch: a write people were told
was saved but is missing, one saved twice or changed on the way, a refused write that was saved
anyway, a row nobody sent, a gap in version numbers and a proposal not adopted when it should be.
Each case plants the fault in a small seeded polycule and expects the check to name it."""

import pytest

from load.plan import OK, STALE, UNANSWERED, Plan, Write
from load.run import Check, high_water, seed
from relationships.models import Membership
from values import services
from values.models import Acknowledgment, Item, Response, Version

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> tuple[Plan, dict[str, int], list[Membership]]:
    plan = seed(3)
    members = list(Membership.objects.order_by("pk"))
    return plan, high_water(), members


def boundary_of(member: Membership) -> Item:
    return Item.objects.get(owner=member)


def ack(member: Membership, owner: Membership, token: str, outcome: str = OK) -> Write:
    """An acknowledgment saved through the service, and its line in the log."""
    item = boundary_of(owner)
    services.acknowledge(
        member=member, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD, note=f"Read. [{token}]"
    )
    return Write(token, "ack", member.user.email, str(item.public_id), number=1, outcome=outcome, status=200)


def problems(plan: Plan, seeded: dict[str, int], writes: list[Write]) -> list[str]:
    check = Check(plan, writes, seeded)
    check.run()
    return check.problems


def test_an_honest_run_passes(world):
    plan, seeded, (ana, ben, cy) = world
    writes = [ack(ben, ana, "load-0000000001"), ack(cy, ana, "load-0000000002")]
    item = boundary_of(ben)
    services.revise_boundary(owner=ben, item=item, base_number=1, title="New", text="Now [load-0000000003]", why="w")
    writes.append(Write("load-0000000003", "edit", ben.user.email, str(item.public_id), number=1, outcome=OK))
    writes.append(Write("load-0000000004", "edit", ben.user.email, str(item.public_id), number=1, outcome=STALE))
    # Cut off by the end of the run: allowed to be there once, or not at all.
    writes.append(Write("load-0000000005", "ack", cy.user.email, str(item.public_id), number=2, outcome=UNANSWERED))
    assert problems(plan, seeded, writes) == []


def test_a_lost_write_is_caught(world):
    plan, seeded, (ana, ben, _) = world
    lost = Write("load-00000000aa", "ack", ben.user.email, str(boundary_of(ana).public_id), number=1, outcome=OK)
    assert any("load-00000000aa" in p and "found 0 times" in p for p in problems(plan, seeded, [lost]))


def test_a_refused_write_that_was_saved_is_caught(world):
    plan, seeded, (ana, ben, _) = world
    refused = ack(ben, ana, "load-00000000bb", outcome=STALE)
    assert any("refused" in p and "but saved" in p for p in problems(plan, seeded, [refused]))


def test_a_write_nobody_sent_is_caught(world):
    plan, seeded, (ana, ben, _) = world
    ack(ben, ana, "load-00000000cc")  # saved, but in no one's log
    assert any("no member sent" in p for p in problems(plan, seeded, []))


def test_a_write_saved_differently_from_how_it_was_sent_is_caught(world):
    plan, seeded, (ana, ben, cy) = world
    write = ack(ben, ana, "load-00000000dd")
    write.member = cy.user.email  # the log says Cy sent it; the database says Ben
    assert any("saved as" in p for p in problems(plan, seeded, [write]))


def test_a_duplicated_write_is_caught(world):
    plan, seeded, (_, ben, _) = world
    item = boundary_of(ben)
    services.revise_boundary(owner=ben, item=item, base_number=1, title="A", text="[load-00000000ee]", why="w")
    services.revise_boundary(owner=ben, item=item, base_number=2, title="A", text="[load-00000000ee]", why="w")
    write = Write("load-00000000ee", "edit", ben.user.email, str(item.public_id), number=1, outcome=OK)
    assert any("found 2 times" in p for p in problems(plan, seeded, [write]))


def test_a_gap_in_version_numbers_is_caught(world):
    plan, seeded, (ana, _, _) = world
    item = boundary_of(ana)
    Version.objects.create(item=item, number=3, title="t", text="x", why="w", author=ana)
    assert any("not 1..2" in p for p in problems(plan, seeded, []))


def test_a_proposal_everyone_answered_but_not_adopted_is_caught(world):
    plan, seeded, (ana, ben, cy) = world
    item = Item.objects.get(public_id=plan.shared[0])
    proposal = services.propose_change(
        proposer=ana, item=item, base_number=1, title="T", text="[load-00000000ff]", why="w"
    )
    assert proposal.revision is not None
    # Answers written past the service, which would have adopted it.
    Response.objects.bulk_create(
        Response(
            revision=proposal.revision,
            member=m,
            polycule=ana.polycule,
            item=item,
            proposal=proposal,
            answer=Response.Answer.CONSENT,
            note=f"[load-000000010{i}]",
        )
        for i, m in enumerate([ben, cy])
    )
    writes = [
        Write("load-00000000ff", "propose", ana.user.email, str(item.public_id), number=1, outcome=OK),
        *(
            Write(f"load-000000010{i}", "respond", m.user.email, "", 1, str(proposal.public_id), OK)
            for i, m in enumerate([ben, cy])
        ),
    ]
    assert any("still not adopted" in p for p in problems(plan, seeded, writes))
