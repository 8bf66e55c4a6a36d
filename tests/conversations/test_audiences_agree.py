"""Who sees what in the conversations is said twice: in SQL (each ``visible_to``, the gate
every query goes through) and in Python (each ``audience()``, which the services ask before
letting someone act). For everything said to everyone or to chosen people, they agree about
every member of the polycule."""

from datetime import date, time, timedelta

from django.db import models

from conversations.models import CheckIn, Choice, Discussion, Round
from conversations.services import checkins, discussions
from conversations.services.choices import share_choice
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.factories import MembershipFactory
from tests.values.build import boundary

from .routes_rounds import ask


def _agree(thing: models.Model, members: list[Membership]) -> None:
    manager = type(thing)._default_manager
    told = {m.pk for m in thing.audience()}  # type: ignore[attr-defined]
    for member in members:
        through_the_gate = manager.visible_to(member).filter(pk=thing.pk).exists()  # type: ignore[attr-defined]
        assert through_the_gate == (member.pk in told), (thing, member)


def test_every_audience_in_python_agrees_with_its_gate_in_sql(ana: Membership, ben: Membership, cy: Membership) -> None:
    eve = MembershipFactory.create(polycule=ana.polycule)
    ids = lambda *people: [p.public_id for p in people]  # noqa: E731
    tomorrow = date.today() + timedelta(days=1)
    things: list[models.Model] = [
        share_choice(author=ana, text="Seeing Sam on Friday"),
        share_choice(author=ana, text="Staying at Sam's", everyone=False, audience=ids(ben)),
        share_choice(author=cy, text="A quiet weekend", everyone=False, audience=ids(ana, eve)),
        ask(ana, ben),
        ask(ben, ana, cy, prompt="What if one of us moved away?"),
        checkins.plan_checkin(by=ana, title="All of us", day=tomorrow, at=time(19), time_zone="UTC"),
        checkins.plan_checkin(
            by=ben, title="Just us", day=tomorrow, at=time(20), time_zone="UTC", everyone=False, audience=ids(cy)
        ),
        discussions.comment_about(author=ana, item=boundary(ana, "Sleepovers"), text="Can we talk?").discussion,
        discussions.comment_about(
            author=ben, item=boundary(ben, "Texts", everyone=False, audience=ids(ana)), text="About this"
        ).discussion,
    ]
    # Someone told who then left is in neither.
    leave_polycule(membership=eve)
    members = [ana, ben, cy]
    assert {type(t) for t in things} == {Choice, Round, CheckIn, Discussion}
    for thing in things:
        _agree(thing, members)
        assert eve.pk not in {m.pk for m in thing.audience()}  # type: ignore[attr-defined]
