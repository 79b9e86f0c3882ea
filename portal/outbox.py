"""The transactional outbox: background work that must not be lost when the broker is away.

`enqueue(task, kwargs=..., key=...)` writes an `OutboxMessage` row in the caller's transaction (so
the work exists exactly when the business change does) and, after commit, tries to hand it to the
broker. When the broker is down the row simply stays; the `dispatch_outbox` beat task (every
minute) sends rows never dispatched, and re-sends rows dispatched long ago but never completed
(a worker that died mid-task). A task run from the outbox carries the row id in a message header;
its success marks the row completed. Tasks stay idempotent: a re-sent task must not act twice.

Tasks with no natural guard of their own use `once_per_message`, which takes the outbox row's lock
and marks it completed in the same transaction as the work.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from celery import signals
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from portal.models import OutboxMessage

logger = logging.getLogger(__name__)

HEADER = "outbox_id"
# Rows dispatched this long ago and not completed are sent again (longer than the reports' hard time limit).
STALE_AFTER = dt.timedelta(minutes=30)
# A row just written is left to its own after-commit dispatch for this long before the beat task takes it.
GRACE = dt.timedelta(seconds=30)
MAX_ATTEMPTS = 25
KEEP_COMPLETED = dt.timedelta(days=14)
# Publishing gives up fast when the broker is down: the row stays in the outbox, the request goes on.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _task(name: str) -> Any:
    """The registered task of that name; its module is imported first (the web process discovers none)."""
    from portal.celery import app

    if name not in app.tasks:
        importlib.import_module(name.rpartition(".")[0])
    return app.tasks[name]


def _task_name(task: Any) -> str:
    return task if isinstance(task, str) else task.name


def enqueue(
    task: Any, *, kwargs: dict[str, Any] | None = None, key: str | None = None, queue: str | None = None
) -> OutboxMessage:
    """Record `task(**kwargs)` in the outbox (in the current transaction) and dispatch it after commit.

    `key` deduplicates: enqueueing the same key again returns the existing row and sends nothing new.
    Without a key, one is made from the task name and the arguments. `queue` overrides the routing.
    """
    name = _task_name(task)
    kwargs = kwargs or {}
    if key is None:
        key = name + ":" + ",".join(f"{k}={kwargs[k]}" for k in sorted(kwargs))
    key = key[:200]
    try:
        with transaction.atomic():
            message, created = OutboxMessage.objects.get_or_create(
                key=key, defaults={"task": name, "kwargs": kwargs, "queue": queue or ""}
            )
    except IntegrityError:  # the same key written at the same moment by another transaction
        return OutboxMessage.objects.get(key=key)
    if created:
        transaction.on_commit(lambda: dispatch(message.pk), robust=True)
    return message


def dispatch(message_id: int) -> bool:
    """Hand one outbox row to the broker; True when the broker took it (or it is already completed).

    Never raises: a broker error is kept on the row (`last_error`) for the next beat run.
    """
    message = OutboxMessage.objects.filter(pk=message_id, completed_at__isnull=True).first()
    if message is None:
        return True
    rows = OutboxMessage.objects.filter(pk=message.pk)
    try:
        task = _task(message.task)
        options: dict[str, Any] = {"headers": {HEADER: message.pk}, "retry": True, "retry_policy": PUBLISH_RETRY}
        if message.queue:
            options["queue"] = message.queue
        task.apply_async(args=message.args, kwargs=message.kwargs, **options)
    except Exception as exc:  # the broker is down, or (eager mode) the task itself failed
        logger.warning("outbox message %s (%s) not dispatched: %r", message.pk, message.task, exc)
        rows.update(attempts=F("attempts") + 1, dispatched_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000])
        return False
    rows.update(attempts=F("attempts") + 1, dispatched_at=timezone.now())
    return True


def dispatch_pending(*, stale_after: dt.timedelta = STALE_AFTER, grace: dt.timedelta = GRACE, limit: int = 500) -> int:
    """Send every row not yet dispatched, or dispatched before `stale_after` and not completed.

    Rows are claimed under `SKIP LOCKED` so two runs never send the same row at once. Completed rows
    older than two weeks are deleted. Returns the number of rows the broker took.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(completed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .filter(Q(dispatched_at__isnull=True, created_at__lte=now - grace) | Q(dispatched_at__lt=now - stale_after))
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )
        # Claimed: a concurrent run no longer sees them as due; a failed dispatch clears the mark again.
        OutboxMessage.objects.filter(pk__in=ids).update(dispatched_at=now)
    sent = sum(dispatch(pk) for pk in ids)
    OutboxMessage.objects.filter(completed_at__lt=now - KEEP_COMPLETED).delete()
    return sent


def _message_id(request: Any) -> int | None:
    value = getattr(request, HEADER, None)
    if value is None:  # eager mode keeps the headers in a dict
        value = (getattr(request, "headers", None) or {}).get(HEADER)
    return int(value) if value is not None else None


def mark_completed(message_id: int | None) -> None:
    if message_id is not None:
        OutboxMessage.objects.filter(pk=message_id, completed_at__isnull=True).update(completed_at=timezone.now())


@signals.task_success.connect
def _on_success(sender: Any = None, **_kwargs: Any) -> None:
    if sender is not None:
        mark_completed(_message_id(sender.request))


@signals.task_failure.connect
@signals.task_retry.connect
def _on_failure(sender: Any = None, exception: Any = None, reason: Any = None, request: Any = None, **_kw: Any) -> None:
    message_id = _message_id(request if request is not None else getattr(sender, "request", None))
    if message_id is not None:
        error = exception if exception is not None else reason
        OutboxMessage.objects.filter(pk=message_id).update(last_error=f"{type(error).__name__}: {error}"[:2000])


def once_per_message(func: Callable[..., Any]) -> Callable[..., Any]:
    """Make a task sent from the outbox act once per outbox row, however often the message arrives.

    Put it under `@shared_task`. The row is locked while the task runs and marked completed in the
    same transaction, so a duplicate (broker redelivery, stale re-dispatch) waits, then does nothing.
    Not for long tasks that write progress outside a transaction (report builds guard themselves).
    Called without an outbox header (directly, or by `.delay`) the task simply runs.
    """

    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        from celery import current_task

        message_id = _message_id(current_task.request) if current_task else None
        if message_id is None:
            return func(*args, **kwargs)
        with transaction.atomic():
            row = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
            if row is None or row.completed_at is not None:
                return None
            result = func(*args, **kwargs)
            OutboxMessage.objects.filter(pk=message_id).update(completed_at=timezone.now())
            return result

    return run
