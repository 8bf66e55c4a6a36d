"""The group's part of deleting an account (composed by ``home.deletion``): the person's
memberships end, as when they leave, and a polycule left without a steward gets one.

The steward rule: when the last active steward goes, the active member who has been in the
polycule longest (earliest ``joined_at``, then the earliest row) becomes its steward."""

from django.utils import timezone

from accounts.models import User

from .models import Membership, Polycule

FORMER = " (former member)"


def as_former(display_name: str) -> str:
    """The name the shared history is told under once its person deleted their account: the
    one they had, marked, within the field's length."""
    if display_name.endswith(FORMER):
        return display_name
    room = Membership._meta.get_field("display_name").max_length or 60
    return display_name[: room - len(FORMER)].rstrip() + FORMER


def end_memberships(user: User) -> list[Membership]:
    """Ends every active membership of the person, locked, and clears the pronouns of all
    of them; the shared history is told under the display name they had, marked as a former
    member's (in every polycule they were ever in). Returns the memberships that were active."""
    now = timezone.now()
    ended = list(Membership.objects.active().select_for_update().filter(user=user).order_by("pk"))
    for membership in ended:
        membership.left_at = now
        membership.departure = Membership.Departure.LEFT
    for membership in [*ended, *Membership.objects.filter(user=user, left_at__isnull=False).order_by("pk")]:
        membership.pronouns = ""
        membership.display_name = as_former(membership.display_name)
        membership.save(update_fields=["left_at", "departure", "pronouns", "display_name"])
    return ended


def longest_standing(polycule: Polycule) -> Membership | None:
    """Who would become steward if the polycule had none: the member here longest."""
    return Membership.objects.active().filter(polycule=polycule).order_by("joined_at", "pk").first()


def ensure_steward(polycule: Polycule) -> Membership | None:
    """Makes the longest-standing active member a steward when no active steward is left.
    Returns the new steward, or None when there was one already or nobody is left."""
    stewards = Membership.objects.stewards().select_for_update().filter(polycule=polycule)
    if stewards.exists():
        return None
    successor = longest_standing(polycule)
    if successor is None:
        return None
    successor = Membership.objects.select_for_update().get(pk=successor.pk)
    successor.role = Membership.Role.STEWARD
    successor.save(update_fields=["role"])
    return successor


def is_empty(polycule: Polycule) -> bool:
    return not Membership.objects.active().filter(polycule=polycule).exists()
