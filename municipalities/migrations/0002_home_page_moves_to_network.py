# The home page belongs to the network app now (network 0001 took over its table and content type).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('municipalities', '0001_initial'),
        ('network', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name='HomePage')]),
    ]
