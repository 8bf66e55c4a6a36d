"""Workflows of polycules, memberships and invitations. Each runs in one transaction."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import audit, mail
from accounts.models import User

from . import rules, tasks
from .acting import acting
from .invitations import hash_token, new_salt, token_for
from .models import Invitation, Membership, Polycule


class RuleError(Exception):
    """A request that the rules refuse, with a message for the person who made it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(RuleError):
    """The person may see this, but not do this."""


@transaction.atomic
def create_polycule(*, user: User, name: str, display_name: str, pronouns: str = "") -> Membership:
    polycule = Polycule.objects.create(name=name)
    return Membership.objects.create(
        polycule=polycule,
        user=user,
        display_name=display_name,
        pronouns=pronouns,
        role=Membership.Role.STEWARD,
    )


@acting("by")
def rename_polycule(*, by: Membership, name: str) -> Polycule:
    if not rules.can_rename(by):
        raise NotAllowed("Only a steward of this polycule can rename it.")
    polycule = by.polycule
    polycule.name = name
    polycule.save(update_fields=["name"])
    return polycule


@acting("membership")
def update_membership(*, membership: Membership, display_name: str, pronouns: str) -> Membership:
    membership.display_name = display_name
    membership.pronouns = pronouns
    membership.save(update_fields=["display_name", "pronouns"])
    return membership


# The stewards are locked too, so two people stepping down at once cannot leave none.
@acting("by", "member", stewards=True)
def set_role(*, by: Membership, member: Membership, role: Membership.Role) -> Membership:
    if not rules.can_change_role(by, member):
        if by.is_steward:
            raise RuleError(f"{member.display_name} is no longer in this polycule.")
        raise NotAllowed("Only a steward of this polycule can change who is a steward.")
    if member.role == role:
        return member
    if role == Membership.Role.MEMBER and not _has_other_steward(member):
        raise RuleError("A polycule needs at least one steward. Make someone else a steward first.")
    member.role = role
    member.save(update_fields=["role"])
    return member


def _has_other_steward(membership: Membership) -> bool:
    """Asked after ``lock_membership(..., stewards=True)``, which holds the stewards' rows."""
    stewards = Membership.objects.stewards().filter(polycule_id=membership.polycule_id)
    return stewards.exclude(pk=membership.pk).exists()


def _depart(membership: Membership, departure: Membership.Departure) -> Membership:
    membership.left_at = timezone.now()
    membership.departure = departure
    membership.save(update_fields=["left_at", "departure"])
    return membership


@acting("membership", stewards=True)
def leave_polycule(*, membership: Membership) -> Membership:
    """Locks the row every write of the member locks too: a write waiting for it is refused
    once this commits, and one holding it is saved before ``left_at``. Leaving twice is
    ``Departed``, as any write of a former member."""
    others = Membership.objects.active().filter(polycule_id=membership.polycule_id).exclude(pk=membership.pk)
    if membership.is_steward and others.exists() and not _has_other_steward(membership):
        raise RuleError("You are the last steward. Make another member a steward before you leave.")
    return _depart(membership, Membership.Departure.LEFT)


@acting("by", "member")
def remove_member(*, by: Membership, member: Membership) -> Membership:
    if not rules.can_remove(by, member):
        if not by.is_steward:
            raise NotAllowed("Only a steward can ask someone to leave the polycule.")
        if member.pk == by.pk:
            raise RuleError("To go, leave the polycule instead.")
        raise RuleError(f"{member.display_name} is no longer in this polycule.")
    removed = _depart(member, Membership.Departure.REMOVED)
    audit.record("member_removed", user=by.user, polycule_id=by.polycule_id, member_user_id=member.user_id)
    return removed


def _is_active_member(polycule: Polycule, email: str) -> bool:
    return Membership.objects.active().filter(polycule=polycule, user__email__iexact=email).exists() or (
        Membership.objects.active()
        .filter(polycule=polycule, user__emailaddress__email__iexact=email, user__emailaddress__verified=True)
        .exists()
    )


@acting("by")
def invite(*, by: Membership, email: str, note: str = "") -> Invitation:
    if not rules.can_invite(by):
        raise NotAllowed("You are no longer in this polycule.")
    polycule = by.polycule
    email = email.strip()
    if _is_active_member(polycule, email):
        raise RuleError("Someone with that e-mail address is already in this polycule.")
    if polycule.invitations.pending().filter(email__iexact=email).exists():
        raise RuleError("That address already has an invitation waiting. You can resend it from the list.")
    salt = new_salt()
    invitation = Invitation.objects.create(
        polycule=polycule,
        invited_by=by,
        email=email,
        note=note,
        salt=salt,
        token_hash=hash_token(token_for(salt)),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    _send(invitation)
    audit.record("invitation_sent", user=by.user, polycule_id=by.polycule_id, invitation_id=invitation.pk)
    return invitation


def _send(invitation: Invitation) -> None:
    # Queued in this transaction: the mail goes (built by the worker) only if it commits.
    mail.queue_built(tasks.INVITATION_MAIL, invitation.pk, invitation.email)


@acting("by")
def resend_invitation(*, by: Membership, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not rules.can_resend(by, invitation):
        raise RuleError(f"This invitation was {invitation.status.label.lower()}; it cannot be resent.")
    # A resent invitation gets a fresh week from now.
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
    invitation.save(update_fields=["expires_at"])
    _send(invitation)
    audit.record("invitation_sent", user=by.user, polycule_id=by.polycule_id, invitation_id=invitation.pk, resent=1)
    return invitation


@acting("by")
def revoke_invitation(*, by: Membership, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not rules.can_revoke(by, invitation):
        raise RuleError("This invitation was already accepted.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 128:
        return None
    return Invitation.objects.select_related("polycule", "invited_by").filter(token_hash=hash_token(token)).first()


def email_matches(*, invitation: Invitation, user: User) -> bool:
    return bool(EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists())


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User, display_name: str, pronouns: str = "") -> Membership:
    # The row lock makes two accepts at once queue up: the second sees it accepted.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    status = invitation.status
    if status != Invitation.Status.PENDING:
        raise RuleError(STATUS_MESSAGES[status])
    if not email_matches(invitation=invitation, user=user):
        raise RuleError(
            "This invitation was sent to a different e-mail address. Sign in with that address,"
            " or add and verify it in your e-mail settings."
        )
    if Membership.objects.active().filter(polycule_id=invitation.polycule_id, user=user).exists():
        raise RuleError("You are already in this polycule.")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                polycule_id=invitation.polycule_id,
                user=user,
                display_name=display_name,
                pronouns=pronouns,
                role=Membership.Role.MEMBER,
            )
    except IntegrityError:
        raise RuleError("You are already in this polycule.") from None
    invitation.accepted_at = timezone.now()
    invitation.accepted_membership = membership
    invitation.save(update_fields=["accepted_at", "accepted_membership"])
    audit.record("invitation_accepted", user=user, polycule_id=invitation.polycule_id, invitation_id=invitation.pk)
    return membership


STATUS_MESSAGES = {
    Invitation.Status.ACCEPTED: "This invitation has already been used. If that wasn't you, ask the person who"
    " invited you for a new one.",
    Invitation.Status.REVOKED: "This invitation was withdrawn by the polycule. If you think that's a mistake,"
    " ask the person who invited you.",
    Invitation.Status.EXPIRED: "This invitation has expired. Ask the person who invited you to send it again.",
}
