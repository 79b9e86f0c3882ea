"""`manage.py setup_db_roles --app-role portal_app`: the least-privilege database role the application runs as.

Run it as the owner of the tables (the role that runs `migrate`, `DATABASE_MIGRATE_URL`), after every
`migrate`; it is idempotent. The owner needs CREATEROLE the first time, to create the role.

The application role
- may SELECT, INSERT, UPDATE and DELETE every table of the schema, and use its sequences;
- may only SELECT and INSERT the audit log (`portal_auditevent`): no UPDATE, no DELETE;
- has no TRUNCATE, REFERENCES or TRIGGER privilege anywhere;
- owns nothing, is no member of the owner and no superuser, so it can neither ALTER nor DROP a table nor
  disable or drop the audit log's triggers.

Tables that later migrations create get the same rights through `ALTER DEFAULT PRIVILEGES`; running the
command again after `migrate` re-applies everything and checks the rules above.
"""

from __future__ import annotations

import os
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portal.models import AuditEvent

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
NEVER_ON_TABLES = "TRUNCATE, REFERENCES, TRIGGER"


def quote(name: str) -> str:
    """A PostgreSQL identifier, quoted (the same on Django's cursor and on a plain psycopg2 one)."""
    return '"' + name.replace('"', '""') + '"'


def apply_app_role(cursor: Any, role: str, *, password: str = "") -> bool:
    """Create (if missing) and grant the application role on the database `cursor` is connected to, as its owner.

    Shared by this command and `manage.py restore`, which runs it on the database it has just restored, so
    the application never meets `permission denied` after a restore. `cursor` may be Django's or psycopg2's;
    the caller commits. Returns True when the role was created.
    """
    if not ROLE_NAME.match(role):
        raise CommandError("--app-role must be a plain lower-case PostgreSQL name (letters, digits, _).")
    cursor.execute("SELECT current_user, current_schema(), current_database()")
    owner, schema, database = cursor.fetchone()
    if role == owner:
        raise CommandError("The application role must not be the role that owns the tables.")
    created = _ensure_role(cursor, role)
    if password:
        cursor.execute(f"ALTER ROLE {quote(role)} PASSWORD %s", [password])
    _grant(cursor, role=role, owner=owner, schema=schema, database=database)
    _check(cursor, role=role, owner=owner, schema=schema)
    return created


class Command(BaseCommand):
    help = "Create (or bring up to date) the least-privilege database role the application connects as."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--app-role", default="portal_app", help="name of the application's role")
        parser.add_argument(
            "--password-env",
            default="DATABASE_APP_PASSWORD",
            help="environment variable holding the role's password (the password is set only when it is non-empty)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["app_role"]
        password = os.environ.get(options["password_env"], "")
        with transaction.atomic(), connection.cursor() as cursor:
            created = apply_app_role(cursor, role, password=password)
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} role {role}: read-write on the application tables, insert-only on the audit log")


def _ensure_role(cursor: Any, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone():
        return False
    cursor.execute(f"CREATE ROLE {quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS")
    return True


def _grant(cursor: Any, *, role: str, owner: str, schema: str, database: str) -> None:
    r, s, audit = quote(role), quote(schema), quote(AuditEvent._meta.db_table)
    statements = [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
        f"GRANT {APP_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"REVOKE {NEVER_ON_TABLES} ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        # The audit log: read and append, nothing else.
        f"REVOKE ALL ON {audit} FROM {r}",
        f"GRANT SELECT, INSERT ON {audit} TO {r}",
        # Tables and sequences that later migrations create.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA {s} GRANT {APP_TABLE_PRIVILEGES} ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
    for statement in statements:
        cursor.execute(statement)


def _check(cursor: Any, *, role: str, owner: str, schema: str) -> None:
    """Refuse a role that could get around the rules (an existing role may have been made by hand)."""
    cursor.execute(
        "SELECT rolsuper OR rolbypassrls OR rolcreaterole, pg_has_role(%s, %s, 'MEMBER') "
        "FROM pg_roles WHERE rolname = %s",
        [role, owner, role],
    )
    too_strong, member_of_owner = cursor.fetchone()
    if too_strong:
        raise CommandError(f"Role {role} is a superuser, may create roles or bypasses row security: refused.")
    if member_of_owner:
        raise CommandError(f"Role {role} is a member of the owner {owner}, so it could alter the tables: refused.")
    cursor.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND pg_get_userbyid(c.relowner) = %s",
        [schema, role],
    )
    if cursor.fetchone()[0]:
        raise CommandError(f"Role {role} owns tables in {schema}; hand them to {owner} first.")
    cursor.execute(
        "SELECT has_table_privilege(%s, %s, 'UPDATE') OR has_table_privilege(%s, %s, 'DELETE') "
        "OR has_table_privilege(%s, %s, 'TRUNCATE')",
        [role, AuditEvent._meta.db_table] * 3,
    )
    if cursor.fetchone()[0]:
        # Possible through a group role the application role belongs to.
        raise CommandError(f"Role {role} can still change the audit log (through another role): refused.")
