"""The client's address (the one place that decides which IP address a request came from), and the name of
the message cookie.

Behind the nginx of DEPLOYMENT.md every request reaches gunicorn from 127.0.0.1, so ``REMOTE_ADDR`` alone
would make every per-IP rate limit shared by everyone and every audit line say 127.0.0.1. Each trusted proxy
appends the address it saw to ``X-Forwarded-For``; with ``TRUSTED_PROXY_COUNT`` proxies in front of the
portal, the client is the entry that many places from the end. Entries further left were written by the
client and are never believed, and with no trusted proxy (the default) the header is not read at all.

Rate limits (allauth's through `portal.adapters.AccountAdapter.get_client_ip`, the appointment form's),
allauth's session list and the audit log (`portal.middleware.RequestContextMiddleware`) all ask here.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest

if TYPE_CHECKING:
    from portal.access import Access
    from portal.models import User


class PortalRequest(HttpRequest):
    """A request as the portal's middleware leaves it, for views' type hints only (never instantiated):
    `access` is the user's scope (`portal.middleware.RequestContextMiddleware`, every request)."""

    access: Access


class AuthenticatedRequest(PortalRequest):
    """A request in a view that only signed-in users reach (`login_required`, `role_required`, `returnee_only`):
    `user` is a `User`, never the anonymous one."""

    user: User


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent `request`: the ``X-Forwarded-For`` entry written by the outermost
    trusted proxy when ``TRUSTED_PROXY_COUNT`` is set, else ``REMOTE_ADDR``; None when neither is an address.

    A request with fewer forwarded entries than trusted proxies did not pass through all of them (a local
    health check): its own ``REMOTE_ADDR`` is used.
    """
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0:
        hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
        if len(hops) >= trusted:
            forwarded = _address(hops[-trusted])
            if forwarded is not None:
                return forwarded
    return _address(request.META.get("REMOTE_ADDR", ""))


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


class HostCookieStorage(CookieStorage):
    """Django's message cookie under ``MESSAGES_COOKIE_NAME`` (``__Host-messages`` with HTTPS), like the
    session and CSRF cookies; Django fixes its name in the class."""

    @property
    def cookie_name(self) -> str:  # type: ignore[override]
        return settings.MESSAGES_COOKIE_NAME


class MessageStorage(FallbackStorage):
    """Django's default message storage (a cookie, then the session for what does not fit), renamed."""

    storage_classes = (HostCookieStorage, SessionStorage)
