"""A provision may be renumbered into several (LAB § 30 a → § 40, stk. 2 and § 44): its one successor becomes a set."""

from django.db import migrations, models


def successor_to_successors(apps, schema_editor):
    Provision = apps.get_model("experiments", "Provision")
    Through = Provision.successors.through
    Through.objects.bulk_create(
        Through(from_provision_id=pk, to_provision_id=successor_id)
        for pk, successor_id in Provision.objects.filter(successor__isnull=False).values_list("pk", "successor_id")
    )


def successors_to_successor(apps, schema_editor):
    Provision = apps.get_model("experiments", "Provision")
    for provision in Provision.objects.prefetch_related("successors"):
        first = min(provision.successors.all(), key=lambda successor: successor.pk, default=None)
        if first is not None:
            provision.successor = first
            provision.save(update_fields=["successor"])


class Migration(migrations.Migration):
    dependencies = [("experiments", "0004_import_local_id_and_mappings")]

    operations = [
        # The old field gives up its reverse name first, so the new one can take it.
        migrations.AlterField(
            model_name="provision",
            name="successor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to="experiments.provision",
            ),
        ),
        migrations.AddField(
            model_name="provision",
            name="successors",
            field=models.ManyToManyField(
                blank=True,
                help_text=(
                    "De bestemmelser, som denne blev til, da loven blev omskrevet: én, eller flere når den blev delt "
                    "(LAB § 30 a blev til § 40, stk. 2 og § 44)."
                ),
                related_name="predecessors",
                to="experiments.provision",
                verbose_name="erstattet af",
            ),
        ),
        migrations.RunPython(successor_to_successors, successors_to_successor),
        migrations.RemoveField(model_name="provision", name="successor"),
    ]
