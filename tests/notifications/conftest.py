from functools import partial

import pytest

from notifications import schedule, selectors

from .telling import digest_hour


@pytest.fixture(autouse=True)
def _digest_far_from_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever never chose gets the digest at ``telling.digest_hour()``, twelve hours from now,
    whenever the tests run."""
    clock = schedule.Clock(digest_hour=digest_hour())
    monkeypatch.setattr(selectors, "Choices", partial(selectors.Choices, clock=clock))
