"""The invitation mail, built by the task worker when it goes (`accounts.mail.register`).

The link is rebuilt from the invitation's salt at that moment, so no token ever waits in the
outbox or the task queue."""

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from accounts.mail import make_message, site_url

from .invitations import token_for
from .models import Invitation

INVITATION_MAIL = "relationships.invitation"


def build_invitation(invitation_id: int) -> EmailMultiAlternatives | None:
    """The invitation's mail, or None once it is no longer waiting (accepted, revoked, expired)."""
    invitation = Invitation.objects.select_related("polycule", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return None
    link = site_url(reverse("relationships:invitation_open", args=[token_for(invitation.salt)]))
    return make_message("invitation", invitation.email, {"invitation": invitation, "link": link})


def invitation_sent(invitation_id: int) -> None:
    Invitation.objects.filter(pk=invitation_id).update(sent_at=timezone.now())
