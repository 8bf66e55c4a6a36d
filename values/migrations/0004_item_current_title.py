from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_titles(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Every adopted item's current title, read from its current version."""
    Item = apps.get_model("values", "Item")
    Version = apps.get_model("values", "Version")
    current = Version.objects.filter(pk=OuterRef("current_version_id")).values("title")[:1]
    Item.objects.filter(current_version__isnull=False).update(current_title=Subquery(current))


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0001_initial"),
        ("values", "0003_proposal_open_by_item"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="current_title",
            field=models.CharField(default="", editable=False, max_length=120),
        ),
        migrations.RunPython(copy_titles, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(fields=["polycule", "kind", "current_title", "id"], name="item_list_order"),
        ),
    ]
