"""Encryption at rest for confidential fields (Fernet: AES-128-CBC with HMAC-SHA256).

Keys come from `FIELD_ENCRYPTION_KEYS` (comma-separated Fernet keys, the
first one encrypts, every one decrypts). A local install without the
variable gets one key kept in `.data/field_keys`. Stored values look like
``enc:v1:<key id>:<token>`` so that `manage.py rotate_encryption_keys` can
find and re-encrypt values written under an older key while the site runs.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from portal.secretfile import read_or_create

PREFIX = "enc:v1:"


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


@cache
def _keys() -> tuple[tuple[str, Fernet], ...]:
    raw = os.environ.get("FIELD_ENCRYPTION_KEYS", "") or _local_keys()
    keys = [k.strip().encode() for k in raw.split(",") if k.strip()]
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds no key")
    try:
        return tuple((_key_id(key), Fernet(key)) for key in keys)
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64 bytes)") from exc


def _local_keys() -> str:
    return read_or_create(settings.DATA_DIR / "field_keys", lambda: Fernet.generate_key().decode())


def reset_key_cache() -> None:
    """Forget the loaded keys (after FIELD_ENCRYPTION_KEYS changed, e.g. in tests)."""
    _keys.cache_clear()


def current_key_id() -> str:
    return _keys()[0][0]


def encrypt(plain: str) -> str:
    key_id, fernet = _keys()[0]
    return f"{PREFIX}{key_id}:{fernet.encrypt(plain.encode()).decode()}"


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    key_id, token = stored[len(PREFIX) :].split(":", 1)
    by_id = dict(_keys())
    candidates = [by_id[key_id]] if key_id in by_id else [fernet for _id, fernet in _keys()]
    for fernet in candidates:
        try:
            return fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            continue
    raise ImproperlyConfigured(f"no key in FIELD_ENCRYPTION_KEYS decrypts values of key {key_id}")


def key_id_of(stored: str) -> str | None:
    return stored[len(PREFIX) :].split(":", 1)[0] if stored and stored.startswith(PREFIX) else None


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; it cannot be filtered or ordered on."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))
