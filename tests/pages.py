"""The pages of the access matrix each role may open: what the bidi and the reflow tests walk.

A "page" is a row of tests/test_access_matrix.py (MATRIX or a third-party GROUP) that answers 200 to
the role and is HTML meant to be read in a browser; downloads (CSV, PDF, JSON, .ics, files) are left
out, they have their own tests.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import translation

from tests.test_access_matrix import GROUPS, MATRIX

# Rows that answer 200 with a file or data, not a page.
NOT_PAGES = frozenset(
    {
        "healthz",
        "cms:sitemap",
        "cms:robots",
        "portal:processing-csv",
        "counselling:document-download",
        "referrals:referral-slip",
        "counselling:dsr-export-json",
        "counselling:dsr-export-pdf",
        "jobfairs:booking-ics",
        "jobfairs:candidate-cv",
        "reports:centre-export",
        "reports:country-export",
        "reports:programme-export",
        "reports:build-download",
        "returnees:cv-download",
        "returnees:data-json",
        "returnees:data-pdf",
    }
)

Factory = Callable[[pytest.FixtureRequest], dict] | None


def pages_for(role: str) -> list[tuple[str, Factory]]:
    """Every page (URL name, kwargs factory) the role opens with a 200, in matrix order."""
    rows: list[tuple[str, Factory]] = [
        (name, factory) for name, (factory, statuses) in MATRIX.items() if statuses[role] == 200
    ]
    rows += [(name, None) for group in GROUPS.values() for name, statuses in group if statuses[role] == 200]
    return [(name, factory) for name, factory in rows if name not in NOT_PAGES]


def page_url(name: str, factory: Factory, request: pytest.FixtureRequest, *, language: str) -> str:
    """The page's path in `language`, with the rows its factory makes."""
    arguments = factory(request) if factory else {}
    with translation.override(language):
        return reverse(name, args=arguments.pop("args", None), kwargs=arguments or None)
