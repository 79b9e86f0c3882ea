"""The one way tests check the audit log: `assert_audited(action, target=..., client=...)`.

Every service writes an audit line (`portal.audit.record_event`); its test says which one, about what and
whom. On failure the message lists the lines that do exist, so a wrong action code or target shows at once.
`tests/test_architecture_audit.py` checks that every service that writes a line has a test that asserts it.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from portal.access import unscoped
from portal.audit import CLIENT_KEY
from portal.models import AuditEvent

__all__ = ["assert_audited", "audit_lines"]

_SHOWN = 20  # lines listed in a failure message


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _target_filter(target: models.Model) -> dict[str, str]:
    """The target as `record_event` names it: model label and public id (or pk)."""
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(getattr(target, "public_id", None) or target.pk),
    }


def _describe(event: AuditEvent) -> str:
    target = f"{event.target_type}:{event.target_id}" if event.target_type else "-"
    return (
        f"  #{event.pk} {event.action} target={target} actor={event.actor_id} centre={event.centre_id} "
        f"details={event.details}"
    )


def audit_lines(action: str | None = None, **filters: Any) -> list[AuditEvent]:
    """The lines written so far (oldest first), optionally of one action and further ORM filters."""
    with unscoped():
        lines = AuditEvent.objects.all()
        if action is not None:
            lines = lines.filter(action=action)
        return list(lines.filter(**filters).order_by("pk"))


def assert_audited(
    action: str,
    *,
    target: models.Model | None = None,
    actor: Any = None,
    client: Any = None,
    centre: Any = None,
    details: dict[str, Any] | None = None,
    count: int | None = 1,
) -> list[AuditEvent]:
    """Assert the log holds `count` lines of `action` (None: at least one) matching what is given, and return them.

    `target` is a model instance (matched by label and public id, as `record_event` names it); `actor` a user
    (or pk; pass ``actor=False`` for a line written by the system, with no actor); `client` a client (or pk)
    the line is about (``details["client"]``); `centre` a centre (or pk); `details` the keys the line's details
    must hold with these values (other keys may exist). ``count=0`` asserts no such line was written.
    """
    filters: dict[str, Any] = {}
    if target is not None:
        filters.update(_target_filter(target))
    if actor is False:
        filters["actor__isnull"] = True
    elif actor is not None:
        filters["actor_id"] = _pk(actor)
    if client is not None:
        filters[f"details__{CLIENT_KEY}"] = _pk(client)
    if centre is not None:
        filters["centre_id"] = _pk(centre)
    lines = audit_lines(action, **filters)
    if details:
        lines = [line for line in lines if all(line.details.get(k, object()) == v for k, v in details.items())]
    if (count is None and lines) or len(lines) == count:
        return lines
    wanted = ", ".join(
        f"{key}={value!r}" for key, value in {**filters, **({"details": details} if details else {})}.items()
    )
    same_action = audit_lines(action)
    existing = same_action or audit_lines()
    listed = "\n".join(_describe(line) for line in existing[-_SHOWN:]) or "  (the audit log is empty)"
    heading = f"lines of {action!r}" if same_action else "no line of this action; the latest lines"
    expected = "at least one" if count is None else str(count)
    raise AssertionError(
        f"expected {expected} audit line(s) {action!r} with {wanted or 'any values'}, found {len(lines)}.\n"
        f"{heading}:\n{listed}"
    )
