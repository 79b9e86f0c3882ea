"""Services get their name and description in other languages (`portal.i18n_content`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0003_referral_keyset_indexes")]

    operations = [
        migrations.AddField(
            model_name="service",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations"),
        ),
    ]
