"""Index the audit log for "who saw or changed this client?" (portal.selectors.list_audit_events).

The search asks for ``details -> 'client' = <pk> OR target_id IN (...)``; with an index on each arm PostgreSQL
combines them (BitmapOr) instead of reading every line of the centre. Built CONCURRENTLY: the audit log is
written on every page that shows a client, and a plain CREATE INDEX would hold those writes until it is done.
"""

import django.db.models.fields.json
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("portal", "0014_encrypt_authenticator_secrets"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="auditevent",
            index=models.Index(django.db.models.fields.json.KeyTransform("client", "details"), name="audit_client_idx"),
        ),
        AddIndexConcurrently(
            model_name="auditevent",
            index=models.Index(fields=["target_id"], name="audit_target_id_idx"),
        ),
    ]
