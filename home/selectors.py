"""The top floor's read models: what each app asks of one person, gathered in one place.
Each app exposes its own part as a function (``values.selectors.needs``,
``conversations.selectors.needs.needs``); this composes them."""

from dataclasses import dataclass
from datetime import date

from accounts.models import User
from conversations.models import Draft
from conversations.selectors import journal
from conversations.selectors import needs as talk
from relationships.models import Membership
from values import selectors as values
from values.selectors import ItemRow


@dataclass(frozen=True)
class PolyculeNeeds:
    """What one polycule asks of the person now."""

    membership: Membership
    values: values.Needs
    talk: talk.Needs

    @property
    def count(self) -> int:
        return self.values.count + self.talk.count


@dataclass(frozen=True)
class Dashboard:
    polycules: list[PolyculeNeeds]
    drafts: list[Draft]  # kept in the journal, to look at again: the person's alone


def dashboard(user: User, today: date) -> Dashboard:
    memberships = Membership.objects.active().filter(user=user).select_related("polycule")
    return Dashboard(
        polycules=[PolyculeNeeds(membership=m, values=values.needs(m), talk=talk.needs(m)) for m in memberships],
        drafts=journal.drafts_to_look_at(user, today),
    )


@dataclass(frozen=True)
class Welcome:
    """A newcomer's first look: what was set before them and waits for their answer."""

    membership: Membership
    items: list[ItemRow]


def welcome(membership: Membership) -> Welcome:
    return Welcome(membership=membership, items=values.newcomer_items(membership))
