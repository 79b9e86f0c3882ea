"""Backups of the portal: the database (pg_dump, custom format) and the uploaded files, checksummed.

Used by `manage.py backup` and `manage.py restore`. pg_dump/pg_restore must be at least the
server's major version: they are looked up as devtools/devstack/ looks up the server programs
($PORTAL_PG_BINDIR, /usr/lib/postgresql/<major>/bin, `pg_config --bindir`, PATH), matching the server.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media.tar.gz"


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _major(version_output: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_output)
    return int(match.group(1)) if match else 0


def find_client(program: str, server_major: int) -> Path:
    """The `pg_dump`/`pg_restore` whose major version equals the server's (or, failing that, is newer)."""
    candidates: list[Path] = []
    if os.environ.get("PORTAL_PG_BINDIR"):
        candidates.append(Path(os.environ["PORTAL_PG_BINDIR"]))
    candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin"))
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False, timeout=10)  # noqa: S603
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    on_path = shutil.which(program)
    if on_path:
        candidates.append(Path(on_path).parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: -_major(p.parent.name))
    newer: Path | None = None
    for directory in candidates:
        binary = directory / program
        if not binary.is_file():
            continue
        result = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=False)  # noqa: S603
        major = _major(result.stdout.partition(")")[2])  # "pg_dump (PostgreSQL) 15.20 (Debian ...)"
        if major == server_major:
            return binary
        if major > server_major and newer is None:
            newer = binary
    if newer is not None:
        return newer
    raise BackupError(
        f"No {program} of PostgreSQL {server_major} or newer was found. Install the PostgreSQL {server_major} "
        f"client programs or set PORTAL_PG_BINDIR to their bin directory."
    )


def server_major(connection: Any) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def libpq_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """Environment for pg_dump/pg_restore: the password never appears on a command line."""
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def conninfo(settings_dict: dict[str, Any], name: str | None = None) -> str:
    """A libpq URI without the password (that goes through PGPASSWORD)."""
    user = quote(settings_dict.get("USER") or "")
    host = settings_dict.get("HOST") or ""
    port = settings_dict.get("PORT") or ""
    database = quote(name or settings_dict["NAME"])
    params = {k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if isinstance(v, str)}
    if host.startswith("/"):
        params["host"] = host
        host = ""
    if port and not host:
        params["port"] = str(port)
    query = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
    netloc = (
        f"{user}@{host}" + (f":{port}" if port and host else "")
        if user
        else host + (f":{port}" if port and host else "")
    )
    return f"postgresql://{netloc}/{database}" + (f"?{query}" if query else "")
