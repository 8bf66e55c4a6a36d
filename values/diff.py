"""A word-level diff between two texts, readable without colour."""

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    op: str  # "same", "added" or "removed"
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    a = _TOKENS.findall(old)
    b = _TOKENS.findall(new)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if op in {"delete", "replace"}:
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if op in {"insert", "replace"}:
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return pieces
