"""The account's own part of deleting an account (composed by ``home.deletion``): sessions
ended everywhere, mail waiting for the person forgotten, and the user row made anonymous.

The row itself stays, inactive and nameless, because memberships point to it and memberships
carry the shared history (see docs/DECISIONS.md, "Deleting an account")."""

from allauth.usersessions.models import UserSession

from .models import OutboundMail, User


def end_sessions(user: User) -> int:
    """Signs the person out on every device allauth knows of. Sessions it does not know stop
    working anyway: the password hash changes (``anonymise``) and the account is inactive."""
    ended = 0
    for session in UserSession.objects.filter(user=user):
        session.end()
        ended += 1
    return ended


def forget_outbox(addresses: set[str]) -> int:
    """Deletes every mail in the outbox addressed to one of ``addresses``, sent or not."""
    wanted = {address.lower() for address in addresses if address}
    # `to` is a JSON list; SQLite cannot query inside it, and the outbox is short.
    ids = [pk for pk, to in OutboundMail.objects.values_list("pk", "to") if wanted & {str(a).lower() for a in to}]
    deleted, _ = OutboundMail.objects.filter(pk__in=ids).delete()
    return deleted


def placeholder_email(user: User) -> str:
    """A unique address no one can receive mail at (``.invalid`` is reserved, RFC 2606)."""
    return f"deleted-{user.pk}@deleted.invalid"


def anonymise(user: User) -> None:
    """No name, no address, no password, no way to sign in: a row that only holds the place
    the shared history points to."""
    user.email = placeholder_email(user)
    user.name = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
