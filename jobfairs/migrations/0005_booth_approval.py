"""Booths need the organising centre's approval.

Existing booths become "waiting for approval" (the column's database default): they were opened
without anyone checking them, so a manager of an organising centre decides on each before its
employer sees candidates again. The demo seed approves its own booths.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jobfairs", "0004_registration_self_declared"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="booth",
            name="decided_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="decided"),
        ),
        migrations.AddField(
            model_name="booth",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AddField(
            model_name="booth",
            name="status",
            field=models.CharField(
                choices=[("pending", "Waiting for approval"), ("approved", "Approved"), ("declined", "Declined")],
                db_default="pending",
                default="pending",
                max_length=16,
                verbose_name="status",
            ),
        ),
    ]
