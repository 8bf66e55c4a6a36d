import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from relationships.invitations import hash_token, new_salt, token_for
from relationships.models import Invitation, Membership, Polycule

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class PolyculeFactory(factory.django.DjangoModelFactory[Polycule]):
    class Meta:
        model = Polycule

    name = factory.Sequence(lambda n: f"Polycule {n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    polycule = factory.SubFactory(PolyculeFactory)
    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda m: m.user.name or "Someone")
    role = Membership.Role.MEMBER


class StewardFactory(MembershipFactory):
    role = Membership.Role.STEWARD


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    invited_by = factory.SubFactory(StewardFactory)
    polycule = factory.SelfAttribute("invited_by.polycule")
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    salt = factory.LazyFunction(new_salt)
    token_hash = factory.LazyAttribute(lambda i: hash_token(token_for(i.salt)))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=settings.INVITATION_DAYS))


def token(invitation: Invitation) -> str:
    return token_for(invitation.salt)
