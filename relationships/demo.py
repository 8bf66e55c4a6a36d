"""Demo data: three partners in one polycule, and two invitations. Safe to run again."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .invitations import hash_token, new_salt, token_for
from .models import Invitation, Membership, Polycule

DEMO_PASSWORD = "trellis-demo"
DEMO_POLYCULE = "Demo polycule"
DEMO_PEOPLE = [
    ("ana@example.com", "Ana", "she/her"),
    ("ben@example.com", "Ben", "he/him"),
    ("cy@example.com", "Cy", "they/them"),
]


@transaction.atomic
def seed_people() -> dict[str, Membership]:
    """Returns each demo person's membership, keyed by display name."""
    polycule = Polycule.objects.filter(name=DEMO_POLYCULE, memberships__user__email=DEMO_PEOPLE[0][0]).first()
    if polycule is None:
        polycule = Polycule.objects.create(name=DEMO_POLYCULE)
    members: dict[str, Membership] = {}
    for index, (email, name, pronouns) in enumerate(DEMO_PEOPLE):
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        membership, _ = Membership.objects.active().get_or_create(
            polycule=polycule,
            user=user,
            defaults={
                "display_name": name,
                "pronouns": pronouns,
                "role": Membership.Role.STEWARD if index == 0 else Membership.Role.MEMBER,
            },
        )
        members[name] = membership
    return members


# Who is invited (by whom, how many days ago, with what note): Dee's link still works; Eli's ran
# out, so the list shows what an expired invitation looks like and how to send it again.
DEMO_INVITATIONS = [
    ("dee@example.com", "Ana", 2, "Ben and Cy would love to meet you properly. No rush at all."),
    ("eli@example.com", "Cy", settings.INVITATION_DAYS + 3, ""),
]


@transaction.atomic
def seed_invitations(people: dict[str, Membership]) -> None:
    """The invitations, written as rows (no mail is sent: the addresses are examples)."""
    for email, by, days_ago, note in DEMO_INVITATIONS:
        inviter = people[by]
        if Invitation.objects.filter(polycule_id=inviter.polycule_id, email=email).exists():
            continue
        sent = timezone.now() - timedelta(days=days_ago)
        salt = new_salt()
        Invitation.objects.create(
            polycule_id=inviter.polycule_id,
            invited_by=inviter,
            email=email,
            note=note,
            salt=salt,
            token_hash=hash_token(token_for(salt)),
            created_at=sent,
            sent_at=sent,
            expires_at=sent + timedelta(days=settings.INVITATION_DAYS),
        )
