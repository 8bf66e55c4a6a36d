"""Demo data: three partners in one polycule. Safe to run again."""

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User

from .models import Membership, Polycule

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
