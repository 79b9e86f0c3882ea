"""What the reports do when another app tells them something changed (connected in ReportsConfig.ready)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from portal import outbox

REBUILD_TASK = "reports.tasks.rebuild_rollups_task"


def rebuild_after_transfer(sender: Any, *, transfer: Any, opened_on: dt.date, end: dt.date, **_kwargs: Any) -> None:
    """A case moved to another centre: the reports count it at its current centre, so the roll-ups of every
    day since it was opened are rebuilt, through the outbox (kept while the broker is away), once per transfer."""
    outbox.enqueue(
        REBUILD_TASK,
        kwargs={"start": opened_on.isoformat(), "end": end.isoformat()},
        key=f"{REBUILD_TASK}:transfer:{transfer.pk}",
    )
