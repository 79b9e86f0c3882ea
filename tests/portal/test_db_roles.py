"""The application's database role cannot change or delete the audit log, and neither can the owner by accident.

`manage.py setup_db_roles` creates the role inside the test's transaction (PostgreSQL roles and grants are
transactional, so everything is rolled back); each statement then runs under `SET ROLE` in a savepoint.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from portal.access import unscoped
from portal.audit import record_event
from portal.models import AuditEvent, Centre
from tests.factories import CaseFactory, ClientFactory

REPO = Path(__file__).resolve().parents[2]


def fresh_role_name(kind: str) -> str:
    # Roles belong to the whole cluster, which other test databases share: a unique name never waits on them.
    return f"test_{kind}_{uuid.uuid4().hex[:10]}"


def run_as(role: str, statement: str, params: list | None = None) -> list | None:
    """Run one statement as ``role`` in a savepoint that is always rolled back; return its rows or raise."""
    savepoint = transaction.savepoint_create()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {role}")
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.fixture
def event(counsellor) -> AuditEvent:
    return record_event(actor=counsellor.user, action="counselling.case.viewed", target=counsellor.membership)


@pytest.fixture
def app_role(db: None, event: AuditEvent) -> str:
    name = fresh_role_name("app")
    out = StringIO()
    call_command("setup_db_roles", "--app-role", name, stdout=out)
    assert f"created role {name}" in out.getvalue()
    return name


def test_the_app_role_reads_and_appends_to_the_audit_log(app_role: str, event: AuditEvent) -> None:
    rows = run_as(
        app_role,
        "INSERT INTO portal_auditevent (occurred_at, action, target_type, target_id, details) "
        "VALUES (now(), 'portal.test.done', '', '', '{}') RETURNING id",
    )
    assert rows and rows[0][0] > event.pk
    assert run_as(app_role, "SELECT action FROM portal_auditevent WHERE id = %s", [event.pk]) == [
        ("counselling.case.viewed",)
    ]


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("UPDATE portal_auditevent SET action = 'tampered'", "permission denied"),
        ("DELETE FROM portal_auditevent", "permission denied"),
        ("TRUNCATE portal_auditevent", "permission denied"),
        ("ALTER TABLE portal_auditevent ADD COLUMN note text", "must be owner"),
        ("ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_append_only", "must be owner"),
        ("ALTER TABLE portal_auditevent DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER portal_auditevent_append_only ON portal_auditevent", "must be owner"),
        ("DROP TRIGGER portal_auditevent_no_truncate ON portal_auditevent", "must be owner"),
        ("DROP TABLE portal_auditevent", "must be owner"),
        ("TRUNCATE django_session", "permission denied"),
        ("CREATE TABLE portal_sidecar (id int)", "permission denied"),
    ],
)
def test_the_app_role_cannot_change_the_audit_log_or_the_schema(
    app_role: str, event: AuditEvent, statement: str, refusal: str
) -> None:
    with pytest.raises(DatabaseError, match=refusal):
        run_as(app_role, statement)
    with unscoped():
        assert AuditEvent.objects.get(pk=event.pk).action == "counselling.case.viewed"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'portal_auditevent'::regclass AND tgenabled = 'O'"
        )
        assert cursor.fetchone()[0] == 2


def test_ordinary_tables_are_writable_by_the_app_role(app_role: str, centre_a: Centre) -> None:
    assert run_as(app_role, "UPDATE portal_centre SET city = 'Kumasi' WHERE id = %s", [centre_a.pk]) is None
    assert run_as(
        app_role,
        "INSERT INTO django_session (session_key, session_data, expire_date) VALUES ('k', 'd', now()) "
        "RETURNING session_key",
    ) == [("k",)]
    assert run_as(app_role, "DELETE FROM django_session") is None


def test_the_application_works_as_the_app_role(app_role: str, counsellor) -> None:
    """The ORM under the role: creating a client and a case, auditing it, updating and deleting rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
        written = record_event(actor=counsellor.user, action="counselling.case.viewed", target=case)
        Centre.objects.filter(pk=counsellor.centre.pk).update(city="Tamale")
        with unscoped():
            assert AuditEvent.objects.filter(pk=written.pk, action="counselling.case.viewed").exists()
            case.delete()
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
        cursor.execute("RESET ROLE")


def test_tables_made_by_later_migrations_are_granted_too(app_role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE portal_future (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, x text)")
    assert run_as(app_role, "INSERT INTO portal_future (x) VALUES ('a') RETURNING id") == [(1,)]
    with pytest.raises(DatabaseError, match="permission denied"):
        run_as(app_role, "TRUNCATE portal_future")


def test_the_command_is_idempotent_and_checks_what_it_leaves(app_role: str) -> None:
    out = StringIO()
    call_command("setup_db_roles", "--app-role", app_role, stdout=out)
    assert f"updated role {app_role}" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'portal_auditevent', 'INSERT'), "
            "has_table_privilege(%s, 'portal_auditevent', 'UPDATE'), "
            "has_table_privilege(%s, 'portal_auditevent', 'TRUNCATE'), "
            "has_table_privilege(%s, 'counselling_client', 'DELETE'), "
            "rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s",
            [app_role] * 5,
        )
        assert cursor.fetchone() == (True, False, False, True, False, False)


def test_the_command_sets_a_password_from_the_environment(db: None, monkeypatch) -> None:
    name = fresh_role_name("app")
    monkeypatch.setenv("DATABASE_APP_PASSWORD", "s3cret-for-the-app")
    call_command("setup_db_roles", "--app-role", name, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolpassword IS NOT NULL, rolcanlogin FROM pg_authid WHERE rolname = %s", [name])
        assert cursor.fetchone() == (True, True)


@pytest.mark.parametrize("make_role", ["CREATE ROLE {} SUPERUSER", "CREATE ROLE {} CREATEROLE"])
def test_the_command_refuses_a_role_that_could_get_around_the_rules(db: None, make_role: str) -> None:
    name = fresh_role_name("strong")
    with connection.cursor() as cursor:
        cursor.execute(make_role.format(name))
    with pytest.raises(CommandError, match="refused"), transaction.atomic():
        call_command("setup_db_roles", "--app-role", name, stdout=StringIO())


@pytest.mark.parametrize("name", ["<owner>", "Bad-Name", "x; DROP TABLE portal_auditevent"])
def test_the_command_refuses_the_owner_and_odd_names(db: None, name: str) -> None:
    if name == "<owner>":  # the role that owns the tables: postgres on a system server, another on the private cluster
        with connection.cursor() as cursor:
            cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'portal_auditevent'")
            name = cursor.fetchone()[0]
    with pytest.raises(CommandError):
        call_command("setup_db_roles", "--app-role", name, stdout=StringIO())


@pytest.fixture
def owner_role(db: None, event: AuditEvent) -> str:
    """A plain (not superuser) role that owns the audit table, as the migration role does in production."""
    name = fresh_role_name("owner")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} NOSUPERUSER")
        cursor.execute(f"ALTER TABLE portal_auditevent OWNER TO {name}")
    return name


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE portal_auditevent SET action = 'tampered'",
        "DELETE FROM portal_auditevent",
        "TRUNCATE portal_auditevent",
    ],
)
def test_the_triggers_refuse_the_owner_too(owner_role: str, event: AuditEvent, statement: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        run_as(owner_role, statement)
    with unscoped():
        assert AuditEvent.objects.filter(pk=event.pk, action="counselling.case.viewed").exists()


def test_migrate_and_setup_run_as_the_owner_when_a_migrate_url_is_set() -> None:
    """`DATABASE_URL` is the application's role; `DATABASE_MIGRATE_URL` is used by migrate and setup_db_roles."""
    probe = (
        "import sys; sys.argv = ['manage.py', sys.argv[1]]; "
        "from portal import settings; print(settings.DATABASES['default']['USER'])"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://portal_app@127.0.0.1/portal",
        "DATABASE_MIGRATE_URL": "postgresql://portal_owner@127.0.0.1/portal",
    }
    users = {}
    for command in ("runserver", "migrate", "setup_db_roles", "createcachetable", "seed_demo"):
        result = subprocess.run(
            [sys.executable, "-c", probe, command], cwd=REPO, env=env, capture_output=True, text=True, check=True
        )
        users[command] = result.stdout.strip()
    assert users == {
        "runserver": "portal_app",
        "migrate": "portal_owner",
        "setup_db_roles": "portal_owner",
        "createcachetable": "portal_owner",
        "seed_demo": "portal_app",
    }
