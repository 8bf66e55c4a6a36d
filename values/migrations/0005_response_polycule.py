import django.db.models.deletion
import pgtrigger
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_polycules(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Every answer's polycule, read from its member. Answers are append-only (PostgreSQL
    refuses the UPDATE), so the trigger is set aside for this alone."""
    Response = apps.get_model("values", "Response")
    Membership = apps.get_model("relationships", "Membership")
    member = Membership.objects.filter(pk=OuterRef("member_id")).values("polycule_id")[:1]
    with pgtrigger.ignore("values.Response:append_only"):
        Response.objects.update(polycule_id=Subquery(member))


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0001_initial"),
        ("values", "0004_item_current_title"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
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
            model_name="response",
            name="polycule",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="relationships.polycule",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["polycule", "-created_at", "-id"], name="response_polycule_recent"),
        ),
    ]
