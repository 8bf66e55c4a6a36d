import django.db.models.deletion
import pgtrigger
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_proposals(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Every answer's proposal, read from its revision. Answers are append-only (PostgreSQL
    refuses the UPDATE), so the trigger is set aside for this alone."""
    Response = apps.get_model("values", "Response")
    ProposalRevision = apps.get_model("values", "ProposalRevision")
    proposal = ProposalRevision.objects.filter(pk=OuterRef("revision_id")).values("proposal_id")[:1]
    with pgtrigger.ignore("values.Response:append_only"):
        Response.objects.update(proposal_id=Subquery(proposal))


class Migration(migrations.Migration):
    dependencies = [
        ("values", "0008_version_item_one_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="proposal",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="values.proposal",
            ),
        ),
        migrations.RunPython(copy_proposals, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="response",
            name="proposal",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="values.proposal",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["proposal", "member"], name="response_by_proposal_member"),
        ),
    ]
