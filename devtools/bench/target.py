"""Running a command against another database: create it, and run ourselves again with DATABASE_URL set to it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

CHILD_FLAG = "PORTAL_BENCH_CHILD"
REPO_DIR = Path(settings.BASE_DIR)


def default_url(name: str) -> str:
    """The configured database's server, with another database name."""
    parts = urlsplit(settings.DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def is_child() -> bool:
    return os.environ.get(CHILD_FLAG) == "1"


def recreate_database(url: str) -> None:
    """Drop and create the database named in ``url`` (through the server's `postgres` database)."""
    import psycopg2
    from psycopg2 import sql

    name = database_name(url)
    if not name or name == settings.DATABASES["default"]["NAME"]:
        raise SystemExit(f"refusing to recreate {name!r}: it is the configured database (give another --database-url)")
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin_url)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name))
            )
    finally:
        connection.close()


def run_in(url: str, argv: list[str]) -> int:
    """Run ``manage.py <argv>`` with the database at ``url`` as its default database."""
    env = {**os.environ, "DATABASE_URL": url, CHILD_FLAG: "1"}
    env.pop("DATABASE_MIGRATE_URL", None)
    command = [sys.executable, str(REPO_DIR / "manage.py"), *argv]
    return subprocess.call(command, cwd=REPO_DIR, env=env)  # noqa: S603 - our own interpreter and manage.py
