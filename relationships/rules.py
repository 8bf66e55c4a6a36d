"""Who may do what in a polycule: one predicate per permission, used by the services (which
refuse), the views (403 for a member, 404 for anyone else) and, through the read models of
``selectors``, the templates (which show or hide)."""

from .models import Invitation, Membership


def can_rename(me: Membership) -> bool:
    return me.is_steward


def can_change_role(me: Membership, member: Membership) -> bool:
    """Make someone a steward or a member again (oneself included, while another steward remains)."""
    return me.is_steward and member.is_active


def can_remove(me: Membership, member: Membership) -> bool:
    """Ask someone else to leave; to go oneself is to leave."""
    return me.is_steward and member.is_active and member.pk != me.pk


def can_invite(me: Membership) -> bool:
    return me.is_active


def can_resend(me: Membership, invitation: Invitation) -> bool:
    return (
        me.is_active
        and invitation.polycule_id == me.polycule_id
        and invitation.status
        in {
            Invitation.Status.PENDING,
            Invitation.Status.EXPIRED,
        }
    )


def can_revoke(me: Membership, invitation: Invitation) -> bool:
    return me.is_active and invitation.polycule_id == me.polycule_id and invitation.status != Invitation.Status.ACCEPTED
