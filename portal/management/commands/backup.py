"""`manage.py backup [--dir DIR]`: the database (pg_dump -Fc) and the media files, with a checksummed manifest."""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from portal import crypto
from portal.backup import DUMP, MANIFEST, MEDIA, BackupError, conninfo, find_client, libpq_env, server_major, sha256
from portal.mfa import SECRET_KEYS, transform_secrets


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) and the media files into a new folder, with checksums."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dir",
            default=str(Path(settings.DATA_DIR) / "backups"),
            help="Folder that receives a new backup-<time>/ folder (default: .data/backups, or $BACKUP_DIR).",
        )
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args: Any, **options: Any) -> str:
        connection = connections[options["database"]]
        settings_dict = connection.settings_dict
        started = timezone.now()
        target = Path(options["dir"]).expanduser() / f"backup-{started:%Y%m%dT%H%M%S%fZ}"
        target.mkdir(parents=True, exist_ok=False, mode=0o700)
        try:
            major = server_major(connection)
            pg_dump = find_client("pg_dump", major)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # Before the dump: a value written meanwhile is under the current key, which is always listed.
        field_keys = field_keys_in_use(options["database"])
        dump = target / DUMP
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [str(pg_dump), "--format=custom", "--no-password", "--file", str(dump), conninfo(settings_dict)],
            env=libpq_env(settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        files = {DUMP: dump}
        media_root = Path(settings.MEDIA_ROOT)
        local_media = settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
        if local_media:
            archive = target / MEDIA
            with tarfile.open(archive, "w:gz") as tar:
                if media_root.exists():
                    tar.add(media_root, arcname=".")
            files[MEDIA] = archive
        manifest = {
            "format": 1,
            "created_at": started.isoformat(),
            "finished_at": timezone.now().isoformat(),
            "database": settings_dict["NAME"],
            "server_major": major,
            "pg_dump": str(pg_dump),
            # The field keys the encrypted values were written with (portal.crypto key ids: the first 8 hex
            # digits of each key's SHA-256). `restore` refuses while one of them is not in FIELD_ENCRYPTION_KEYS.
            "field_keys": field_keys,
            "media": "included" if local_media else "object storage: back it up with its own versioning",
            "files": {name: {"sha256": sha256(path), "bytes": path.stat().st_size} for name, path in files.items()},
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))
        return str(target)


def field_keys_in_use(alias: str) -> list[str]:
    """The ids of the field keys the database's encrypted values were written with, and the current key's.

    Each stored value names its key (``enc:v1:<key id>:…``), so nothing is decrypted: one DISTINCT per encrypted
    column, and the staff's second factors (a few hundred rows) read through allauth's model.
    """
    from allauth.mfa.models import Authenticator

    found = {crypto.current_key_id()}
    with connections[alias].cursor() as cursor:
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, crypto.EncryptedTextField):
                    cursor.execute(
                        f'SELECT DISTINCT split_part("{field.column}", \':\', 3) FROM "{model._meta.db_table}" '  # noqa: S608 - names from the model
                        f'WHERE "{field.column}" LIKE %s',
                        [crypto.PREFIX + "%"],
                    )
                    found.update(row[0] for row in cursor.fetchall())

    def note(stored: str) -> str:
        if key_id := crypto.key_id_of(stored):
            found.add(key_id)
        return stored

    for kind, data in Authenticator.objects.using(alias).filter(type__in=list(SECRET_KEYS)).values_list("type", "data"):
        transform_secrets(kind, data, note)
    return sorted(found)
