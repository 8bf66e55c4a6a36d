"""Workflows of values, agreements and boundaries. Each runs in one transaction, locking the
item or proposal it changes so that two people acting at once cannot both win, and refuses
with the predicates of ``values.rules``.

- ``items``: what every kind shares (versions, audience, consent, reaffirming, locking);
- ``boundaries``: set by their owner, acknowledged by the others, open to suggestions;
- ``proposals``: values and agreements, changed by proposal and adopted by everyone's answer.
"""

from relationships.services import NotAllowed, RuleError

from .boundaries import (
    acknowledge,
    create_boundary,
    decline_suggestion,
    retire_boundary,
    revise_boundary,
    set_boundary_audience,
    suggest_change,
    take_suggestion,
)
from .items import Stale, consent, reaffirm
from .proposals import Answered, amend, nudge, propose_change, propose_new, propose_retiring, respond, withdraw

__all__ = [
    "Answered",
    "NotAllowed",
    "RuleError",
    "Stale",
    "acknowledge",
    "amend",
    "consent",
    "create_boundary",
    "decline_suggestion",
    "nudge",
    "propose_change",
    "propose_new",
    "propose_retiring",
    "reaffirm",
    "respond",
    "retire_boundary",
    "revise_boundary",
    "set_boundary_audience",
    "suggest_change",
    "take_suggestion",
    "withdraw",
]
