"""The polycule's room to talk: the latest of each kind of conversation the member may see."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts import paging
from relationships.models import Membership

from ..models import CheckIn, Choice, Discussion, Round
from .choices import where_i_stand

LATEST = 8


@dataclass(frozen=True)
class TalkPage:
    discussions: QuerySet[Discussion]
    choices: QuerySet[Choice]
    rounds: QuerySet[Round]
    upcoming: QuerySet[CheckIn]


def talk_page(me: Membership) -> TalkPage:
    now = timezone.now()
    return TalkPage(
        discussions=Discussion.objects.visible_to(me)
        .filter(item__isnull=False)
        .select_related("polycule", "item__current_version", "version", "proposal__revision", "started_by")
        .order_by("-created_at")[:LATEST],
        choices=where_i_stand(Choice.objects.visible_to(me), me)
        .select_related("polycule", "author")
        .order_by("-created_at")[:LATEST],
        rounds=Round.objects.visible_to(me).select_related("polycule", "asker").order_by("-created_at")[:LATEST],
        upcoming=CheckIn.objects.visible_to(me)
        .filter(held_at__isnull=True, scheduled_for__gte=now - timedelta(hours=12))
        .select_related("polycule")
        .order_by("scheduled_for")[:3],
    )


# The full lists the talk page links to, a page at a time, newest first (accounts/paging.py).

NEWEST = ("-created_at", "-id")


def choice_list(me: Membership, *, after: str) -> paging.Page[Choice]:
    choices = where_i_stand(Choice.objects.visible_to(me), me).select_related("polycule", "author")
    return paging.page(choices, NEWEST, after=after)


def round_list(me: Membership, *, after: str) -> paging.Page[Round]:
    return paging.page(Round.objects.visible_to(me).select_related("polycule", "asker"), NEWEST, after=after)


def discussion_list(me: Membership, *, after: str) -> paging.Page[Discussion]:
    """Discussions about items (those under a round are on the round's page)."""
    discussions = (
        Discussion.objects.visible_to(me)
        .filter(item__isnull=False)
        .select_related("polycule", "item__current_version", "version", "proposal__revision", "started_by")
    )
    return paging.page(discussions, NEWEST, after=after)
