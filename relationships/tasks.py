from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from accounts.mail import make_message, site_url

from .invitations import token_for
from .models import Invitation


@task
def send_invitation(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("polycule", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return
    link = site_url(reverse("relationships:invitation_open", args=[token_for(invitation.salt)]))
    make_message("invitation", invitation.email, {"invitation": invitation, "link": link}).send()
    Invitation.objects.filter(pk=invitation_id).update(sent_at=timezone.now())
