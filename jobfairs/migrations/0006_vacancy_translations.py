"""Vacancies get their title and description in other languages (`portal.i18n_content`), as fairs have."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("jobfairs", "0005_booth_approval")]

    operations = [
        migrations.AddField(
            model_name="vacancy",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
    ]
