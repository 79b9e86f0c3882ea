"""Template tags of the referrals app: the referrals on a case page, and how a certificate link reads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template

from referrals import selectors

register = template.Library()


@register.inclusion_tag("referrals/_case_referrals.html", takes_context=True)
def case_referrals(context: template.Context, case: Any) -> dict[str, Any]:
    """The case page's referrals with their status and an online course's evidence (counselling's case page
    shows them without knowing the referrals app, which sits above it): one query, whatever their number."""
    request = context["request"]
    return {"case": case, "referrals": selectors.list_case_referrals(access=request.access, case=case)}


@register.filter
def link_host(url: str) -> str:
    """The site a link leads to (``badges.example.org``), shown next to it so that people see where it goes."""
    return urlsplit(url or "").hostname or ""
