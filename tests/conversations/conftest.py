from datetime import timedelta

import pytest

from conversations import rules


@pytest.fixture
def alike_words_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests that write the same words many times on purpose (to fill a page, or to start
    several drafts from one entry): nothing counts as a double submit."""
    monkeypatch.setattr(rules, "DOUBLE_SUBMIT", timedelta(0))
