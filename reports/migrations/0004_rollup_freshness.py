"""The time the roll-ups were last rebuilt up to today, shown on the dashboards as "data as of"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_reportbuild_heartbeat"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupFreshness",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, editable=False, primary_key=True, serialize=False),
                ),
                ("as_of", models.DateTimeField(verbose_name="data as of")),
            ],
            options={
                "verbose_name": "roll-up freshness",
                "verbose_name_plural": "roll-up freshness",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="report_freshness_one_row")
                ],
            },
        ),
    ]
