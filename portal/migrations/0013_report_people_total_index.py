"""A partial index on the totals of PeopleCount, for the comparison tables (built without locking writes)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("portal", "0012_report_period_count_day_grain"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="peoplecount",
            index=models.Index(
                condition=models.Q(dimension=""),
                fields=["level", "centre", "country", "grain", "day"],
                include=["new_from", "count"],
                name="report_people_total_idx",
            ),
        ),
    ]
