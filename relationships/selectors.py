"""The polycule's home page as one member sees it, with what they may do."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from . import rules
from .models import Invitation, Membership, Polycule

RECENT_DAYS = 30


@dataclass(frozen=True)
class MemberRow:
    member: Membership
    is_me: bool
    can_change_role: bool
    can_remove: bool


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    can_resend: bool
    can_revoke: bool


@dataclass(frozen=True)
class PolyculePage:
    polycule: Polycule
    members: list[MemberRow]
    newcomers: list[Membership]  # joined in the last weeks, since the viewer did
    invitations: list[InvitationRow]
    can_rename: bool
    can_invite: bool


def member_row(me: Membership, member: Membership) -> MemberRow:
    return MemberRow(
        member=member,
        is_me=member.pk == me.pk,
        can_change_role=rules.can_change_role(me, member),
        can_remove=rules.can_remove(me, member),
    )


def invitation_row(me: Membership, invitation: Invitation) -> InvitationRow:
    return InvitationRow(
        invitation=invitation,
        can_resend=rules.can_resend(me, invitation),
        can_revoke=rules.can_revoke(me, invitation),
    )


def polycule_page(me: Membership) -> PolyculePage:
    polycule = me.polycule
    members = list(polycule.memberships.active().select_related("user"))
    since = max(me.joined_at, timezone.now() - timedelta(days=RECENT_DAYS))
    # Expired ones stay listed, with a way to send a new link, until someone removes them.
    invitations = polycule.invitations.unanswered().select_related("invited_by")
    return PolyculePage(
        polycule=polycule,
        members=[member_row(me, m) for m in members],
        newcomers=[m for m in members if m.pk != me.pk and m.joined_at > since],
        invitations=[invitation_row(me, i) for i in invitations],
        can_rename=rules.can_rename(me),
        can_invite=rules.can_invite(me),
    )
