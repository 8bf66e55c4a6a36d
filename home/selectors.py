"""The top floor's read models: what each app asks of one person, gathered in one place.
Each app exposes its own part as a function (``values.selectors.needs``,
``conversations.selectors.needs.needs``); this composes them."""

from dataclasses import dataclass
from datetime import date

from accounts.models import User
from accounts.paging import Page
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

    @property
    def count(self) -> int:
        """What ``needs_count`` counts: what waits in every polycule (drafts are not asked of anyone)."""
        return sum(polycule.count for polycule in self.polycules)


def dashboard(user: User, today: date) -> Dashboard:
    memberships = Membership.objects.active().filter(user=user).select_related("polycule")
    return Dashboard(
        polycules=[PolyculeNeeds(membership=m, values=values.needs(m), talk=talk.needs(m)) for m in memberships],
        drafts=journal.drafts_to_look_at(user, today),
    )


def needs_count(user: User) -> int:
    """How many things wait on the person, everywhere: the header's small count."""
    memberships = Membership.objects.active().filter(user=user).select_related("polycule")
    return sum(values.needs(m, shown=0).count + talk.count(m) for m in memberships)


@dataclass(frozen=True)
class Welcome:
    """A newcomer's first look: what was set before them and waits for their answer, a page
    at a time, and how many there are in all."""

    membership: Membership
    items: Page[ItemRow]
    count: int


def welcome(membership: Membership, *, after: str = "") -> Welcome:
    items = values.newcomer_items(membership, after=after)
    count = len(items.rows) if items.first and not items.next else values.newcomer_count(membership)
    return Welcome(membership=membership, items=items, count=count)
