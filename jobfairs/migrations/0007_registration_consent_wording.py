"""Registrations record the wording of the consent to share (issue #19): consents given before it covered
name, e-mail and profile (wording 1); from now on they also cover the phone number (wording 2)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("jobfairs", "0006_vacancy_translations")]

    operations = [
        # Existing rows: the old wording.
        migrations.AddField(
            model_name="registration",
            name="consent_wording",
            field=models.PositiveSmallIntegerField(
                db_default=1, default=1, verbose_name="wording of the consent to share"
            ),
        ),
        # New rows: the current wording.
        migrations.AlterField(
            model_name="registration",
            name="consent_wording",
            field=models.PositiveSmallIntegerField(
                db_default=2, default=2, verbose_name="wording of the consent to share"
            ),
        ),
    ]
