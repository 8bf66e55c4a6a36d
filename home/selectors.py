"""The top floor's read models: what each app asks of one person, gathered in one place.
Each app exposes its own part as a function (``values.selectors.needs``); this composes them."""

from dataclasses import dataclass

from accounts.models import User
from relationships.models import Membership
from values import selectors as values
from values.selectors import ItemRow, Needs


@dataclass(frozen=True)
class PolyculeNeeds:
    """What one polycule asks of the person now."""

    membership: Membership
    values: Needs

    @property
    def count(self) -> int:
        return self.values.count


def dashboard(user: User) -> list[PolyculeNeeds]:
    memberships = Membership.objects.active().filter(user=user).select_related("polycule")
    return [PolyculeNeeds(membership=m, values=values.needs(m)) for m in memberships]


@dataclass(frozen=True)
class Welcome:
    """A newcomer's first look: what was set before them and waits for their answer."""

    membership: Membership
    items: list[ItemRow]


def welcome(membership: Membership) -> Welcome:
    return Welcome(membership=membership, items=values.newcomer_items(membership))
