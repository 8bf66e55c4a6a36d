"""Counting every row, to show that a refused request saved nothing."""

from django.apps import apps
from django.db import connection

# Rows a refused request may rightly leave: the session it rides on, and the audit log's record
# of the refusal itself (accounts.audit).
NOT_CONTENT = {"sessions.Session", "usersessions.UserSession", "accounts.SecurityEvent"}


def row_counts() -> dict[str, int]:
    """The number of rows of every model but NOT_CONTENT, by model label, in one query."""
    models = [m for m in apps.get_models() if m._meta.label not in NOT_CONTENT and m._meta.managed]
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    assert row is not None
    return {model._meta.label: int(count) for model, count in zip(models, row, strict=True)}
