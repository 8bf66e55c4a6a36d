import django.db.models.deletion
import pgtrigger
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_items(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Every answer's item, read from its proposal. Answers are append-only (PostgreSQL refuses
    the UPDATE), so the trigger is set aside for this alone."""
    Response = apps.get_model("values", "Response")
    ProposalRevision = apps.get_model("values", "ProposalRevision")
    item = ProposalRevision.objects.filter(pk=OuterRef("revision_id")).values("proposal__item_id")[:1]
    with pgtrigger.ignore("values.Response:append_only"):
        Response.objects.update(item_id=Subquery(item))


class Migration(migrations.Migration):
    dependencies = [
        ("values", "0005_response_polycule"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="item",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="values.item",
            ),
        ),
        migrations.RunPython(copy_items, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="response",
            name="item",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="values.item",
            ),
        ),
    ]
