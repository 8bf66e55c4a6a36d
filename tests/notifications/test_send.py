"""Sending what is due: one letter per person, never an avalanche, never twice, never about
what is already done, and never in quiet hours; each person's choices respected."""

from datetime import UTC, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from accounts.models import OutboundMail
from conversations.services import checkins as checkin_services
from conversations.services import rounds as round_services
from notifications import services, settings_services
from notifications.kinds import DEFAULTS, Delivery, Kind
from notifications.models import Letter, Notice
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.conversations.routes_rounds import ask
from tests.values.build import UNDERSTOOD, Answer, boundary, proposed
from values import services as values

from .telling import (
    choose,
    digest_hour,
    everything,
    later,
    mails_to,
    notices_of,
    prefer,
    text_of,
    tick,
    tomorrow_after_the_digest,
)

pytestmark = pytest.mark.usefixtures("mailoutbox")


def test_a_changed_boundary_reaches_the_others_at_the_next_tick_and_its_owner_never(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    boundary(ben)
    tick()
    assert len(mails_to(ana)) == len(mails_to(cy)) == 1
    assert not mails_to(ben)
    assert "Ben set a new boundary" in mails_to(ana)[0].body
    assert mails_to(ana)[0].subject == f"A boundary to read in {ana.polycule.name}"


def test_ten_things_before_a_tick_become_one_mail(ana: Membership, ben: Membership) -> None:
    for n in range(10):
        boundary(ben, title=f"Boundary {n}")
    tick()
    (message,) = mails_to(ana)
    assert message.body.count("Ben set a new boundary") == 10
    assert message.subject == "10 things for you on Trellis"
    assert Letter.objects.filter(user=ana.user).count() == 1


def test_what_comes_within_the_hour_after_a_mail_waits_and_goes_together(ana: Membership, ben: Membership) -> None:
    boundary(ben, title="First")
    tick()
    assert len(mails_to(ana)) == 1
    for n in range(9):
        boundary(ben, title=f"Later {n}")
        tick(now=later(minutes=5 * n + 5))
    assert len(mails_to(ana)) == 1
    tick(now=later(minutes=61))
    assert len(mails_to(ana)) == 2
    assert mails_to(ana)[1].body.count("Ben set a new boundary") == 9


def test_the_digest_gathers_the_day_into_one_mail_at_the_person_s_hour(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    choose(cy, Kind.VERSION, Delivery.DIGEST)
    for n in range(3):
        boundary(ben, title=f"Boundary {n}")
    tick()
    assert not mails_to(cy)
    tick(now=tomorrow_after_the_digest())
    (digest,) = mails_to(cy)
    assert digest.subject.startswith("Your Trellis digest")
    assert digest.body.count("Ben set a new boundary") == 3
    assert "Boundaries to read" in digest.body
    assert Letter.objects.get(user=cy.user).sort == Letter.Sort.DIGEST
    tick(now=tomorrow_after_the_digest() + timedelta(minutes=5))
    assert len(mails_to(cy)) == 1


def test_the_digest_comes_at_the_hour_on_the_person_s_own_clocks(ana: Membership, ben: Membership) -> None:
    choose(ana, Kind.VERSION, Delivery.DIGEST)
    prefer(ana, time_zone="Pacific/Auckland", digest_hour=9)
    boundary(ben)
    services.collect()
    (notice,) = notices_of(ana, Kind.VERSION)
    local = notice.due_at.astimezone(ZoneInfo("Pacific/Auckland"))
    assert (local.hour, local.minute) == (9, 0)
    assert notice.due_at > timezone.now()


def test_a_kind_turned_off_is_never_mailed(ana: Membership, ben: Membership, cy: Membership) -> None:
    choose(ana, Kind.VERSION, Delivery.OFF)
    boundary(ben)
    tick()
    tick(now=tomorrow_after_the_digest())
    assert "boundary" not in "".join(text_of(m) for m in mails_to(ana))
    assert mails_to(cy)


def test_a_kind_turned_off_after_the_notice_was_recorded_is_not_sent(ana: Membership, ben: Membership) -> None:
    prefer(ana, quiet_from=_hour(-1), quiet_until=_hour(2))
    boundary(ben)
    tick()
    choose(ana, Kind.VERSION, Delivery.OFF)
    tick(now=later(hours=3))
    assert not [m for m in mails_to(ana) if "boundary" in text_of(m)]
    assert notices_of(ana, Kind.VERSION)[0].why_skipped == services.OFF


def _hour(offset: int) -> time:
    return (timezone.now().astimezone(UTC) + timedelta(hours=offset)).replace(second=0, microsecond=0).time()


def test_quiet_hours_hold_the_mail_until_they_end(ana: Membership, ben: Membership) -> None:
    prefer(ana, quiet_from=_hour(-1), quiet_until=_hour(2))
    boundary(ben)
    tick()
    tick(now=later(hours=1))
    assert not mails_to(ana)
    tick(now=later(hours=2, minutes=1))
    assert len(mails_to(ana)) == 1


def test_moving_a_kind_to_the_digest_holds_a_waiting_notice_for_it(ana: Membership, ben: Membership) -> None:
    prefer(ana, quiet_from=_hour(-1), quiet_until=_hour(2))
    boundary(ben)
    tick()
    choose(ana, Kind.VERSION, Delivery.DIGEST)
    tick(now=later(hours=2, minutes=1))
    assert not mails_to(ana)
    (notice,) = notices_of(ana, Kind.VERSION)
    assert notice.status == Notice.Status.WAITING
    assert notice.delivery == Delivery.DIGEST


def test_rescheduling_brings_a_digest_notice_forward_when_the_person_chooses_at_once(
    ana: Membership, ben: Membership
) -> None:
    choose(ana, Kind.VERSION, Delivery.DIGEST)
    boundary(ben)
    tick()
    assert not mails_to(ana)
    # Saved as the settings page saves it: what waits is timed again by the new choice.
    settings_services.save_preferences(
        user=ana.user,
        deliveries={**DEFAULTS, Kind.VERSION: Delivery.AT_ONCE},
        time_zone="UTC",
        digest_hour=digest_hour(),
        quiet_from=None,
        quiet_until=None,
        include_titles=False,
    )
    tick()
    assert len(mails_to(ana)) == 1


def test_rescheduling_someone_with_nothing_waiting_reads_their_choices_no_further(
    ana: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        assert services.reschedule(user=ana.user) == 0


def test_someone_who_acknowledged_before_the_tick_is_not_reminded(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ben)
    values.acknowledge(member=ana, item=item, version_number=1, answer=UNDERSTOOD)
    tick()
    assert not mails_to(ana)
    assert mails_to(cy)
    (notice,) = notices_of(ana, Kind.VERSION)
    assert (notice.status, notice.why_skipped) == (Notice.Status.SKIPPED, "done already")


def test_a_version_replaced_before_the_tick_is_told_once(ana: Membership, ben: Membership) -> None:
    item = boundary(ben)
    values.revise_boundary(owner=ben, item=item, base_number=1, title="t", text="New", why="w")
    tick()
    (message,) = mails_to(ana)
    assert message.body.count("- In ") == 1
    assert "Ben changed a boundary" in message.body


def test_a_proposal_answered_or_withdrawn_before_the_tick_is_not_mailed(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(ana)
    values.respond(member=ben, proposal=proposal, revision_number=1, answer=Answer.STAND_ASIDE)
    tick()
    assert not mails_to(ben)
    assert "proposed a new value" in mails_to(cy)[0].body
    second = proposed(ana, title="Another")
    values.withdraw(proposer=ana, proposal=second)
    tick(now=later(hours=2))
    assert len(mails_to(cy)) == 1


def test_a_what_if_answered_before_the_tick_is_not_mailed(ana: Membership, ben: Membership, cy: Membership) -> None:
    round = ask(ana, ben, cy)
    round_services.answer(member=ben, round=round, text="Mine")
    tick()
    assert not mails_to(ben)
    assert "asked a “what if”" in mails_to(cy)[0].body


def test_an_action_done_before_the_tick_is_not_mailed(ana: Membership, ben: Membership) -> None:
    checkin = checkin_services.start_checkin(by=ana, title="Sunday", time_zone="UTC")
    action = checkin_services.agree_action(
        member=ana, checkin=checkin, owner=ben, text="Book it", due_on=timezone.now().date()
    )
    services.collect()
    checkin_services.finish_action(member=ben, action=action)
    tick()
    assert not [m for m in mails_to(ben) if "action" in text_of(m)]


def test_someone_who_left_before_the_tick_gets_nothing(ana: Membership, ben: Membership, cy: Membership) -> None:
    boundary(ben)
    services.collect()
    leave_polycule(membership=cy)
    tick()
    tick(now=tomorrow_after_the_digest())
    assert not mails_to(cy)
    assert {n.why_skipped for n in notices_of(cy)} == {"left the polycule"}


def test_someone_taken_out_of_an_audience_before_the_tick_gets_nothing(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ben)
    services.collect()
    values.set_boundary_audience(owner=ben, item=item, everyone=False, audience=[ana.public_id])
    tick()
    assert mails_to(ana)
    assert not mails_to(cy)
    assert notices_of(cy, Kind.VERSION)[0].why_skipped == "cannot see it"


def test_ticking_again_sends_nothing_twice(ana: Membership, ben: Membership, cy: Membership) -> None:
    boundary(ben)
    proposed(ana)
    tick()
    sent = len(_all())
    tick()
    tick(now=later(hours=2))
    assert len(_all()) == sent
    tick(now=tomorrow_after_the_digest())
    digests = len(_all()) - sent
    assert digests == 2  # Ana and Ben hear who joined after them
    tick(now=tomorrow_after_the_digest() + timedelta(hours=2))
    assert len(_all()) == sent + digests
    assert OutboundMail.objects.filter(status=OutboundMail.Status.SENT).count() == len(_all())


def test_a_closed_account_gets_nothing(ana: Membership, ben: Membership) -> None:
    ana.user.is_active = False
    ana.user.save()
    boundary(ben)
    tick()
    assert not mails_to(ana)
    assert {n.status for n in notices_of(ana, Kind.VERSION)} == {Notice.Status.SKIPPED}


def _all() -> list[EmailMessage]:
    return list(mail.outbox)


def test_every_mail_names_what_waits_and_where(ana: Membership, ben: Membership) -> None:
    boundary(ben)
    tick()
    text = everything(mails_to(ana)[0])
    assert ana.polycule.name in text
    assert "/items/" in text


def test_a_proposal_opened_then_amended_before_the_tick_is_told_once_as_it_is_now(
    ana: Membership, ben: Membership
) -> None:
    proposal = proposed(ana)
    values.amend(proposer=ana, proposal=proposal, revision_number=1, title="t", text="Amended", why="w")
    tick()
    (message,) = mails_to(ben)
    assert text_of(message).count("- In ") == 1
    assert "Ana amended a proposal" in text_of(message)
    assert len(notices_of(ben, Kind.PROPOSAL)) == 2


def test_the_proposer_reads_in_their_digest_that_their_proposal_was_adopted(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    proposal = proposed(ana)
    for member in (ben, cy):
        values.respond(member=member, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    tick()
    tick(now=tomorrow_after_the_digest())
    assert "Your proposal was adopted, with everyone's consent." in "".join(text_of(m) for m in mails_to(ana))
    assert "Your proposal" not in "".join(text_of(m) for m in mails_to(ben))
