from functools import partial

import pytest

from notifications import schedule, selectors

from .telling import digest_hour


@pytest.fixture(autouse=True)
def default_digest_hour(monkeypatch: pytest.MonkeyPatch) -> int:
    """Whoever never chose gets the digest at ``telling.digest_hour()``, twelve hours from now,
    whenever the tests run; the hour is returned for tests that read it in a mail."""
    hour = digest_hour()
    monkeypatch.setattr(selectors, "Choices", partial(selectors.Choices, clock=schedule.Clock(digest_hour=hour)))
    return hour
