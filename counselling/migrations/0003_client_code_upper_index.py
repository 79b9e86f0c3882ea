# Issue #9: the client search's code arm (UPPER(code) = ...) needs an index, or the OR of the search
# falls back to a scan of every client instead of combining the GIN indexes.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("counselling", "0002_appointment_requests"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="client",
            index=models.Index(django.db.models.functions.text.Upper("code"), name="client_code_upper_idx"),
        ),
    ]
