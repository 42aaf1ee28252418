import secrets

from django.db import migrations, models

import alerts.models


def give_each_a_token(apps, schema_editor):
    Subscription = apps.get_model("alerts", "Subscription")
    for subscription in Subscription.objects.filter(public_feed_token__isnull=True):
        subscription.public_feed_token = secrets.token_urlsafe(24)
        subscription.save(update_fields=["public_feed_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="public_feed_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscription",
            name="public_feed_token",
            field=models.CharField(
                default=alerts.models.new_feed_token, editable=False, max_length=64, unique=True
            ),
        ),
    ]
