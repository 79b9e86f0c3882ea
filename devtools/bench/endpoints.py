"""What the benchmark measures: E1–E12 as the role that uses each, and the baselines B1–B5.

Each endpoint is a request (method, path, data) made by an actor found in the scale data (see
devtools/bench/seed.py for the e-mail addresses); `prepare(...)` looks the ids up once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from devtools.bench.seed import BIG_CASE_SESSIONS, EMAIL_DOMAIN, FOCUS_CENTRE

# Cross-script searches: Latin spellings that differ from the stored ones, and Arabic script.
SEARCHES = ["Muhammad Mansur", "محمد حداد", "Yusuf Al Jaburi"]

DESCRIPTIONS = {
    "E1": "caseload list, first page, filtered (counsellor)",
    "E2": f"case detail with {BIG_CASE_SESSIONS} sessions (counsellor)",
    "E3": "client search by name in the centre, cross-script (counsellor)",
    "E4": "client search by name, country-wide (counsellor in every centre of the country)",
    "E5": "log-session POST (counsellor)",
    "E6": "referral board (counsellor)",
    "E7": "partner inbox (partner user)",
    "E8": "public job-fair list (anonymous)",
    "E9": "public information page (anonymous), uncached",
    "E9c": "public information page (anonymous), cached",
    "E10": "centre dashboard for a year (centre manager)",
    "E11": "programme roll-up for a year, all countries (programme analyst)",
    "E12": "monthly centre PDF report: render time and peak memory of the worker",
    "B1": "bare Django view: no middleware, no database",
    "B2": "the same view behind the full middleware stack, signed in",
    "B3": "each endpoint's own SQL replayed with psycopg2 (the database floor)",
    "B4": "static file served by the same stack (WhiteNoise)",
    "B5": "Django admin changelist search on the client table (the bench's own admin site, administrator)",
}


@dataclass
class Endpoint:
    key: str
    actor: str  # e-mail, or "" for anonymous
    path: str
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)  # rotated through, when given
    expect: tuple[int, ...] = (200,)
    uncached_page: bool = False  # purge the public page cache before each request

    def path_for(self, number: int) -> str:
        return self.paths[number % len(self.paths)] if self.paths else self.path


def actor(role: str) -> str:
    code = FOCUS_CENTRE.lower()
    return {
        "counsellor": f"counsellor.{code}.1@{EMAIL_DOMAIN}",
        "manager": f"manager.{code}@{EMAIL_DOMAIN}",
        "coordinator": f"coordinator.{FOCUS_CENTRE[:2].lower()}@{EMAIL_DOMAIN}",
        "countrywide": f"countrywide.{FOCUS_CENTRE[:2].lower()}@{EMAIL_DOMAIN}",
        "analyst": f"analyst@{EMAIL_DOMAIN}",
        "partner": f"partner.1@{EMAIL_DOMAIN}",
        "admin": f"admin@{EMAIL_DOMAIN}",
    }[role]


def information_page_path() -> str:
    """The URL of a live English information page (deepest first), else the English home page."""
    from wagtail.models import Page

    pages = Page.objects.live().filter(locale__language_code="en", depth__gte=3).order_by("-depth", "path")
    for page in pages[:20]:
        url = page.get_url()
        if url:
            return url
    return "/en/"


def prepare(*, today: dt.date | None = None) -> dict[str, Endpoint]:
    """Every HTTP endpoint of the benchmark, with the ids of the scale data filled in."""
    from counselling.models import CaseFile
    from portal.access import unscoped
    from portal.models import Centre

    today = today or timezone.localdate()
    with unscoped():
        centre = Centre.objects.get(code=FOCUS_CENTRE)
        big_case = CaseFile.objects.get(client__code=f"{FOCUS_CENTRE[:2]}-{FOCUS_CENTRE}-000001")
        open_case = (
            CaseFile.objects.filter(centre=centre, status="active").exclude(pk=big_case.pk).order_by("pk").first()
        )
    search_paths = [f"/en/staff/cases/?q={q}" for q in SEARCHES]
    now = timezone.localtime().replace(second=0, microsecond=0)
    year = f"period=year&year={today.year}"
    endpoints = [
        Endpoint("E1", actor("counsellor"), "/en/staff/cases/?status=active"),
        Endpoint("E2", actor("counsellor"), f"/en/staff/cases/{big_case.public_id}/"),
        Endpoint("E3", actor("counsellor"), "", paths=search_paths),
        Endpoint("E4", actor("countrywide"), "", paths=search_paths),
        Endpoint(
            "E5",
            actor("counsellor"),
            f"/en/staff/cases/{open_case.public_id}/sessions/new/" if open_case else "",
            method="POST",
            data={
                "held_at": now.strftime("%Y-%m-%d %H:%M"),
                "duration_minutes": "45",
                "mode": "in_person",
                "kind": "individual",
                "topics": ["labour_market"],
                "summary": "Benchmark session.",
            },
            expect=(302,),
        ),
        Endpoint("E6", actor("counsellor"), "/en/staff/referrals/"),
        Endpoint("E7", actor("partner"), "/en/partner/referrals/"),
        Endpoint("E8", "", "/en/jobfairs/"),
        Endpoint("E9", "", information_page_path(), uncached_page=True),
        Endpoint("E9c", "", information_page_path()),
        Endpoint("E10", actor("manager"), f"/en/staff/reports/centre/{centre.public_id}/?{year}"),
        Endpoint("E11", actor("analyst"), f"/en/staff/reports/programme/?{year}"),
        Endpoint("B2", actor("counsellor"), "/bench/bare/"),
        Endpoint("B4", "", ""),
        Endpoint(
            "B5",
            actor("admin"),
            "",
            paths=[f"/bench-admin/counselling/client/?q={q}" for q in SEARCHES],
        ),
    ]
    return {e.key: e for e in endpoints}


ORDER_KEYS = [
    "B1", "B2", "B3", "B4", "B5", "E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E9c", "E10", "E11", "E12",
]  # fmt: skip
# Which baseline B5 compares with (the same search, without this product).
B5_COMPARES = ("E3", "E4")
