"""What is worth telling, and to whom: notices drawn from what the apps store, one per person
and event, never about one's own action, never to anyone who may not see the thing."""

from datetime import UTC, datetime, time, timedelta

from django.core import mail
from django.utils import timezone

from conversations.services import checkins as checkin_services
from conversations.services import discussions, journal
from conversations.services import rounds as round_services
from notifications import services
from notifications.kinds import DEFAULTS, Delivery, Kind
from notifications.models import Notice
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.conversations.routes_rounds import ask
from tests.factories import MembershipFactory
from tests.values.build import UNDERSTOOD, Answer, adopted, boundary, current, old_boundary, proposed
from values import services as values
from values.models import Acknowledgment, Event

from .telling import choose, later, notices_of


def told(kind: Kind) -> set[str]:
    """Who got a notice of this kind, by display name."""
    return {n.membership.display_name for n in Notice.objects.filter(kind=kind).select_related("membership")}


def collect(now: datetime | None = None) -> int:
    return services.collect(now=now)


def test_what_waits_on_the_person_comes_at_once_and_the_rest_in_the_digest_by_default() -> None:
    assert set(DEFAULTS) == set(Kind)
    waiting_on_me = {Kind.VERSION, Kind.PROPOSAL, Kind.OBJECTION, Kind.SUGGESTION, Kind.TALK, Kind.ROUND, Kind.CHOICE}
    personal = {Kind.NUDGE, Kind.ACTION, Kind.WORDS_BACK}
    assert all(DEFAULTS[kind] == Delivery.AT_ONCE for kind in waiting_on_me | personal)
    news = {Kind.DECIDED, Kind.REVEALED, Kind.CHECKIN, Kind.REVIEW, Kind.MEMBERS, Kind.LANDED, Kind.WROTE}
    assert all(DEFAULTS[kind] == Delivery.DIGEST for kind in news)


def test_a_new_boundary_is_told_to_its_audience_but_never_to_its_owner(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    boundary(ben)
    collect()
    assert told(Kind.VERSION) == {"Ana", "Cy"}
    assert {n.delivery for n in Notice.objects.filter(kind=Kind.VERSION)} == {Delivery.AT_ONCE}


def test_a_changed_boundary_is_a_new_notice_for_each_version(ana: Membership, ben: Membership) -> None:
    item = boundary(ben)
    collect()
    values.revise_boundary(owner=ben, item=item, base_number=1, title="t", text="New words", why="w")
    collect()
    assert len(notices_of(ana, Kind.VERSION)) == 2


def test_a_boundary_shared_with_some_is_told_to_them_alone(ana: Membership, ben: Membership, cy: Membership) -> None:
    boundary(ben, everyone=False, audience=[ana.public_id])
    collect()
    assert told(Kind.VERSION) == {"Ana"}
    assert not notices_of(cy, Kind.VERSION)


def test_someone_a_boundary_is_newly_shared_with_is_told_and_nobody_else(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    item = boundary(ben, everyone=False, audience=[ana.public_id])
    values.set_boundary_audience(owner=ben, item=item, everyone=False, audience=[ana.public_id, cy.public_id])
    # Eli added later is told of that change alone; Cy, already there, is not told of it.
    values.set_boundary_audience(owner=ben, item=item, everyone=False, audience=[cy.public_id, eli.public_id])
    collect()
    first, second = Event.objects.filter(item=item, kind=Event.Kind.AUDIENCE_CHANGED).order_by("id")

    def told_of(event: Event) -> set[str]:
        rows = Notice.objects.filter(key=f"values.event:{event.pk}").select_related("membership")
        return {n.membership.display_name for n in rows}

    assert told_of(first) == {"Cy"}
    assert told_of(second) == {"Eli"}
    services.tick()
    to_cy = "".join(str(m.body) for m in mail.outbox if cy.user.email in m.to)
    # The boundary's making, within the tick's look back, and its sharing: one line, the latest.
    assert to_cy.count("Ben shared a boundary with you: read it, and say how it lands for you.") == 1
    assert "set a new boundary" not in to_cy


def test_someone_who_acknowledged_a_boundary_newly_shared_with_them_is_not_mailed(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ben, everyone=False, audience=[ana.public_id])
    values.set_boundary_audience(owner=ben, item=item, everyone=False, audience=[ana.public_id, cy.public_id])
    values.acknowledge(member=cy, item=item, version_number=1, answer=UNDERSTOOD)
    services.tick()
    assert notices_of(cy, Kind.VERSION)[0].why_skipped == "done already"


def test_a_proposal_new_or_amended_is_told_to_its_audience_but_the_proposer(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(ana)
    collect()
    assert told(Kind.PROPOSAL) == {"Ben", "Cy"}
    values.amend(proposer=ana, proposal=proposal, revision_number=1, title="t", text="Amended", why="w")
    collect()
    assert len(notices_of(ben, Kind.PROPOSAL)) == 2
    assert not notices_of(ana, Kind.PROPOSAL)


def test_an_objection_is_told_to_the_proposer_alone(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = proposed(ana)
    values.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.OBJECT, note="Not yet")
    collect()
    assert told(Kind.OBJECTION) == {"Ana"}


def test_a_withdrawn_proposal_is_news_for_everyone_but_who_withdrew_it(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    values.withdraw(proposer=ana, proposal=proposed(ana))
    collect()
    assert told(Kind.DECIDED) == {"Ben", "Cy"}
    assert {n.delivery for n in Notice.objects.filter(kind=Kind.DECIDED)} == {Delivery.DIGEST}


def test_an_adopted_proposal_is_news_for_all_but_the_one_whose_answer_adopted_it(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(ana)
    for member in (ben, cy):
        values.respond(member=member, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    collect()
    # Ana proposed it and hears it was adopted; Cy's answer adopted it, and the page said so.
    assert told(Kind.DECIDED) == {"Ana", "Ben"}


def test_a_suggestion_is_told_to_the_boundary_s_owner_alone(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ben)
    values.suggest_change(author=cy, item=item, base_number=1, text="Maybe this", why="Because")
    collect()
    assert told(Kind.SUGGESTION) == {"Ben"}


def test_asking_to_talk_about_a_boundary_is_told_to_its_owner(ana: Membership, ben: Membership) -> None:
    item = boundary(ben)
    values.acknowledge(member=ana, item=item, version_number=1, answer=Acknowledgment.Answer.TALK, note="Hmm")
    collect()
    assert told(Kind.TALK) == {"Ben"}


def test_a_nudge_is_told_to_those_who_have_not_answered(ana: Membership, ben: Membership, cy: Membership) -> None:
    proposal = proposed(ana)
    values.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    values.nudge(proposer=ana, proposal=proposal)
    collect()
    assert told(Kind.NUDGE) == {"Cy"}


def test_a_what_if_is_told_to_the_others_asked_and_its_reveal_to_all_but_who_revealed_it(
    ana: Membership, ben: Membership, cy: Membership, dee: Membership
) -> None:
    round = ask(ana, ben)
    collect()
    assert told(Kind.ROUND) == {"Ben"}
    round_services.answer(member=ben, round=round, text="Mine")
    round_services.answer(member=ana, round=round, text="Mine too")  # the last answer: Ana reads them all
    collect()
    assert told(Kind.REVEALED) == {"Ben"}


def test_a_what_if_still_waiting_after_three_days_reminds_who_has_not_answered_once(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = ask(ana, ben, cy)
    round_services.answer(member=ben, round=round, text="Mine")
    collect()
    collect(now=later(days=2))
    assert not Notice.objects.filter(key__endswith=":reminder").exists()
    collect(now=later(days=3, hours=1))
    collect(now=later(days=4))
    reminders = Notice.objects.filter(key=f"round:{round.pk}:reminder").select_related("membership")
    assert sorted(n.membership.display_name for n in reminders) == ["Ana", "Cy"]


def test_an_action_due_tomorrow_is_told_to_its_owner_once(ana: Membership, ben: Membership) -> None:
    checkin = checkin_services.start_checkin(by=ana, title="Sunday", time_zone="UTC")
    tomorrow = timezone.now().date() + timedelta(days=1)
    checkin_services.agree_action(member=ana, checkin=checkin, owner=ben, text="Book it", due_on=tomorrow)
    checkin_services.agree_action(
        member=ana, checkin=checkin, owner=ana, text="Later", due_on=tomorrow + timedelta(days=5)
    )
    collect()
    collect()
    assert told(Kind.ACTION) == {"Ben"}
    assert len(notices_of(ben, Kind.ACTION)) == 1
    collect(now=later(days=5))
    assert told(Kind.ACTION) == {"Ana", "Ben"}


def test_a_check_in_within_a_day_is_told_to_everyone_it_is_for(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    soon = timezone.now().astimezone(UTC) + timedelta(hours=5)
    checkin_services.plan_checkin(
        by=ana,
        title="Us two",
        day=soon.date(),
        at=time(soon.hour, soon.minute),
        time_zone="UTC",
        everyone=False,
        audience=[ben.public_id],
    )
    collect()
    assert told(Kind.CHECKIN) == {"Ana", "Ben"}  # the day before, its planner too: no "planned" as well
    assert all(":planned" not in n.key for n in Notice.objects.all())


def test_a_check_in_planned_days_ahead_is_told_to_the_others_then_and_to_everyone_the_day_before(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    far = timezone.now().astimezone(UTC) + timedelta(days=3)
    checkin = checkin_services.plan_checkin(by=ana, title="Later", day=far.date(), at=time(far.hour), time_zone="UTC")
    collect()
    planned = f"checkin:{checkin.pk}:planned"
    assert {n.membership.display_name for n in Notice.objects.filter(key=planned).select_related("membership")} == {
        "Ben",
        "Cy",
    }
    assert told(Kind.CHECKIN) == {"Ben", "Cy"}
    services.tick(now=later(days=1, hours=1))  # everyone's digest hour has come round once
    (digest,) = [m for m in mail.outbox if ben.user.email in m.to and "check-in" in m.body]
    assert "Ana planned a check-in for " in digest.body, digest.body
    collect(now=checkin.scheduled_for - timedelta(hours=12))
    assert told(Kind.CHECKIN) == {"Ana", "Ben", "Cy"}


def test_an_item_due_for_review_is_told_to_its_whole_audience_once_per_due_date(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    old_boundary(ben, days=31, review_every_days=30)
    collect()
    collect()
    assert told(Kind.REVIEW) == {"Ana", "Ben", "Cy"}
    assert Notice.objects.filter(kind=Kind.REVIEW).count() == 3


def test_a_review_due_long_ago_is_left_to_the_dashboard(ana: Membership, ben: Membership) -> None:
    old_boundary(ben, days=90, review_every_days=30)
    collect()
    assert not told(Kind.REVIEW)


def test_someone_joining_or_leaving_is_told_to_the_others_who_were_there(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    collect()
    assert {n.key for n in notices_of(ana, Kind.MEMBERS)} == {f"member:{ben.pk}:joined", f"member:{cy.pk}:joined"}
    assert {n.key for n in notices_of(ben, Kind.MEMBERS)} == {f"member:{cy.pk}:joined"}
    assert not notices_of(cy, Kind.MEMBERS)
    leave_polycule(membership=cy)
    collect()
    assert f"member:{cy.pk}:left" in {n.key for n in notices_of(ben, Kind.MEMBERS)}


def test_nobody_outside_the_polycule_nor_anyone_who_left_is_told_anything(
    ana: Membership, ben: Membership, dee: Membership, zed: Membership
) -> None:
    item = boundary(ben)
    proposed(ana)
    ask(ana, ben)
    values.suggest_change(author=ana, item=item, base_number=1, text="Maybe", why="Because")
    collect()
    assert notices_of(ana)
    assert not notices_of(zed)
    assert not notices_of(dee)


def test_a_kind_turned_off_is_recorded_as_skipped_so_that_turning_it_on_sends_nothing_old(
    ana: Membership, ben: Membership
) -> None:
    choose(ana, Kind.VERSION, Delivery.OFF)
    boundary(ben)
    collect()
    (notice,) = notices_of(ana, Kind.VERSION)
    assert notice.status == Notice.Status.SKIPPED
    choose(ana, Kind.VERSION, Delivery.AT_ONCE)
    collect()
    assert [n.status for n in notices_of(ana, Kind.VERSION)] == [Notice.Status.SKIPPED]


def test_collecting_again_records_nothing_twice(ana: Membership, ben: Membership, cy: Membership) -> None:
    boundary(ben)
    first = collect()
    assert first == Notice.objects.count() > 0
    assert collect() == 0
    assert collect(now=later(hours=3)) == 0
    assert Notice.objects.count() == first


def test_a_journal_entry_is_never_a_notice_nor_the_first_word_about_nobody_s_own(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = adopted(ana, ben, cy)  # an agreement: no owner to tell
    collect()
    before = Notice.objects.count()
    entry = journal.write_entry(author=ana.user, text="Only mine")
    assert entry.pk
    discussions.comment_about(author=ana, item=item, version=current(item), text="A comment")
    collect()
    assert Notice.objects.count() == before
