"""`manage.py seed_scale --clients N`: a separate database filled with scale data (see devtools/bench/seed.py)."""

from __future__ import annotations

import datetime as dt
import resource
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # the scale database is checked by migrate itself
    help = "Create, migrate and fill a separate database with N clients of realistic scale data (COPY)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, required=True, help="how many clients (and case files)")
        parser.add_argument("--database-url", default="", help="the database to (re)create; default: bench_scale")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed and day, same data)")
        parser.add_argument("--today", default="", help="reference day, YYYY-MM-DD (default: today)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        from devtools.bench import target

        if not target.is_child():
            url = options["database_url"] or target.default_url("bench_scale")
            started = time.monotonic()
            self.stdout.write(f"seed_scale: recreating database {target.database_name(url)!r}")
            target.recreate_database(url)
            argv = ["seed_scale", "--clients", str(options["clients"]), "--seed", str(options["seed"])]
            if options["today"]:
                argv += ["--today", options["today"]]
            if options["no_progress"]:
                argv.append("--no-progress")
            code = target.run_in(url, argv)
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            self.stdout.write(
                f"seed_scale: done in {time.monotonic() - started:.0f} s; "
                f"peak memory of the loader {children.ru_maxrss / 1024:.0f} MB"
            )
            if code:
                raise SystemExit(code)
            return
        self._fill(options)

    def _fill(self, options: dict[str, Any]) -> None:
        from devtools.bench.seed import rebuild_rollups_for_year, seed_base, seed_people

        today = dt.date.fromisoformat(options["today"]) if options["today"] else dt.date.today()
        started = time.monotonic()

        def step(label: str) -> None:
            self.stdout.write(f"seed_scale: [{time.monotonic() - started:6.0f} s] {label}")

        step("migrate")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        step("demo data (information pages in every language)")
        call_command("seed_demo", verbosity=0)
        step("base: countries, centres, staff, partners, employers, fairs")
        base = seed_base(seed=options["seed"], today=today)
        step(f"people: {options['clients']:,} clients with cases, sessions, referrals, registrations, audit")
        written = seed_people(
            base=base,
            clients=options["clients"],
            seed=options["seed"],
            today=today,
            progress=not options["no_progress"],
        )
        for table, rows in written.items():
            self.stdout.write(f"  {table:<28} {rows:>12,}")
        step("roll-ups of the reports (last twelve months)")
        rebuild_rollups_for_year(today=today)
        step("VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        step(f"done; peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
