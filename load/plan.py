"""What the seeding step hands to the simulated members, and what they hand back: plain data,
no Django, so that the locust process (gevent) never imports the project."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Member:
    email: str
    name: str
    boundary: str  # public id of the boundary this member owns


@dataclass(frozen=True)
class Plan:
    polycule: str
    password: str
    members: list[Member]
    boundaries: list[str]
    # Values and agreements: changed by proposal, adopted by everyone's answer.
    shared: list[str]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def load(cls, path: Path) -> "Plan":
        raw = json.loads(path.read_text())
        return cls(
            polycule=raw["polycule"],
            password=raw["password"],
            members=[Member(**m) for m in raw["members"]],
            boundaries=raw["boundaries"],
            shared=raw["shared"],
        )


# What a write attempt came to, as its sender saw it.
OK = "ok"  # the server said it was saved
STALE = "stale"  # 409: written against a version, wording or state that had moved on
REFUSED = "refused"  # any other answer: nothing may have been saved
UNANSWERED = "unanswered"  # sent, but no answer came back (stopped or failed mid-flight)


@dataclass
class Write:
    """One write attempt. ``token`` is written into the text of the write (a note, a title, a
    comment) so that the database row it made can be found again, and only that one."""

    token: str
    kind: str  # ack, edit, propose, respond, comment
    member: str  # e-mail address
    item: str  # public id of the item
    number: int = 0  # the version (ack, edit: the base) or the revision (respond) it was written against
    proposal: str = ""  # public id (respond; propose once answered)
    outcome: str = UNANSWERED
    status: int = 0


@dataclass
class Results:
    requests: int = 0
    errors: int = 0
    stale: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    by_name: dict[str, dict[str, float]] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def load(cls, path: Path) -> "Results":
        raw = json.loads(path.read_text())
        writes = [Write(**w) for w in raw.pop("writes")]
        return cls(**raw, writes=writes)
