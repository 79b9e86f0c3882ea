"""`manage.py restore PATH [--database-url URL] [--media-root DIR]`: checks the checksums, then restores a backup
into an empty database (pg_restore) and the media files back."""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import DUMP, MANIFEST, MEDIA, BackupError, conninfo, find_client, libpq_env, sha256
from portal.env import database_from_url


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database (checksums are verified first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The backup-<time>/ folder.")
        parser.add_argument(
            "--database-url", default="", help="Target database (default: DATABASE_URL). It must exist and be empty."
        )
        parser.add_argument("--media-root", default="", help="Where the media go (default: MEDIA_ROOT).")

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

        target = (
            database_from_url(options["database_url"]) if options["database_url"] else settings.DATABASES["default"]
        )
        self._require_empty(target)
        try:
            pg_restore = find_client("pg_restore", int(manifest["server_major"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [
                str(pg_restore),
                "--no-password",
                "--no-owner",
                "--no-privileges",
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

        if MEDIA in manifest["files"]:
            media_root = Path(options["media_root"] or settings.MEDIA_ROOT)
            media_root.mkdir(parents=True, exist_ok=True)
            with tarfile.open(folder / MEDIA, "r:gz") as tar:
                tar.extractall(media_root, filter="data")  # no absolute paths, no links out of the folder
            self.stdout.write(f"Media restored into {media_root}.")
        self.stdout.write(self.style.SUCCESS("Restore complete."))

    def _require_empty(self, target: dict[str, Any]) -> None:
        kwargs = {
            "dbname": target["NAME"],
            "user": target["USER"] or None,
            "password": target["PASSWORD"] or None,
            "host": target["HOST"] or None,
            "port": target["PORT"] or None,
        }
        try:
            conn = psycopg2.connect(**kwargs)
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
