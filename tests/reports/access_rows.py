"""Access-matrix rows of the report URLs (merged by tests/test_access_matrix.py)."""

from __future__ import annotations

import pytest

from tests.access import only

REPORTERS = ["centre_manager", "country_coordinator", "programme_analyst"]
COUNTRY_READERS = ["country_coordinator", "programme_analyst"]


def centre_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": request.getfixturevalue("centre_a").public_id}


def country_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"code": request.getfixturevalue("country_a").code}


def _csv(factory):
    return lambda request: {**(factory(request) if factory else {}), "fmt": "csv"}


ROWS = {
    "reports:dashboard": (None, only(REPORTERS, 302)),
    "reports:indicator-list": (None, only(REPORTERS)),
    "reports:centre-dashboard": (centre_kwargs, only(REPORTERS)),
    "reports:centre-export": (_csv(centre_kwargs), only(REPORTERS)),
    "reports:country-dashboard": (country_kwargs, only(COUNTRY_READERS)),
    "reports:country-export": (_csv(country_kwargs), only(COUNTRY_READERS)),
    "reports:programme-dashboard": (None, only(["programme_analyst"])),
    "reports:programme-export": (_csv(None), only(["programme_analyst"])),
}


def _build_kwargs(request: pytest.FixtureRequest) -> dict:
    """A finished, suppressed report of centre A: every reader of that centre may open it."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from reports.models import ReportBuild

    build = ReportBuild(
        scope_kind="centre",
        centre=request.getfixturevalue("centre_a"),
        suppressed=True,
        period_kind="month",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        language="en",
        status="done",
        progress=100,
    )
    build.file.save("report.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    return {"public_id": build.public_id}


ROWS.update(
    {
        "reports:centre-build-request": (centre_kwargs, only(REPORTERS)),
        "reports:centre-build-list": (centre_kwargs, only(REPORTERS)),
        "reports:country-build-request": (country_kwargs, only(COUNTRY_READERS)),
        "reports:country-build-list": (country_kwargs, only(COUNTRY_READERS)),
        "reports:programme-build-request": (None, only(["programme_analyst"])),
        "reports:programme-build-list": (None, only(["programme_analyst"])),
        "reports:build-detail": (_build_kwargs, only(REPORTERS)),
        "reports:build-download": (_build_kwargs, only(REPORTERS)),
    }
)
