"""`manage.py restore PATH [--database-url URL] [--media-root DIR] [--app-role ROLE]`: checks the checksums and the
field keys, restores a backup into an empty database as the owner (pg_restore), grants the application role its
rights again, and puts the media files back.

The restore runs as the role that owns the tables (`DATABASE_MIGRATE_URL` when it is set), so the restored tables
belong to it as they did before, and later migrations work; then it applies `setup_db_roles` to the restored
database, so the application role (the user of `DATABASE_URL`) never meets `permission denied`. A backup whose
encrypted values need a field key that FIELD_ENCRYPTION_KEYS no longer holds is refused before anything is written:
restored, its case pages would fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import DUMP, MANIFEST, MEDIA, BackupError, conninfo, find_client, libpq_env, sha256
from portal.crypto import _keys as configured_field_keys
from portal.env import database_from_url
from portal.management.commands.setup_db_roles import apply_app_role


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database, as the owner of the tables, and grant "
        "the application role its rights (checksums and field keys are verified first)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The backup-<time>/ folder.")
        parser.add_argument(
            "--database-url",
            default="",
            help="Target database, connected to as the owner of the tables (default: DATABASE_MIGRATE_URL, else "
            "DATABASE_URL). It must exist and be empty.",
        )
        parser.add_argument("--media-root", default="", help="Where the media go (default: MEDIA_ROOT).")
        parser.add_argument(
            "--app-role",
            default=None,
            help="The application's role, granted its rights on the restored database as `setup_db_roles` does "
            "(default: the user of DATABASE_URL when it is not the restoring role; '' for none).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["path"]).expanduser()
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{folder} has no readable {MANIFEST}: {exc}") from exc
        for name, entry in manifest["files"].items():
            path = folder / name
            if not path.is_file() or sha256(path) != entry["sha256"]:
                raise CommandError(f"{name} is missing or does not match its checksum: the backup is damaged.")
        self.stdout.write(f"Checksums verified ({len(manifest['files'])} files, made {manifest['created_at']}).")
        self._require_field_keys(manifest)

        target_url = options["database_url"] or settings.DATABASE_MIGRATE_URL
        target = database_from_url(target_url) if target_url else settings.DATABASES["default"]
        app_role = options["app_role"]
        if app_role is None:
            app_user = settings.DATABASES["default"]["USER"]
            app_role = app_user if app_user and app_user != target["USER"] else ""
        self._require_empty(target)
        try:
            pg_restore = find_client("pg_restore", int(manifest["server_major"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [
                str(pg_restore),
                "--no-password",
                "--no-owner",  # the restoring role owns what it creates: the owner, as before the backup
                "--no-privileges",  # granted below, to this installation's application role
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                conninfo(target),
                str(folder / DUMP),
            ],
            env=libpq_env(target),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        self.stdout.write(f"Database restored into {target['NAME']}.")
        self._after_restore(target, app_role)

        if MEDIA in manifest["files"]:
            media_root = Path(options["media_root"] or settings.MEDIA_ROOT)
            media_root.mkdir(parents=True, exist_ok=True)
            with tarfile.open(folder / MEDIA, "r:gz") as tar:
                tar.extractall(media_root, filter="data")  # no absolute paths, no links out of the folder
            self.stdout.write(f"Media restored into {media_root}.")
        self.stdout.write(self.style.SUCCESS("Restore complete."))

    def _require_field_keys(self, manifest: dict[str, Any]) -> None:
        """Refuse, before writing anything, a backup whose values need a key this installation lacks."""
        needed = manifest.get("field_keys")
        if needed is None:
            self.stdout.write("The backup lists no field keys (made before they were recorded): not checked.")
            return
        configured = {key_id for key_id, _fernet in configured_field_keys()}
        missing = [key_id for key_id in needed if key_id not in configured]
        if missing:
            raise CommandError(
                f"The backup needs field encryption key {', '.join(missing)} (key id: the first 8 hex digits of the "
                "key's SHA-256), which is not in FIELD_ENCRYPTION_KEYS: add that key after the current one and "
                "restore again (DEPLOYMENT.md, 'Keys and backups')."
            )
        self.stdout.write(f"Field keys present ({', '.join(needed)}).")

    def _after_restore(self, target: dict[str, Any], app_role: str) -> None:
        """Grant the application role its rights on the restored tables; warn when a superuser restored them."""
        conn = psycopg2.connect(**_connect_kwargs(target))
        try:
            with conn, conn.cursor() as cursor:
                cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
                restorer, superuser = cursor.fetchone()
                if app_role:
                    apply_app_role(cursor, app_role, password=os.environ.get("DATABASE_APP_PASSWORD", ""))
        finally:
            conn.close()
        if app_role:
            self.stdout.write(f"Role {app_role} granted its rights on the restored tables (as setup_db_roles).")
        if superuser:
            self.stderr.write(
                f"Warning: restored as the superuser {restorer}, who now owns the tables; restore as the owner "
                "role (DATABASE_MIGRATE_URL) so that migrate and setup_db_roles keep working."
            )

    def _require_empty(self, target: dict[str, Any]) -> None:
        try:
            conn = psycopg2.connect(**_connect_kwargs(target))
        except psycopg2.Error as exc:
            raise CommandError(f"Cannot connect to the target database {target['NAME']}: {exc}") from exc
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                tables = cursor.fetchone()[0]
        finally:
            conn.close()
        if tables:
            raise CommandError(
                f"The target database {target['NAME']} is not empty ({tables} tables). Restore into a new, empty "
                "database (createdb), check it, then point DATABASE_URL at it."
            )


def _connect_kwargs(target: dict[str, Any]) -> dict[str, Any]:
    return {
        "dbname": target["NAME"],
        "user": target["USER"] or None,
        "password": target["PASSWORD"] or None,
        "host": target["HOST"] or None,
        "port": target["PORT"] or None,
    }
