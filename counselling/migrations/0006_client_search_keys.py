# Issue #18: names found across their usual romanisations (articles, ج as j/g/dj, خ as kh/h/x...). Every client gets
# `search_keys` (all keys of all names, counselling/names.py), and the keys and search text of every client are
# recomputed with the new rules. The client table may hold a million rows, so: the GIN indexes over the rewritten
# columns are dropped first and built again (concurrently) after the backfill, which reads and writes the rows in
# batches by id, each batch one UPDATE from arrays, its own transaction.

from types import SimpleNamespace
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models, transaction

BATCH = 5000


def backfill(apps: Any, schema_editor: Any) -> None:
    from counselling.services.clients import search_columns

    connection = schema_editor.connection
    memo: dict[tuple[str, ...], tuple[str, str, str, str]] = {}
    last = 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, given_name, family_name, name_transliterated, name_native FROM counselling_client"
                " WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            columns: list[list[Any]] = [[], [], [], [], []]
            for pk, *names in rows:
                found = memo.get(tuple(names))
                if found is None:
                    client = SimpleNamespace(
                        given_name=names[0], family_name=names[1], name_transliterated=names[2], name_native=names[3]
                    )
                    search_columns(client)
                    found = (
                        " ".join(client.given_keys),
                        " ".join(client.family_keys),
                        " ".join(client.search_keys),
                        client.search_text,
                    )
                    if len(memo) < 100_000:
                        memo[tuple(names)] = found
                for column, value in zip(columns, (pk, *found), strict=True):
                    column.append(value)
            cursor.execute(
                "UPDATE counselling_client AS c SET given_keys = string_to_array(v.g, ' '),"
                " family_keys = string_to_array(v.f, ' '), search_keys = string_to_array(v.k, ' '), search_text = v.t"
                " FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) AS v(id, g, f, k, t)"
                " WHERE c.id = v.id",
                columns,
            )
            last = rows[-1][0]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("counselling", "0005_plan_goal_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="search_keys",
            field=ArrayField(base_field=models.CharField(max_length=40), default=list, editable=False, size=None),
        ),
        RemoveIndexConcurrently(model_name="client", name="client_centre_given_gin"),
        RemoveIndexConcurrently(model_name="client", name="client_centre_family_gin"),
        RemoveIndexConcurrently(model_name="client", name="client_centre_trgm_gin"),
        RemoveIndexConcurrently(model_name="client", name="client_given_keys_gin"),
        RemoveIndexConcurrently(model_name="client", name="client_family_keys_gin"),
        RemoveIndexConcurrently(model_name="client", name="client_search_trgm"),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        AddIndexConcurrently(model_name="client", index=GinIndex(fields=["given_keys"], name="client_given_keys_gin")),
        AddIndexConcurrently(
            model_name="client", index=GinIndex(fields=["family_keys"], name="client_family_keys_gin")
        ),
        AddIndexConcurrently(
            model_name="client",
            index=GinIndex(fields=["search_text"], name="client_search_trgm", opclasses=["gin_trgm_ops"]),
        ),
        AddIndexConcurrently(
            model_name="client", index=GinIndex(fields=["search_keys"], name="client_search_keys_gin")
        ),
        AddIndexConcurrently(
            model_name="client", index=GinIndex(fields=["centre", "search_keys"], name="client_centre_keys_gin")
        ),
        migrations.RunSQL("ANALYZE counselling_client", migrations.RunSQL.noop, elidable=True),
    ]
