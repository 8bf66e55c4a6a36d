import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def copy_polycules(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Every proposal's polycule, read from its item."""
    Proposal = apps.get_model("values", "Proposal")
    Item = apps.get_model("values", "Item")
    Proposal.objects.update(polycule_id=Subquery(Item.objects.filter(pk=OuterRef("item_id")).values("polycule_id")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0001_initial"),
        ("values", "0006_response_item"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="polycule",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="relationships.polycule",
            ),
        ),
        migrations.RunPython(copy_polycules, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="proposal",
            name="polycule",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="relationships.polycule",
            ),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                condition=Q(("status", "open")),
                fields=["polycule", "-created_at", "-id"],
                name="proposal_open_in_polycule",
            ),
        ),
    ]
