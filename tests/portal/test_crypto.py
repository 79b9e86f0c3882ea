"""Confidential fields: encrypted at rest, readable across keys, rotated without downtime."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from counselling.models import Session
from portal import crypto
from portal.access import unscoped
from tests.factories import SessionFactory


@pytest.fixture
def keys(monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()

    def use(*chosen: str) -> None:
        monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", ",".join(chosen))
        crypto.reset_key_cache()

    use(old)
    yield old, new, use
    crypto.reset_key_cache()


def raw_notes(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT confidential_notes FROM counselling_session WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_rotation_re_encrypts_under_the_new_key_and_old_key_can_go(keys, counsellor) -> None:
    # `keys` first: the counsellor's TOTP secret is encrypted too, and must be under a key the test knows.
    old, new, use = keys
    sessions = [SessionFactory(confidential_notes=f"secret {n}") for n in range(3)]
    SessionFactory(confidential_notes="")
    old_id = crypto.key_id_of(raw_notes(sessions[0].pk))

    use(new, old)  # step 1: new key first, old still readable
    with unscoped():
        assert Session.objects.get(pk=sessions[0].pk).confidential_notes == "secret 0"
    out = StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "2", stdout=out)  # step 2
    assert "re-encrypted 3 value(s)" in out.getvalue()
    assert all(crypto.key_id_of(raw_notes(s.pk)) != old_id for s in sessions)

    use(new)  # step 3: the old key is gone, everything still reads
    with unscoped():
        assert [Session.objects.get(pk=s.pk).confidential_notes for s in sessions] == [
            "secret 0",
            "secret 1",
            "secret 2",
        ]
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "re-encrypted 0 value(s)" in out.getvalue()


def test_value_without_its_key_fails_loudly(db, keys) -> None:
    _old, new, use = keys
    session = SessionFactory(confidential_notes="secret")
    use(new)
    from django.core.exceptions import ImproperlyConfigured

    with unscoped(), pytest.raises(ImproperlyConfigured, match="no key"):
        Session.objects.get(pk=session.pk)


def test_rotation_says_to_keep_the_old_keys_for_the_backups(db, keys) -> None:
    import hashlib

    old, new, use = keys
    SessionFactory(confidential_notes="secret")
    use(new, old)
    err = StringIO()
    call_command("rotate_encryption_keys", stdout=StringIO(), stderr=err)
    old_id = hashlib.sha256(old.encode()).hexdigest()[:8]
    assert f"Keep the older key(s) {old_id} in a safe place as long as any backup needs them" in err.getvalue()

    use(new)  # nothing older configured: nothing to warn about
    err = StringIO()
    call_command("rotate_encryption_keys", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""
