"""Two ticks at once, with real threads on PostgreSQL: each person gets each mail once, and no
notice is sent twice, whether the ticks collect the same news or send the same digests."""

from datetime import datetime

import pytest
from django.db import connection

from notifications import services
from notifications.models import Letter, Notice
from relationships.models import Membership
from tests.values.build import boundary, proposed
from tests.values.test_concurrency import race

from .telling import mails_to, tomorrow_after_the_digest

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("mailoutbox"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL row locks and real concurrent connections: run with DATABASE_URL=postgres://...",
    ),
]


def _ticks(count: int, now: datetime | None = None) -> list[services.TickReport]:
    results = race(*[lambda: services.tick(now=now) for _ in range(count)])
    reports = [r for r in results if isinstance(r, services.TickReport)]
    assert len(reports) == count, results
    return reports


def test_two_ticks_at_once_send_each_person_one_mail(ana: Membership, ben: Membership, cy: Membership) -> None:
    for n in range(5):
        boundary(ben, title=f"Boundary {n}")
    proposed(ana)
    results = _ticks(2)
    assert [len(mails_to(m)) for m in (ana, ben, cy)] == [1, 1, 1]
    assert sum(r.mails for r in results) == Letter.objects.count() == 3
    assert mails_to(cy)[0].body.count("set a new boundary") == 5
    # Every notice recorded once, and every sent one in exactly one letter.
    assert Notice.objects.filter(status=Notice.Status.SENT, letter__isnull=True).count() == 0
    _ticks(3)
    assert [len(mails_to(m)) for m in (ana, ben, cy)] == [1, 1, 1]


def test_three_ticks_at_the_digest_hour_send_each_digest_once(ana: Membership, ben: Membership, cy: Membership) -> None:
    boundary(ben)
    services.tick()
    sent = [len(mails_to(m)) for m in (ana, ben, cy)]
    _ticks(3, now=tomorrow_after_the_digest())
    # Ana and Ben hear who joined after them, once each; Cy has no news.
    assert [len(mails_to(m)) for m in (ana, ben, cy)] == [sent[0] + 1, sent[1] + 1, sent[2]]
    assert Letter.objects.filter(sort=Letter.Sort.DIGEST).count() == 2
