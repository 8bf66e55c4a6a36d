"""Promise 19: history is append-only, enforced by PostgreSQL itself.

Rows of these tables can be added but never changed or deleted, except when
their whole polycule is deleted (a cascade from relationships_polycule, which
an account deletion or data-removal request may need)."""

from django.db import migrations

APPEND_ONLY = [
    "values_version",
    "values_acknowledgment",
    "values_consent",
    "values_proposalrevision",
    "values_response",
    "values_reaffirmation",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION trellis_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('trellis.erasing', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'history in % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # Run without parameters: the function's text holds % signs.
        cursor.execute(FUNCTION)
    for table in APPEND_ONLY:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION trellis_refuse_change();"
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS trellis_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("values", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
