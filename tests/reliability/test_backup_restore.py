"""`manage.py backup` then `manage.py restore` into a fresh database: same tables, same counts, same records."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg2
import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from counselling.models import CaseFile, Client
from portal import crypto
from portal.access import unscoped
from portal.backup import DUMP, MANIFEST, MEDIA
from tests.factories import CaseFactory, ClientFactory, SessionFactory

pytestmark = pytest.mark.slow


def _connect(name: str):
    settings = connection.settings_dict
    conn = psycopg2.connect(
        dbname=name,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    conn.autocommit = True
    return conn


def _counts(conn) -> dict[str, int]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def fresh_database():
    name = connection.settings_dict["NAME"] + "_restore"
    admin = _connect("postgres")
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _url(name: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    host = s["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        return f"postgresql://{s['USER']}{password}@/{name}?host={host}&port={s['PORT'] or 5432}"
    return f"postgresql://{s['USER']}{password}@{host}:{s['PORT'] or 5432}/{name}"


def test_backup_restores_into_a_fresh_database_with_the_same_rows(
    transactional_db, counsellor, settings, tmp_path, fresh_database
) -> None:
    with unscoped():
        for _ in range(3):
            case = CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user)
            SessionFactory(case=case, counsellor=counsellor.user)
        sample = list(Client.objects.order_by("pk").values("code", "given_name", "family_name", "phone"))
        versions = {str(k): v for k, v in CaseFile.objects.values_list("public_id", "version")}
    media = Path(settings.MEDIA_ROOT)
    (media / "documents" / "2026").mkdir(parents=True)
    (media / "documents" / "2026" / "passport.pdf").write_bytes(b"%PDF-1.7 a scanned passport")

    backup = Path(call_command("backup", "--dir", str(tmp_path / "backups")))
    manifest = json.loads((backup / MANIFEST).read_text())
    assert set(manifest["files"]) == {DUMP, MEDIA}
    assert manifest["created_at"] and manifest["server_major"] >= 15
    assert (backup / DUMP).read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    restored_media = tmp_path / "restored-media"
    call_command("restore", str(backup), "--database-url", _url(fresh_database), "--media-root", str(restored_media))

    original, restored = _connect(connection.settings_dict["NAME"]), _connect(fresh_database)
    try:
        assert _counts(restored) == _counts(original)
        assert _counts(restored)["counselling_client"] == len(sample) >= 3
        with restored.cursor() as cursor:
            cursor.execute("SELECT code, given_name, family_name, phone FROM counselling_client ORDER BY id")
            assert [dict(zip(("code", "given_name", "family_name", "phone"), row, strict=True)) for row in cursor] == (
                sample
            )
            cursor.execute("SELECT public_id::text, version FROM counselling_casefile")
            assert dict(cursor.fetchall()) == versions
            cursor.execute("SELECT max(id) FROM django_migrations")
            assert cursor.fetchone()[0]
    finally:
        original.close()
        restored.close()
    assert (restored_media / "documents" / "2026" / "passport.pdf").read_bytes() == b"%PDF-1.7 a scanned passport"

    # Into a database that is not empty: refused, nothing overwritten.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), "--database-url", _url(fresh_database))


def test_restore_refuses_a_damaged_backup(transactional_db, tmp_path, fresh_database) -> None:
    backup = Path(call_command("backup", "--dir", str(tmp_path)))
    with (backup / DUMP).open("ab") as handle:
        handle.write(b"bit rot")
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(backup), "--database-url", _url(fresh_database))


@pytest.fixture
def owner_and_app_roles(fresh_database):
    """An owner role that owns the (empty) target database, as on a server, and the name of the app role."""
    suffix = uuid.uuid4().hex[:10]
    owner, app = f"test_owner_{suffix}", f"test_app_{suffix}"
    admin = _connect("postgres")
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
        cursor.execute(f'ALTER DATABASE "{fresh_database}" OWNER TO "{owner}"')
    yield owner, app
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh_database}" WITH (FORCE)')
        cursor.execute(f'DROP ROLE IF EXISTS "{app}"')
        cursor.execute(f'DROP ROLE IF EXISTS "{owner}"')
    admin.close()


def _url_as(user: str, name: str) -> str:
    s = connection.settings_dict
    host = s["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        return f"postgresql://{user}@/{name}?host={host}&port={s['PORT'] or 5432}"
    return f"postgresql://{user}@{host}:{s['PORT'] or 5432}/{name}"


def test_restore_as_the_owner_leaves_the_app_role_able_to_work(
    transactional_db, counsellor, tmp_path, fresh_database, owner_and_app_roles
) -> None:
    owner, app = owner_and_app_roles
    with unscoped():
        CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user)
    backup = Path(call_command("backup", "--dir", str(tmp_path)))

    call_command(
        "restore",
        str(backup),
        "--database-url",
        _url_as(owner, fresh_database),
        "--media-root",
        str(tmp_path / "media"),
        "--app-role",
        app,
    )

    restored = _connect(fresh_database)
    try:
        with restored.cursor() as cursor:
            cursor.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
            assert [row[0] for row in cursor.fetchall()] == [owner]  # not postgres: later migrations still work
        app_conn = psycopg2.connect(**{**_kwargs(fresh_database), "user": app})
        app_conn.autocommit = True
        with app_conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM counselling_client")
            assert cursor.fetchone()[0] == 1
            cursor.execute("UPDATE counselling_client SET family_name = family_name")  # read-write: no denial
            cursor.execute("SELECT count(*) FROM portal_auditevent")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("DELETE FROM portal_auditevent")  # the audit log stays append-only after a restore
        app_conn.close()
    finally:
        restored.close()


def _kwargs(name: str) -> dict:
    s = connection.settings_dict
    return {"dbname": name, "host": s["HOST"] or None, "port": s["PORT"] or None, "password": s["PASSWORD"] or None}


@pytest.fixture
def field_keys(monkeypatch):
    old, new = Fernet.generate_key(), Fernet.generate_key()

    def use(*chosen: bytes) -> None:
        monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", ",".join(key.decode() for key in chosen))
        crypto.reset_key_cache()

    use(old)
    yield old, new, use
    crypto.reset_key_cache()


def test_restore_names_the_field_key_a_backup_needs_and_refuses_without_it(
    transactional_db, field_keys, tmp_path, fresh_database
) -> None:
    import hashlib

    old, new, use = field_keys
    SessionFactory(confidential_notes="written under the old key")
    use(new, old)  # the rotation's first step: the new key writes, the old one still reads
    SessionFactory(confidential_notes="written under the new key")
    backup = Path(call_command("backup", "--dir", str(tmp_path)))
    old_id, new_id = (hashlib.sha256(key).hexdigest()[:8] for key in (old, new))
    assert json.loads((backup / MANIFEST).read_text())["field_keys"] == sorted([old_id, new_id])

    use(new)  # the old key was removed after the rotation: this backup can no longer be read
    with pytest.raises(CommandError, match=f"needs field encryption key {old_id} ") as refused:
        call_command("restore", str(backup), "--database-url", _url(fresh_database))
    assert "\n" not in str(refused.value) and new_id not in str(refused.value)
    target = _connect(fresh_database)
    with target.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0  # refused before anything was written
    target.close()

    use(new, old)  # the key is back (from the vault): the same backup restores
    call_command("restore", str(backup), "--database-url", _url(fresh_database), "--media-root", str(tmp_path / "m"))
