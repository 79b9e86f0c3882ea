# Issue #9 (E3/E4): GIN indexes led by the centre (btree_gin), so a search within a user's centres reads only
# those centres' matches. Built concurrently: the client table may hold a million rows.

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently, BtreeGinExtension
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("counselling", "0003_client_code_upper_index"),
    ]

    operations = [
        BtreeGinExtension(),
        AddIndexConcurrently(
            model_name="client",
            index=GinIndex(fields=["centre", "given_keys"], name="client_centre_given_gin"),
        ),
        AddIndexConcurrently(
            model_name="client",
            index=GinIndex(fields=["centre", "family_keys"], name="client_centre_family_gin"),
        ),
        AddIndexConcurrently(
            model_name="client",
            index=GinIndex(
                fields=["centre", "search_text"], opclasses=["", "gin_trgm_ops"], name="client_centre_trgm_gin"
            ),
        ),
    ]
