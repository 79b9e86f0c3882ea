"""`manage.py seed_demo`: idempotent demo data in every language, for `make run`."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone

from portal import demo


class Command(BaseCommand):
    help = "Create (or complete) the demo data. Safe to run on every start."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = demo.seed()
        self.stdout.write(f"portal: {counts}")
        # Each app may add its own demo data in `<app>/demo.py` with a `seed()` function.
        for label in ("counselling", "referrals", "jobfairs", "cms"):
            module_name = f"{apps.get_app_config(label).name}.demo"
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            self.stdout.write(f"{label}: {module.seed()}")
        # The dashboards read roll-ups: build them for the demo's history (idempotent: rebuilt, not added).
        from portal.reports.services import rebuild_rollups

        today = timezone.localdate()
        rebuild_rollups(start=today - dt.timedelta(days=730), end=today)
        self.stdout.write("reports: roll-ups rebuilt for the last two years")
