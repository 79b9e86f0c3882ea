"""Reporting reads go to a PostgreSQL replica when `DATABASE_REPLICA_URL` is set; every write goes to default.

Routed to the replica: reads of the reports' roll-up tables (`DailyCount`, `PersonDay`) and every
read made inside `replica_reads()` (the dashboards wrap their selectors in it). A report build's
status is read from default (it is polled right after it was written, replication may lag).
Migrations run on default only; the replica follows by streaming replication.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
ROLLUP_MODELS = {("reports", "dailycount"), ("reports", "personday")}
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block go to the replica (when one is configured)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not replica_configured():
            return None
        if (model._meta.app_label, model._meta.model_name) in ROLLUP_MODELS or _reading_from_replica.get():
            return REPLICA
        return "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as default

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
