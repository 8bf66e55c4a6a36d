"""docs/SECURITY.md is the list of promises: every "promise N" cited in the code is written
there, and every test module it names exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROMISES = ROOT / "docs" / "SECURITY.md"
CODE = (
    "accounts",
    "relationships",
    "values",
    "home",
    "conversations",
    "notifications",
    "config",
    "templates",
    "static",
    "tests",
)


def _promises() -> dict[int, str]:
    """Each promise's number and its text, up to the next heading."""
    parts = re.split(r"^### Promise (\d+)\. ", PROMISES.read_text(), flags=re.M)
    return {int(number): text for number, text in zip(parts[1::2], parts[2::2], strict=True)}


def _cited() -> set[tuple[str, int]]:
    found = set()
    for folder in CODE:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".txt", ".js", ".css"} and path.is_file():
                for number in re.findall(r"\bpromises? (\d+)", path.read_text(), flags=re.I):
                    found.add((str(path.relative_to(ROOT)), int(number)))
    return found


def test_the_promises_are_numbered_one_after_another() -> None:
    assert sorted(_promises()) == list(range(1, len(_promises()) + 1))


def test_every_promise_cited_in_the_code_is_written_down() -> None:
    cited = _cited()
    assert cited, "the code cites promises; finding none means this test looks in the wrong place"
    missing = sorted((path, number) for path, number in cited if number not in _promises())
    assert not missing, missing


def test_every_promise_says_what_proves_it_or_that_nothing_does_yet() -> None:
    for number, text in _promises().items():
        assert "Proven by:" in text or "Not yet proven:" in text, number


def test_every_test_module_named_exists() -> None:
    named = set(re.findall(r"`(tests/[\w/]+\.py)`", PROMISES.read_text()))
    assert named
    assert not [path for path in sorted(named) if not (ROOT / path).is_file()]
