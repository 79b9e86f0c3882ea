"""Memberships get a public id (the team screen links to one to end it) and the time it was ended."""

import uuid

from django.db import migrations, models


def give_each_membership_its_own_id(apps, schema_editor):
    Membership = apps.get_model("portal", "Membership")
    for membership in Membership.objects.only("pk").iterator():
        Membership.objects.filter(pk=membership.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("portal", "0016_reports_move_to_their_app")]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="public_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_membership_its_own_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membership",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
        migrations.AddField(
            model_name="membership",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ended"),
        ),
    ]
