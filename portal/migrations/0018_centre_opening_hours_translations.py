"""Centres get their opening hours in other languages (`portal.i18n_content`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portal", "0017_membership_public_id_ended_at")]

    operations = [
        migrations.AddField(
            model_name="centre",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
    ]
