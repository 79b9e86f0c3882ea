"""Second factors at rest: allauth's TOTP secrets and recovery-code seeds, encrypted with the field keys.

allauth keeps the secret of an authenticator app (`data["secret"]`) and the seed that recovery codes
are derived from (`data["seed"]`, or `data["migrated_codes"]`) in the `mfa_authenticator` table and
passes each through its adapter's `encrypt()` / `decrypt()`; by default they are stored as they are.
Whoever reads that table (a backup, a replica, a database console) could otherwise compute every
staff member's codes. The adapter below stores them as `portal.crypto` values (``enc:v1:<key id>:…``)
under `FIELD_ENCRYPTION_KEYS`, so the same key rotation covers them (`rotate_authenticator_secrets`,
called by `manage.py rotate_encryption_keys`). Security-key credentials are public keys: nothing to hide.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from django.db import transaction

from portal import crypto

# Which values in `Authenticator.data` are secrets, per authenticator type.
SECRET_KEYS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        # No fallback to plain text: the data migration encrypted every row, and a plain
        # secret turning up later is a fault to see, not to accept.
        return crypto.decrypt(encrypted_text)


def transform_secrets(kind: str, data: dict[str, Any], change: Any) -> bool:
    """Apply `change` to every secret value of an authenticator's `data`, in place; True if one changed.

    `change` gets the stored value and returns the value to store (or the same one to leave it).
    Shared by the data migration (plain → encrypted and back) and the key rotation.
    """
    changed = False
    for key in SECRET_KEYS.get(kind, ()):
        value = data.get(key)
        if isinstance(value, str) and value:
            new = change(value)
            changed |= new != value
            data[key] = new
    for key in SECRET_LISTS.get(kind, ()):
        values = data.get(key)
        if isinstance(values, list):
            new_values = [change(value) for value in values]
            changed |= new_values != values
            data[key] = new_values
    return changed


def rotate_authenticator_secrets(*, batch_size: int = 500) -> int:
    """Re-encrypt, under the current key, every authenticator secret written under an older one.

    Rows are locked and rewritten in batches (SKIP LOCKED: a sign-in that marks a recovery code used
    at the same moment is not blocked). Returns how many authenticators were rewritten.
    """
    from allauth.mfa.models import Authenticator

    current = crypto.current_key_id()

    def under_current_key(stored: str) -> str:
        return stored if crypto.key_id_of(stored) == current else crypto.encrypt(crypto.decrypt(stored))

    done = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            rows = list(
                Authenticator.objects.select_for_update(skip_locked=True)
                .filter(pk__gt=last_pk, type__in=list(SECRET_KEYS))
                .order_by("pk")[:batch_size]
            )
            if not rows:
                return done
            for row in rows:
                last_pk = row.pk
                if transform_secrets(row.type, row.data, under_current_key):
                    row.save(update_fields=["data"])
                    done += 1
