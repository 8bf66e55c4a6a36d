from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .invitations import token_for
from .models import Invitation


def site_url(path: str) -> str:
    return f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{settings.SITE_HOST}{path}"


@task
def send_invitation(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("polycule", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return
    context = {
        "invitation": invitation,
        "link": site_url(reverse("relationships:invitation_open", args=[token_for(invitation.salt)])),
    }
    subject = f"{invitation.invited_by.display_name} invites you to {invitation.polycule.name} on Trellis"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("relationships/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("relationships/email/invitation.html", context), "text/html")
    message.send()
    Invitation.objects.filter(pk=invitation_id).update(sent_at=timezone.now())
