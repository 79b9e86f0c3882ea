"""Audit receivers for authentication events: signing in and out, failed passwords and codes, and every change
to what lets a person in (password, second factors, e-mail addresses).

Lines name the account (the target) and the kind of factor, never the address or code typed: a mistyped
address may be someone else's personal data. The client IP comes from the request context, like every line.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from portal.audit import PortalAudit, record_event


def _actor(request: Any, user: Any) -> Any:
    """The person acting: `user` when they are signed in as themselves; nobody while a sign-in is pending or
    for a reset link (whoever holds the link or the password has not proven the whole sign-in yet)."""
    current = getattr(request, "user", None)
    return user if current is not None and current.is_authenticated and current.pk == user.pk else None


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=user, action=PortalAudit.USER_LOGGED_IN, target=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(actor=user, action=PortalAudit.USER_LOGGED_OUT, target=user)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # The attempted address is not stored: it may be mistyped personal data of someone else.
    record_event(actor=None, action=PortalAudit.USER_LOGIN_FAILED)


@receiver(account_signals.login_code_rejected)
def audit_login_code_rejected(sender: Any, request: Any, user: Any, last_attempt: bool = False, **kwargs: Any) -> None:
    record_event(
        actor=None, action=PortalAudit.USER_LOGIN_CODE_REJECTED, target=user, details={"last_attempt": last_attempt}
    )


@receiver(account_signals.password_changed)
def audit_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=_actor(request, user), action=PortalAudit.USER_PASSWORD_CHANGED, target=user)


@receiver(account_signals.password_set)
def audit_password_set(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=_actor(request, user), action=PortalAudit.USER_PASSWORD_SET, target=user)


@receiver(account_signals.password_reset)
def audit_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=_actor(request, user), action=PortalAudit.USER_PASSWORD_RESET, target=user)


@receiver(account_signals.email_added)
def audit_email_added(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=_actor(request, user), action=PortalAudit.USER_EMAIL_ADDED, target=user)


@receiver(account_signals.email_removed)
def audit_email_removed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=_actor(request, user), action=PortalAudit.USER_EMAIL_REMOVED, target=user)


@receiver(account_signals.email_changed)
def audit_primary_email_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=_actor(request, user), action=PortalAudit.USER_PRIMARY_EMAIL_CHANGED, target=user)


def _factor(authenticator: Any) -> dict[str, Any]:
    return {"type": authenticator.type}  # totp, webauthn or recovery_codes


@receiver(mfa_signals.authenticator_added)
def audit_authenticator_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    record_event(
        actor=_actor(request, user),
        action=PortalAudit.MFA_AUTHENTICATOR_ADDED,
        target=user,
        details=_factor(authenticator),
    )


@receiver(mfa_signals.authenticator_removed)
def audit_authenticator_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    record_event(
        actor=_actor(request, user),
        action=PortalAudit.MFA_AUTHENTICATOR_REMOVED,
        target=user,
        details=_factor(authenticator),
    )


@receiver(mfa_signals.authenticator_reset)
def audit_authenticator_reset(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    """Recovery codes generated anew: the old ones stop working."""
    record_event(
        actor=_actor(request, user),
        action=PortalAudit.MFA_AUTHENTICATOR_RESET,
        target=user,
        details=_factor(authenticator),
    )


@receiver(mfa_signals.authentication_failed)
def audit_second_factor_failed(
    sender: Any, request: Any, user: Any, authenticator: Any, reauthentication: bool = False, **kwargs: Any
) -> None:
    """A wrong second-factor code, at sign-in (the password was right) or when confirming who one is."""
    record_event(
        actor=_actor(request, user),
        action=PortalAudit.MFA_CODE_REJECTED,
        target=user,
        details={**_factor(authenticator), "reauthentication": reauthentication},
    )
