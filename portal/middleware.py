"""Request context for the audit log, session activity, and the staff second-factor requirement."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.functional import SimpleLazyObject

from portal.access import get_access
from portal.audit import reset_request_ip, set_request_ip
from portal.http import client_ip


class RequestContextMiddleware:
    """Attach `request.access` (lazy, one query) and remember the client IP for audit lines."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.access = SimpleLazyObject(lambda: get_access(request.user))  # type: ignore[attr-defined]
        token = set_request_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_request_ip(token)


# Directives that let a shared cache keep a response, or a browser keep it after the session ended.
_KEEPABLE = frozenset({"public", "s-maxage", "immutable", "stale-while-revalidate", "stale-if-error"})


class PrivateCacheControlMiddleware:
    """No cache keeps an answer given to a signed-in person: every such response is ``private, no-store``.

    Signed-in pages, exports, PDFs and files carry personal data (a case, a referral, a candidate list, the
    person's own profile); a proxy, a shared computer's browser cache or the back button after signing out
    must not hand them on. A view's own caching (``public``, ``max-age``) is overruled for signed-in people.
    Anonymous answers keep what the view said (the public page cache in cms/cache.py marks the information
    pages ``public``); an anonymous answer that says nothing (a partner's link, a form) gets ``private,
    no-store`` too, so that only what was meant to be cached ever is. Sits above the early page cache, whose
    anonymous hits pass through unchanged, and below WhiteNoise (static files stay cacheable).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # absent on an early page-cache hit: anonymous
        if user is not None and user.is_authenticated:
            _never_store(response)
        elif not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


def _never_store(response: HttpResponse) -> None:
    """Make `response` ``private, no-store``, keeping only directives that ask for less caching."""
    kept = []
    for directive in response.get("Cache-Control", "").split(","):
        name, _sep, value = directive.strip().partition("=")
        name = name.strip().lower()
        if not name or name in _KEEPABLE or name in ("private", "no-store"):
            continue
        if name == "max-age" and value.strip() != "0":
            continue
        kept.append(directive.strip())
    response["Cache-Control"] = ", ".join(["private", "no-store", *kept])


# How often a signed-in request refreshes the session's expiry and its "last seen" row.
SESSION_TOUCH_SECONDS = 60
_TOUCHED = "_touched"


class SessionActivityMiddleware:
    """Keep a signed-in session alive and its "last seen" row current, at most once a minute.

    Stands in for ``SESSION_SAVE_EVERY_REQUEST`` and allauth's ``UserSessionsMiddleware``,
    which wrote both rows on every request (8 of the 12 queries of a signed-in page, savepoints included).
    A session still ends 30 idle minutes after its last refresh (SESSION_COOKIE_AGE), so at
    most a minute early; a new IP address or browser is recorded at once, not a minute later.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.session.session_key:
            self._touch(request)
        return self.get_response(request)

    @staticmethod
    def _touch(request: HttpRequest) -> None:
        from allauth.usersessions.models import UserSession

        client = f"{client_ip(request) or ''}|{request.META.get('HTTP_USER_AGENT', '')}"
        fingerprint = hashlib.blake2s(client.encode(), digest_size=8).hexdigest()
        now = int(time.time())
        touched_at, seen_from = request.session.get(_TOUCHED) or (0, "")
        if now - touched_at < SESSION_TOUCH_SECONDS and seen_from == fingerprint:
            return
        UserSession.objects.create_from_request(request)
        request.session[_TOUCHED] = (now, fingerprint)  # modified: the session is saved with a new expiry


# Views a staff member without a second factor may still reach: signing in
# and out, setting the factor up, and switching language.
MFA_SETUP_ALLOWED = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reauthenticate",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_list_webauthn",
        "mfa_add_webauthn",
        "mfa_reauthenticate_webauthn",
        "set_language",
        "healthz",
        "invitation-accept",
    }
)


SECOND_FACTORS = ("totp", "webauthn")


class RequireStaffMFAMiddleware:
    """Send a signed-in staff member without a second factor (TOTP or a security key) to set one up first.

    allauth's MFA app has no switch that makes a second factor mandatory, so
    this middleware enforces it for every user with a membership (and
    superusers).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args: Any, kwargs: Any) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.url_name in MFA_SETUP_ALLOWED or request.path.startswith("/static/"):
            return None
        if not request.access.requires_mfa:  # type: ignore[attr-defined]
            return None
        from allauth.mfa.models import Authenticator

        # An authenticator app or a security key / passkey; recovery codes alone are no second factor.
        if Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists():
            return None
        return HttpResponseRedirect(reverse("mfa_activate_totp"))


# Wagtail's admin still renders a few inline scripts without a nonce (date pickers in its
# filters). Inside /cms-admin/ only, and only for signed-in staff with a second factor,
# inline scripts and styles are allowed; everything else keeps the strict, nonce-based policy.
CMS_ADMIN_CSP = {
    **settings.SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
}


class CMSAdminCSPMiddleware:
    """Give the Wagtail admin the policy it can work with (see CMS_ADMIN_CSP)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/cms-admin/"):
            response._csp_config = CMS_ADMIN_CSP  # type: ignore[attr-defined]
        return response
