"""`manage.py setup --email ADDR --name NAME [--language xx]`: the first run of a new site, without a Python shell.

It checks what the site needs before anyone can sign in: the database answers, every migration is applied,
the cache answers (its table exists when the cache is the database's); it warns when `SITE_URL`, which the
links use, is no https address outside development. Then it makes the first administrator exactly as
`manage.py create_administrator` does (it runs that command: an invitation link, printed and e-mailed, with
which the administrator chooses a password and must set up a second factor), and prints the next steps with
the addresses of the screens where countries, centres and staff are set up.

Run again, it changes nothing that exists: an address that already is an administrator's, or no address on a
site that has an administrator, only prints the next steps; an open invitation gets a new link. A failed
check names what is wrong and the command that fixes it, and stops before anything is written.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from portal.access import Role, unscoped
from portal.management.commands.create_administrator import _is_administrator
from portal.models import Membership


class Command(BaseCommand):
    help = "First run: check the site is ready, invite the first administrator, print the next steps."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", help="the first administrator's e-mail address")
        parser.add_argument("--name", help="the first administrator's full name")
        codes = [code for code, _name in settings.LANGUAGES]
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=codes, help="language of the e-mail and the links"
        )

    def handle(self, *args: Any, email: str | None, name: str | None, language: str, **options: Any) -> None:
        if bool(email) != bool(name):
            raise CommandError("Give both the administrator's address and name: --email ADDR --name NAME.")
        self._check_ready()
        self.stdout.write("The site is ready: database, migrations and cache answer.")
        if email and _is_administrator(email.strip()):
            self.stdout.write(f"{email.strip().lower()} already is an administrator: nothing to invite.")
        elif email:
            call_command("create_administrator", email=email, name=name, language=language, stdout=self.stdout)
        elif not _has_administrator():
            raise CommandError(
                "No administrator yet. Invite the first one: manage.py setup --email ADDR --name NAME [--language xx]"
            )
        else:
            self.stdout.write("An administrator exists already.")
        self._next_steps(language)

    def _check_ready(self) -> None:
        """Stop with one line naming what is wrong and how to fix it."""
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            connection.ensure_connection()
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            raise CommandError(
                f"The database does not answer ({error.__class__.__name__}: {str(error).strip()}). "
                "Check DATABASE_URL and that PostgreSQL runs."
            ) from error
        if pending:
            raise CommandError(
                f"{len(pending)} migration(s) are not applied. Run `manage.py migrate` first "
                "(as the database owner: DATABASE_MIGRATE_URL)."
            )
        try:
            cache.get("portal-setup-check")
        except DatabaseError as error:
            raise CommandError(
                f"The cache does not answer ({error.__class__.__name__}). Run `manage.py createcachetable`."
            ) from error
        if not settings.DEBUG and not settings.SITE_URL.startswith("https://"):
            # Not fatal: a test install behind a local proxy may run on http.
            self.stdout.write(
                self.style.WARNING(
                    f"Warning: SITE_URL is {settings.SITE_URL!r}; the links printed and e-mailed use it. "
                    "On a real server set it to the site's https address."
                )
            )

    def _next_steps(self, language: str) -> None:
        with translation.override(language):
            setup_url = settings.SITE_URL + reverse("portal:country-list")
            invite_url = settings.SITE_URL + reverse("portal:staff-invite")
        self.stdout.write("")
        self.stdout.write("Next steps:")
        self.stdout.write(
            "  1. Open the invitation link within 7 days, choose a password and set up the second factor "
            "(an authenticator app). You then land on the staff area."
        )
        self.stdout.write(f"  2. Set up the countries and their centres: {setup_url}")
        self.stdout.write(
            f"  3. Invite the staff of each centre and country (managers, counsellors, ...): {invite_url}"
        )


def _has_administrator() -> bool:
    with unscoped():
        return Membership.objects.filter(role=Role.ADMIN, is_active=True).exists()
