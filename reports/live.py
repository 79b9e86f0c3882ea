"""Today's figures kept current: every write the indicators count asks for a rebuild of the recent roll-ups.

The nightly rebuild (reports.tasks, beat in portal/settings.py) still corrects everything of the last weeks;
this only keeps the dashboards from lagging a day. Debounced through the outbox: a write joins the rebuild
that is already waiting (one outbox row, one task), and only when none is waiting does it add one. So a busy
morning costs one rebuild at a time, not one per write.

Why no write is lost between "joined a waiting rebuild" and "the rebuild read the tables":

- the writer finds the waiting row with ``FOR SHARE SKIP LOCKED``, in its own transaction, and keeps that
  share lock until it commits;
- the task starts by locking its row ``FOR UPDATE`` (it waits for every writer that joined it to commit) and
  marks it taken (``completed_at``) in a short transaction of its own; only then does it read the raw tables;
- a writer that comes later finds the row taken (or locked: SKIP LOCKED) and writes a new row, so a new
  rebuild follows. Rebuilds never run side by side (rebuild_rollups takes an advisory lock).

The receivers are connected in ReportsConfig.ready to the models the indicators read (reports/indicators).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from portal import outbox
from portal.models import OutboxMessage

TASK = "reports.tasks.rebuild_rollups_today_task"
# A write dated further back than this waits for the nightly rebuild (which covers the same window).
MAX_DAYS_BACK = 35

# The models whose rows the indicators count, with the field that dates a row (None: the write counts today).
WATCHED: dict[str, str | None] = {
    "counselling.Session": "held_at",
    "counselling.GroupSession": "held_on",
    "counselling.CaseFile": None,
    "counselling.FollowUp": None,
    "referrals.Referral": None,
    "referrals.ReferralEvent": "occurred_at",
    "jobfairs.Registration": None,
    "jobfairs.Booking": None,
    "jobfairs.Application": None,
}


def _day_of(instance: Any, field: str | None, today: dt.date) -> dt.date:
    """The first day whose figures the write changes: its own date when that is in the recent past, else today."""
    value = getattr(instance, field, None) if field else None
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date) or value > today:
        return today
    return max(value, today - dt.timedelta(days=MAX_DAYS_BACK))


def request_rebuild(start: dt.date) -> None:
    """Ask, in the current transaction, for the roll-ups from `start` to today to be rebuilt after commit."""
    table = OutboxMessage._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # A waiting rebuild that covers `start` already: join it (the share lock is held until our commit).
        cursor.execute(
            f"SELECT id FROM {table} WHERE task = %s AND completed_at IS NULL "  # noqa: S608 - the model's table
            "AND (kwargs ->> 'start') <= %s LIMIT 1 FOR SHARE SKIP LOCKED",
            [TASK, start.isoformat()],
        )
        if cursor.fetchone() is not None:
            return
    outbox.enqueue(TASK, kwargs={"start": start.isoformat()}, key=f"{TASK}:{start.isoformat()}:{uuid.uuid4().hex}")


def current_message_id() -> int | None:
    """The outbox row the running task was sent for (its message header), None when not sent from the outbox."""
    from celery import current_task

    request = current_task.request if current_task else None
    value = getattr(request, outbox.HEADER, None)
    if value is None:  # eager mode keeps the headers in a dict
        value = (getattr(request, "headers", None) or {}).get(outbox.HEADER)
    return int(value) if value is not None else None


def claim(message_id: int | None) -> bool:
    """Take a waiting rebuild (see the module docstring): False when another run took it already.

    Called without an outbox row (directly, or `.delay`) the rebuild simply runs.
    """
    if message_id is None:
        return True
    with transaction.atomic():  # the UPDATE waits for the writers holding the row's share lock
        taken = OutboxMessage.objects.filter(pk=message_id, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )
    return bool(taken)


def release(message_id: int | None) -> None:
    """A rebuild that failed gives its row back: the outbox sends it again (`dispatch_pending`)."""
    if message_id is not None:
        OutboxMessage.objects.filter(pk=message_id).update(completed_at=None)


def on_write(sender: Any, instance: Any, raw: bool = False, **_kwargs: Any) -> None:
    if raw:  # fixtures being loaded
        return
    today = timezone.localdate()
    request_rebuild(_day_of(instance, WATCHED.get(sender._meta.label), today))


def connect() -> None:
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(on_write, sender=model, dispatch_uid=f"reports.live.save.{label}")
        post_delete.connect(on_write, sender=model, dispatch_uid=f"reports.live.delete.{label}")
