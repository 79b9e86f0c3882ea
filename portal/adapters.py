"""allauth adapters: where people land after signing in, and who may sign up."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from portal.access import get_access


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Returnees sign up themselves; staff come only by invitation (see portal.services)."""
        return True

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if get_access(request.user).has_membership:
            return reverse("portal:staff-home")
        return reverse("portal:me")
