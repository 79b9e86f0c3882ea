"""`manage.py bench --json PATH`: E1–E12 and the baselines B1–B5 in one run (see devtools/bench/runner.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Measure the endpoints of issue #9 and their baselines on a database filled by seed_scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", required=True, help="where to write the results (JSON)")
        parser.add_argument("--database-url", default="", help="the scale database; default: bench_scale")
        parser.add_argument("--requests", type=int, default=100, help="timed requests per endpoint")
        parser.add_argument("--only", default="", help="comma-separated keys, e.g. E1,E3 (baselines always run)")

    def handle(self, *args: Any, **options: Any) -> None:
        from devtools.bench import target

        if not target.is_child():
            url = options["database_url"] or target.default_url("bench_scale")
            argv = ["bench", "--json", options["json"], "--requests", str(options["requests"])]
            if options["only"]:
                argv += ["--only", options["only"]]
            code = target.run_in(url, argv)
            if code:
                raise SystemExit(code)
            return
        from devtools.bench import runner

        only = [k.strip() for k in options["only"].split(",") if k.strip()] or None
        document = runner.run(requests=options["requests"], only=only, log=self.stdout.write)
        self.stdout.write(runner.table(document))
        runner.write_json(document, options["json"])
        self.stdout.write(f"bench: wrote {options['json']}")
