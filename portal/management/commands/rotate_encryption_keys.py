"""`manage.py rotate_encryption_keys`: re-encrypt confidential fields under the current key.

Rotation without downtime:
1. put a new key first in FIELD_ENCRYPTION_KEYS, keep the old ones after it,
   and restart the web and worker processes (they now write with the new key
   and still read the old one);
2. run this command: it rewrites, in batches, every value still under an
   older key (confidential fields, and the second factors' secrets);
3. remove the old key from FIELD_ENCRYPTION_KEYS and restart, but keep it (in the vault) as long as any
   backup needs it: a backup made before the rotation holds values under the old key, and `manage.py restore`
   refuses it until the key is back in FIELD_ENCRYPTION_KEYS (each backup's manifest lists its `field_keys`).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.crypto import EncryptedTextField, current_key_id, decrypt
from portal.crypto import _keys as configured_field_keys
from portal.mfa import rotate_authenticator_secrets

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field value that is not under the current key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        current = current_key_id()
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
            for field in fields:
                total += self.rotate(model, field, current, options["batch_size"])
        # The second factors' secrets live inside allauth's JSON column, not in an EncryptedTextField.
        factors = rotate_authenticator_secrets(batch_size=options["batch_size"])
        self.stdout.write(f"re-encrypted {total} value(s) and {factors} second factor(s) under key {current}")
        older = [key_id for key_id, _fernet in configured_field_keys() if key_id != current]
        if older:
            self.stderr.write(
                f"Keep the older key(s) {', '.join(older)} in a safe place as long as any backup needs them: backups "
                "made before this rotation hold values under them, and restore refuses a backup whose key is "
                "missing (its manifest lists field_keys). You may now remove them from FIELD_ENCRYPTION_KEYS."
            )

    def rotate(self, model: Any, field: EncryptedTextField, current: str, batch_size: int) -> int:
        column = field.column
        table = model._meta.db_table
        prefix = f"enc:v1:{current}:"
        done = 0
        last_pk = 0
        manager = model._base_manager  # system work: every row, whatever the scope
        while True:
            with transaction.atomic():
                # Raw values: the stored token tells which key wrote it, without decrypting everything.
                rows = list(
                    manager.raw(
                        f'SELECT "id", "{column}" AS raw_value FROM "{table}" '  # noqa: S608 - names from the model
                        f'WHERE "id" > %s AND "{column}" <> %s AND "{column}" NOT LIKE %s ORDER BY "id" LIMIT %s '
                        "FOR UPDATE SKIP LOCKED",
                        [last_pk, "", prefix + "%", batch_size],
                    )
                )
                if not rows:
                    return done
                for row in rows:
                    last_pk = row.pk
                    # Decrypt with whichever key wrote it; the update encrypts with the current one.
                    manager.filter(pk=row.pk).update(**{field.attname: decrypt(row.raw_value)})
                    done += 1
