"""The audit log's entry points: `record_event` for every write, `record_read` for every page or file that
shows a client's personal data.

Every line about a client names the client (``details["client"]``, the client's primary key), so the log
answers "who saw or changed this client?" whatever the line's target is: the client, a case, a session, a
document, a referral, a fair registration. The path from a target to its client is declared once per model,
beside its record of processing (`portal.dataprotection.Processing.client`), so the portal never imports a
domain app. The search by client code asks the app that holds the clients (`register_client_finder`).

Every action code is declared once, with its translated label, in its app's ``audit.py`` (a `TextChoices`
class, the portal's own is `PortalAudit` below) and registered in the app's `AppConfig.ready` through
`register_actions`. Call sites pass the enum members; `record_event` refuses a code nobody registered, and
the audit search screen shows and offers the labels (`action_label`, `action_choices`). Codes never change:
lines written years ago keep their meaning; a code no longer registered shows as itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import pgettext_lazy

from portal.models import AuditEvent, Centre

_request_ip: ContextVar[str | None] = ContextVar("portal_request_ip", default=None)

# The key of `AuditEvent.details` that names the client a line is about.
CLIENT_KEY = "client"

# Who turns a client code into what the audit search looks for: the client's primary key (`CLIENT_KEY`) and
# the target ids of lines written before lines named their client. The app that holds the clients registers
# it in its AppConfig.ready (counselling: `find_client_for_audit`); None means no client has the code.
ClientFinder = Callable[[str], "tuple[int, list[str]] | None"]
_client_finders: list[ClientFinder] = []


def register_client_finder(finder: ClientFinder) -> None:
    """Let the audit search find a client's lines by the client's code (see `find_client`)."""
    if finder not in _client_finders:
        _client_finders.append(finder)


def find_client(code: str) -> tuple[int, list[str]] | None:
    """The client's primary key and the target ids of the lines about them, or None for an unknown code."""
    for finder in _client_finders:
        found = finder(code)
        if found is not None:
            return found
    return None


class PortalAudit(models.TextChoices):
    """The portal's own audit action codes: sign-in, accounts, staff invitations, countries and centres, the
    audit search."""

    ACCOUNT_ADDRESS_RELEASED = (
        "portal.account.address_released",
        pgettext_lazy("audit action", "Unproven address released"),
    )
    AUDIT_SEARCHED = "portal.audit.searched", pgettext_lazy("audit action", "Audit log searched")
    CENTRE_CREATED = "portal.centre.created", pgettext_lazy("audit action", "Centre created")
    CENTRE_UPDATED = "portal.centre.updated", pgettext_lazy("audit action", "Centre changed")
    COUNTRY_CREATED = "portal.country.created", pgettext_lazy("audit action", "Country created")
    COUNTRY_UPDATED = "portal.country.updated", pgettext_lazy("audit action", "Country changed")
    INVITATION_ACCEPTED = "portal.invitation.accepted", pgettext_lazy("audit action", "Invitation accepted")
    MFA_AUTHENTICATOR_ADDED = "portal.mfa.authenticator_added", pgettext_lazy("audit action", "Sign-in factor added")
    MFA_AUTHENTICATOR_REMOVED = (
        "portal.mfa.authenticator_removed",
        pgettext_lazy("audit action", "Sign-in factor removed"),
    )
    MFA_AUTHENTICATOR_RESET = "portal.mfa.authenticator_reset", pgettext_lazy("audit action", "Sign-in factor reset")
    MFA_CODE_REJECTED = "portal.mfa.code_rejected", pgettext_lazy("audit action", "Second-factor code rejected")
    STAFF_INVITED = "portal.staff.invited", pgettext_lazy("audit action", "Staff member invited")
    STAFF_MEMBERSHIP_ENDED = "portal.staff.membership_ended", pgettext_lazy("audit action", "Staff role ended")
    USER_EMAIL_ADDED = "portal.user.email_added", pgettext_lazy("audit action", "E-mail address added")
    USER_EMAIL_REMOVED = "portal.user.email_removed", pgettext_lazy("audit action", "E-mail address removed")
    USER_LANGUAGE_CHANGED = "portal.user.language_changed", pgettext_lazy("audit action", "Language changed")
    USER_TIME_ZONE_CHANGED = "portal.user.time_zone_changed", pgettext_lazy("audit action", "Time zone changed")
    USER_LOGGED_IN = "portal.user.logged_in", pgettext_lazy("audit action", "Signed in")
    USER_LOGGED_OUT = "portal.user.logged_out", pgettext_lazy("audit action", "Signed out")
    USER_LOGIN_CODE_REJECTED = "portal.user.login_code_rejected", pgettext_lazy("audit action", "Sign-in code rejected")
    USER_LOGIN_FAILED = "portal.user.login_failed", pgettext_lazy("audit action", "Sign-in failed")
    USER_PASSWORD_CHANGED = "portal.user.password_changed", pgettext_lazy("audit action", "Password changed")
    USER_PASSWORD_RESET = "portal.user.password_reset", pgettext_lazy("audit action", "Password reset")
    USER_PASSWORD_SET = "portal.user.password_set", pgettext_lazy("audit action", "Password set")
    USER_PRIMARY_EMAIL_CHANGED = (
        "portal.user.primary_email_changed",
        pgettext_lazy("audit action", "Primary e-mail address changed"),
    )


# Every registered action code and the member that declares it (its `.label` is the translated label).
_actions: dict[str, models.TextChoices] = {}


def register_actions(*declarations: type[models.TextChoices]) -> None:
    """Declare audit action codes (each app's `TextChoices` of codes and labels, from its AppConfig.ready).

    Registering the same class again is harmless; one code declared by two classes is a programming error.
    """
    for declaration in declarations:
        for member in declaration:
            known = _actions.setdefault(member.value, member)
            if known is not member:
                raise ImproperlyConfigured(
                    f"audit action {member.value!r} is declared twice: {type(known).__qualname__} and "
                    f"{declaration.__qualname__}"
                )


def is_registered(action: str) -> bool:
    return action in _actions


def action_label(action: str) -> str:
    """The translated label of an action code; a code no longer registered (an old line) shows as itself."""
    member = _actions.get(action)
    return str(member.label) if member is not None else action


def action_choices() -> list[tuple[str, str]]:
    """Every registered code with its translated label, in code order (so grouped by app)."""
    return [(code, str(member.label)) for code, member in sorted(_actions.items())]


def _require_registered(action: str) -> None:
    if action not in _actions:
        raise ValueError(
            f"unregistered audit action {action!r}: declare it in its app's audit.py and register it in the "
            "app's AppConfig.ready (portal.audit.register_actions)"
        )


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
    from portal.dataprotection import declaration_for

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
    free text, so the log survives anonymisation. An unregistered `action` raises
    ValueError (see `register_actions`).
    """
    _require_registered(action)
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
    shows it (one line per request). The action defaults to ``<app>.<model>.viewed`` (registered like any
    other code: call sites name it, e.g. ``CounsellingAudit.CLIENT_VIEWED``)."""
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
    _require_registered(action)
    events = [
        _event(actor=request.user, action=action, target=target, centre=None, client=None, details=None)
        for target in targets
    ]
    # bulk_create skips AuditEvent.save (which refuses updates only); the lines are new.
    return AuditEvent.objects.bulk_create(events) if events else []
