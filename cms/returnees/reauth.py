"""Recent re-authentication before the returnee's most sensitive pages (download all data, delete the account).

allauth re-authenticates with a password or a second factor. A returnee who
signed up with a phone number alone has neither, and allauth would let them
through unasked; so they confirm with a fresh SMS code instead, recorded the
same way allauth records its re-authentications.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.core.internal.cryptokit import compare_user_code
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from portal.http import AuthenticatedRequest

SESSION_KEY = "returnees_reauth_code"
CODE_TIMEOUT = 5 * 60
MAX_ATTEMPTS = 3


def recently_reauthenticated(request: HttpRequest) -> bool:
    """A password, second-factor or SMS re-authentication within ACCOUNT_REAUTHENTICATION_TIMEOUT."""
    records = [r for r in get_authentication_records(request, request.user) if r.get("reauthenticated")]
    return bool(records) and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT


def uses_sms(user: Any) -> bool:
    """Whether the person re-authenticates by SMS code: no password, a verified phone number."""
    return not user.has_usable_password() and bool(user.phone) and user.phone_verified


def reauthentication_url(request: HttpRequest) -> str:
    name = "returnees:reauthenticate" if uses_sms(request.user) else "account_reauthenticate"
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


def recent_reauthentication_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not recently_reauthenticated(request):
            return HttpResponseRedirect(reauthentication_url(request))
        return view(request, *args, **kwargs)

    return wrapped


def start(request: HttpRequest, code: str) -> None:
    request.session[SESSION_KEY] = {"code": code, "at": time.time(), "attempts": 0}


def has_pending(request: HttpRequest) -> bool:
    state = request.session.get(SESSION_KEY)
    return state is not None and time.time() - state["at"] <= CODE_TIMEOUT


def check(request: AuthenticatedRequest, code: str) -> bool:
    """Compare an entered code; three wrong tries or an old code end the attempt."""
    state = request.session.get(SESSION_KEY)
    if not state or time.time() - state["at"] > CODE_TIMEOUT:
        request.session.pop(SESSION_KEY, None)
        return False
    if compare_user_code(actual=code, expected=state["code"]):
        request.session.pop(SESSION_KEY, None)
        record_authentication(request, request.user, method="code", phone=request.user.phone, reauthenticated=True)
        return True
    state["attempts"] += 1
    if state["attempts"] >= MAX_ATTEMPTS:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = state
    return False
