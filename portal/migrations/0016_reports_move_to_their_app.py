"""The reports' models move to their own app, `reports` (issue #16): removed from this app's state only.

The tables (portal_dailycount, portal_personday, portal_periodcount, portal_peoplecount,
portal_reportbuild, portal_reportnotice) stay as they are; reports/migrations/0001_initial.py adds the
models to the reports' state with those table names.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0015_audit_client_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ReportNotice"),
                migrations.DeleteModel(name="ReportBuild"),
                migrations.DeleteModel(name="PeopleCount"),
                migrations.DeleteModel(name="PeriodCount"),
                migrations.DeleteModel(name="PersonDay"),
                migrations.DeleteModel(name="DailyCount"),
            ],
        ),
    ]
