"""The audit log's entry points: `record_event` for every write, `record_read` for every page or file that
shows a client's personal data.

Every line about a client names the client (``details["client"]``, the client's primary key), so the log
answers "who saw or changed this client?" whatever the line's target is: the client, a case, a session, a
document, a referral, a fair registration. The path from a target to its client is declared once per model,
beside its record of processing (`portal.privacy.Processing.client`), so the portal never imports a domain app.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from django.db import models

from portal.models import AuditEvent, Centre

_request_ip: ContextVar[str | None] = ContextVar("portal_request_ip", default=None)

# The key of `AuditEvent.details` that names the client a line is about.
CLIENT_KEY = "client"


def set_request_ip(ip: str | None) -> object:
    return _request_ip.set(ip)


def reset_request_ip(token: object) -> None:
    _request_ip.reset(token)  # type: ignore[arg-type]


def client_of(target: models.Model | None) -> int | None:
    """The primary key of the client `target` is about, from its model's declared path; None when it is
    about no client (a fair, a user account) or the path ends in an empty link (a returnee's registration).

    Follows foreign keys the caller has usually loaded already (``session.case``); an unloaded one costs
    one query.
    """
    value = _follow(target, _client_path(target))
    return None if value is None else int(value)


def _client_path(target: models.Model | None) -> list[str]:
    if target is None:
        return []
    from portal.privacy import declaration_for

    declaration = declaration_for(target.__class__)  # __class__: request.user is a lazy object
    return declaration.client.split(".") if declaration is not None and declaration.client else []


def _follow(target: Any, path: list[str]) -> Any:
    value = target if path else None
    for name in path:
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def _centre_of_client(target: models.Model) -> int | None:
    """The centre of the client `target` is about, for a line whose target has no centre of its own (a fair
    registration): the line then reaches the log of the client's centre."""
    path = _client_path(target)
    if not path or path[-1] == "pk":
        return None
    client = _follow(target, [*path[:-1], path[-1].removesuffix("_id")])
    return getattr(client, "centre_id", None)


def _client_pk(client: Any) -> int | None:
    return getattr(client, "pk", client)


def _event(
    *,
    actor: Any,
    action: str,
    target: models.Model | None,
    centre: Centre | int | None,
    client: Any,
    details: dict[str, Any] | None,
) -> AuditEvent:
    """An unsaved line: the centre and the client are taken from the target unless given."""
    if centre is None and target is not None:
        centre = getattr(target, "centre_id", None)
        if centre is None and (case := getattr(target, "case", None)) is not None:
            centre = case.centre_id
    client_id = _client_pk(client) if client is not None else client_of(target)
    if centre is None and client_id is not None and target is not None:
        centre = _centre_of_client(target)
    centre_id = centre.pk if isinstance(centre, Centre) else centre
    details = dict(details or {})
    if client_id is not None:
        details[CLIENT_KEY] = client_id
    target_id = ""
    if target is not None:
        target_id = str(getattr(target, "public_id", None) or target.pk)
    return AuditEvent(
        actor_id=getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target_id,
        centre_id=centre_id,
        ip_address=_request_ip.get(),
        details=details,
    )


def record_event(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    centre: Centre | int | None = None,
    client: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one line to the audit log.

    `action` is a dotted code such as ``counselling.case.viewed``. The target is
    named by its model label and public id (or pk); the centre is taken from
    the target (or its case) when it has one, and so is the client it concerns
    (see `client_of`; pass `client`, a client or its pk, when the target cannot
    say). `details` must hold identifiers and codes, never a person's name or
    free text, so the log survives anonymisation.
    """
    event = _event(actor=actor, action=action, target=target, centre=centre, client=client, details=details)
    event.save()
    return event


def record_read(
    request: Any,
    target: models.Model,
    *,
    action: str | None = None,
    client: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """One read line for a page or a file that shows a client's personal data, written by the view that
    shows it (one line per request). The action defaults to ``<app>.<model>.viewed``."""
    return record_event(
        actor=request.user,
        action=action or f"{target._meta.label_lower}.viewed",
        target=target,
        client=client,
        details=details,
    )


def record_reads(request: Any, targets: Iterable[models.Model], *, action: str) -> list[AuditEvent]:
    """One read line per row of a list that shows people's personal data outside their centre (an
    employer's candidates), written in one query. Rows about no client are named by their target only."""
    events = [
        _event(actor=request.user, action=action, target=target, centre=None, client=None, details=None)
        for target in targets
    ]
    # bulk_create skips AuditEvent.save (which refuses updates only); the lines are new.
    return AuditEvent.objects.bulk_create(events) if events else []
