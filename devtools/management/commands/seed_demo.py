"""`manage.py seed_demo`: idempotent demo data in every language, for `make run`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from devtools.demo import cms, counselling, jobfairs, portal, referrals
from reports.services import rebuild_rollups


class Command(BaseCommand):
    help = "Create (or complete) the demo data. Safe to run on every start."

    def handle(self, *args: Any, **options: Any) -> None:
        # One module per app in devtools/demo/, in the order of their dependencies.
        for label, module in (
            ("portal", portal),
            ("counselling", counselling),
            ("referrals", referrals),
            ("jobfairs", jobfairs),
            ("cms", cms),
        ):
            self.stdout.write(f"{label}: {module.seed()}")
        # The dashboards read roll-ups: build them for the demo's history (idempotent: rebuilt, not added).
        today = timezone.localdate()
        rebuild_rollups(start=today - dt.timedelta(days=730), end=today)
        self.stdout.write("reports: roll-ups rebuilt for the last two years")
