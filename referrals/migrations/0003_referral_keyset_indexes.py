"""The board and inbox indexes end in the id: each status is read in (due_on, id) order without a sort.

Built concurrently (no lock on the referrals table while a million rows are indexed).
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("referrals", "0002_location_referral_referralevent_service_and_more"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(fields=["centre", "status", "due_on", "id"], name="referral_board_keyset_idx"),
        ),
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(fields=["organization", "status", "due_on", "id"], name="referral_inbox_keyset_idx"),
        ),
        RemoveIndexConcurrently(model_name="referral", name="referral_board_idx"),
        RemoveIndexConcurrently(model_name="referral", name="referral_inbox_idx"),
    ]
