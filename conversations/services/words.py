"""What every conversation service checks of the words people send, in one place."""

from relationships.services import RuleError


def words(text: str, *, limit: int, empty: str, too_long: str, refuse: type[RuleError] = RuleError) -> str:
    """The text without its surrounding blanks, or a refusal (``refuse``) that says why:
    ``empty`` when nothing is left, ``too_long`` (which may name ``{limit}``) past the limit."""
    text = text.strip()
    if not text:
        raise refuse(empty)
    if len(text) > limit:
        raise refuse(too_long.format(limit=limit))
    return text
