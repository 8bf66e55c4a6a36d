"""factory_boy factories. Call ``XFactory.create(...)``: it is typed as the model."""

from datetime import timedelta
from typing import Any

import pgtrigger
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from factory.declarations import LazyAttribute, LazyFunction, PostGeneration, SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory, Password
from factory.faker import Faker

from accounts.models import User
from relationships.invitations import hash_token, new_salt, token_for
from relationships.models import Invitation, Membership, Polycule

PASSWORD = "correct horse battery staple"


def backdate(rows: QuerySet[Any], *, by: timedelta) -> None:
    """Moves history rows' ``created_at`` into the past, as if written ``by`` ago. History is
    append-only (PostgreSQL refuses the UPDATE), so the trigger is set aside for this alone."""
    with pgtrigger.ignore(f"{rows.model._meta.label}:append_only"):
        rows.update(created_at=timezone.now() - by)


def _verify(user: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
    """A verified primary address, unless made with ``verified=False``."""
    if create and extracted is not False:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = Sequence(lambda n: f"person{n}@example.com")
    name = Faker("first_name")
    password = Password(PASSWORD)
    verified = PostGeneration(_verify)


class PolyculeFactory(DjangoModelFactory[Polycule]):
    class Meta:
        model = Polycule

    name = Sequence(lambda n: f"Polycule {n}")


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    polycule = SubFactory(PolyculeFactory)
    user = SubFactory(UserFactory)
    display_name = LazyAttribute(lambda m: m.user.name or "Someone")
    role = Membership.Role.MEMBER


class StewardFactory(MembershipFactory):
    role = Membership.Role.STEWARD


class InvitationFactory(DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    invited_by = SubFactory(StewardFactory)
    polycule = SelfAttribute("invited_by.polycule")
    email = Sequence(lambda n: f"invitee{n}@example.com")
    salt = LazyFunction(new_salt)
    token_hash = LazyAttribute(lambda i: hash_token(token_for(i.salt)))
    expires_at = LazyFunction(lambda: timezone.now() + timedelta(days=settings.INVITATION_DAYS))


def token(invitation: Invitation) -> str:
    return token_for(invitation.salt)
