"""Report builds get the time their worker was last seen, so a build whose worker died is queued again."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_content_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportbuild",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="worker last seen"),
        ),
    ]
