"""One-click unsubscribe links: signed for one person and one kind, so that nobody can make
one for someone else, and working signed out, as mail clients need."""

from django.core import signing
from django.urls import reverse

from accounts.mail import site_url
from accounts.models import User

from .kinds import Kind

_SALT = "trellis.notifications.unsubscribe"
# An old mail's link keeps working for a year; after that the settings page is the way.
MAX_AGE = 60 * 60 * 24 * 365


def token_for(user: User, kind: Kind) -> str:
    return signing.dumps({"u": user.pk, "k": str(kind)}, salt=_SALT, compress=True)


def url_for(user: User, kind: Kind) -> str:
    """The absolute link a mail carries (also in its List-Unsubscribe header)."""
    return site_url(reverse("notifications:unsubscribe", args=[token_for(user, kind)]))


def read(token: str) -> tuple[User, Kind] | None:
    """The person and kind a token was made for; None when forged, expired or unknown."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in Kind.values or not isinstance(data.get("u"), int):
        return None
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    return (user, Kind(data["k"])) if user else None
