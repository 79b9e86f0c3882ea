"""The audit log's one entry point: `record_event`."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.db import models

from portal.models import AuditEvent, Centre

_request_ip: ContextVar[str | None] = ContextVar("portal_request_ip", default=None)


def set_request_ip(ip: str | None) -> object:
    return _request_ip.set(ip)


def reset_request_ip(token: object) -> None:
    _request_ip.reset(token)  # type: ignore[arg-type]


def record_event(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    centre: Centre | int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one line to the audit log.

    `action` is a dotted code such as ``counselling.case.viewed``. The target is
    named by its model label and public id (or pk); the centre is taken from
    the target when it has one. `details` must hold identifiers and codes,
    never a person's name or free text, so the log survives anonymisation.
    """
    if centre is None and target is not None:
        centre = getattr(target, "centre_id", None)
    centre_id = centre.pk if isinstance(centre, Centre) else centre
    target_id = ""
    if target is not None:
        target_id = str(getattr(target, "public_id", None) or target.pk)
    return AuditEvent.objects.create(
        actor_id=getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target_id,
        centre_id=centre_id,
        ip_address=_request_ip.get(),
        details=details or {},
    )
