"""Notices from relationships: someone joined a polycule, or is no longer in it. Told to the
others who were there at the time; invitations keep their own mail, outside these choices."""

from collections.abc import Iterator, Sequence
from datetime import datetime

from relationships.models import Membership

from ..kinds import Kind
from ..models import Notice
from .base import LEFT, MISSING, About, Candidate, Found, Gone, absolute, number

MEMBER = "member"
PREFIXES = (MEMBER,)


def _there(membership: Membership, at: datetime) -> list[Membership]:
    """The others in the polycule now who were already in it at `at`."""
    members = Membership.objects.active().filter(polycule_id=membership.polycule_id, joined_at__lt=at)
    return list(members.exclude(pk=membership.pk))


def candidates(since: datetime, now: datetime) -> Iterator[Candidate]:
    for joined in Membership.objects.filter(joined_at__gt=since, joined_at__lte=now):
        for member in _there(joined, joined.joined_at):
            yield Candidate(member, Kind.MEMBERS, f"{MEMBER}:{joined.pk}:joined", joined.joined_at)
    for gone in Membership.objects.filter(left_at__gt=since, left_at__lte=now):
        assert gone.left_at is not None
        for member in _there(gone, gone.left_at):
            yield Candidate(member, Kind.MEMBERS, f"{MEMBER}:{gone.pk}:left", gone.left_at)


def about(notices: Sequence[Notice], now: datetime) -> dict[int, Found]:
    if not notices:
        return {}
    members = Membership.objects.select_related("polycule").in_bulk({number(n.key) for n in notices})
    found: dict[int, Found] = {}
    for notice in notices:
        member = members.get(number(notice.key))
        if member is None:
            found[notice.pk] = Gone(MISSING)
        elif notice.membership.left_at is not None:
            found[notice.pk] = Gone(LEFT)
        else:
            polycule = member.polycule
            if notice.key.endswith(":joined"):
                sentence = f"{member.display_name} joined: say hello."
            else:
                sentence = f"{member.display_name} is no longer a member."
            url = absolute(polycule.get_absolute_url())
            found[notice.pk] = About(Kind.MEMBERS, polycule.name, sentence, url, thing=notice.key)
    return found
