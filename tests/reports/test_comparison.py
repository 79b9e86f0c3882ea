"""Comparison tables: a country's centres and the programme's countries side by side, suppressed, exported."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reports.periods import Period
from reports.selectors import Scope, get_comparison
from reports.suppression import COMPLEMENTARY, SMALL
from tests.factories import CaseFactory, CentreFactory, ClientFactory, CountryFactory, SessionFactory, UserFactory
from tests.reports.builders import at
from tests.reports.test_views import MARCH_Q, _url

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "March")
# The dashboard's queries (DASHBOARD_QUERIES in test_views; a country's also reads the country, its
# centres and the centres to drill down to) and three for the comparison: its columns, the counts of
# every column in one grouped query, the unique people of every column and the total in one; then "data as of".
COUNTRY_QUERIES = 13
PROGRAMME_QUERIES = 10


def _rebuild() -> None:
    from reports.services import rebuild_rollups

    rebuild_rollups(start=MARCH.start, end=MARCH.end)


def _counsel(centre, n: int, day: int = 10) -> None:
    user = UserFactory()
    for _ in range(n):
        case = CaseFactory(client=ClientFactory(centre=centre))
        SessionFactory(case=case, counsellor=user, held_at=at(MARCH.start.replace(day=day)))


def _row(comparison, code: str) -> list[str]:
    return [cell.display for cell in next(r for r in comparison.rows if r.key == code).cells]


def test_coordinator_sees_the_centres_of_the_country_side_by_side(client, coordinator, centre_a) -> None:
    centre_b = CentreFactory(country=centre_a.country, name="Zeta centre")
    _counsel(centre_a, 3)
    _counsel(centre_b, 21)
    _rebuild()
    scope = Scope("country", "GH", suppressed=True, centre_ids=(centre_a.pk, centre_b.pk))
    comparison = get_comparison(scope=scope, period=MARCH)
    assert comparison.columns == [centre_a.name, "Zeta centre"]
    # A's 3 show as <5; B's 21 is hidden too, or the total minus B would give A.
    assert _row(comparison, "people_counselled") == [SMALL, COMPLEMENTARY, "25"]
    assert _row(comparison, "sessions_held") == [SMALL, COMPLEMENTARY, "25"]
    client.force_login(coordinator.user)
    page = client.get(_url("country-dashboard", code=centre_a.country_id), MARCH_Q).content.decode()
    assert "Centres side by side" in page and "Zeta centre" in page


def test_no_row_of_a_comparison_lets_a_small_cell_be_worked_out(db) -> None:
    """Every pattern of small and large centres: one hidden cell alone never sits beside a shown total."""
    country = CountryFactory(code="RS")
    centres = [CentreFactory(country=country) for _ in range(3)]
    patterns = list(itertools.product([0, 2, 6, 30], repeat=3))[:24]
    for day, counts in enumerate(patterns, start=1):
        for centre, n in zip(centres, counts, strict=True):
            _counsel(centre, n, day=day)
    _rebuild()
    scope = Scope("country", "RS", suppressed=True, centre_ids=tuple(c.pk for c in centres))
    for day, counts in enumerate(patterns, start=1):
        period = Period(MARCH.start.replace(day=day), MARCH.start.replace(day=day), "")
        cells = next(r for r in get_comparison(scope=scope, period=period).rows if r.key == "sessions_held").cells
        *columns, total = cells
        if not total.hidden:
            assert sum(c.hidden for c in columns) != 1, counts
        assert [c.display == SMALL for c in columns] == [0 < n < 5 for n in counts], counts


def test_a_person_counselled_in_two_centres_counts_in_both_columns_and_once_in_the_total(centre_a) -> None:
    centre_b = CentreFactory(country=centre_a.country)
    shared = ClientFactory(centre=centre_a)
    user = UserFactory()
    SessionFactory(
        case=CaseFactory(client=shared, status="closed", closed_on=MARCH.start, closure_reason="transferred"),
        counsellor=user,
        held_at=at(MARCH.start),
    )
    SessionFactory(case=CaseFactory(client=shared, centre=centre_b), counsellor=user, held_at=at(MARCH.end))
    _rebuild()
    scope = Scope("country", "GH", suppressed=False, centre_ids=(centre_a.pk, centre_b.pk))
    comparison = get_comparison(scope=scope, period=MARCH)
    assert _row(comparison, "people_counselled")[-1] == "1"
    assert sorted(_row(comparison, "people_counselled")[:-1]) == ["1", "1"]


def test_analyst_sees_the_countries_side_by_side(client, analyst, centre_a) -> None:
    serbia = CentreFactory(country=CountryFactory(code="RS"))
    _counsel(centre_a, 12)
    _counsel(serbia, 30)
    _rebuild()
    comparison = get_comparison(scope=Scope("programme", "all", suppressed=True), period=MARCH)
    assert comparison.columns == ["Ghana", "Serbia"]
    assert _row(comparison, "people_counselled") == ["10", "30", "40"]
    client.force_login(analyst.user)
    page = client.get(_url("programme-dashboard"), MARCH_Q).content.decode()
    assert "Countries side by side" in page and "Serbia" in page


def test_a_centre_dashboard_has_no_comparison(client, manager, centre_a) -> None:
    assert get_comparison(scope=Scope("centre", "A", suppressed=False, centre_ids=(centre_a.pk,)), period=MARCH) is None
    client.force_login(manager.user)
    page = client.get(_url("centre-dashboard", public_id=centre_a.public_id), MARCH_Q).content.decode()
    assert "side by side" not in page


def test_csv_and_xlsx_hold_the_comparison_with_the_same_numbers(client, analyst, centre_a) -> None:
    _counsel(centre_a, 12)
    _counsel(CentreFactory(country=CountryFactory(code="RS")), 3)
    _rebuild()
    client.force_login(analyst.user)
    text = client.get(_url("programme-export", fmt="csv"), MARCH_Q).content.decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    start = next(i for i, row in enumerate(rows) if row[:2] == ["Code", "Countries side by side"])
    assert rows[start][2:] == ["Ghana", "Serbia", "Total"]
    compared = {row[0]: row[2:] for row in rows[start + 1 :]}
    assert compared["people_counselled"] == [COMPLEMENTARY, SMALL, "15"]  # 12 hidden, or 15 − 12 gives 3
    workbook = load_workbook(io.BytesIO(client.get(_url("programme-export", fmt="xlsx"), MARCH_Q).content))
    sheet = workbook["Comparison"]
    values = {row[0]: [str(v) for v in row[2:]] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values == compared


def test_country_pdf_has_the_comparison(coordinator, centre_a, django_capture_on_commit_callbacks) -> None:
    from reports.models import BuildStatus
    from tests.reports.test_builds import _request, pdf_text

    CentreFactory(country=centre_a.country, name="Zeta centre")
    _counsel(centre_a, 6)
    _rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        build = _request(coordinator, scope_kind="country", scope_key=centre_a.country_id)
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE, build.error
    text = pdf_text(build.file.path)
    assert "Centres side by side" in text and "Zeta centre" in text


@pytest.mark.parametrize("kind", ["country", "programme"])
def test_comparison_query_count_is_flat_in_the_number_of_columns(client, coordinator, analyst, centre_a, kind) -> None:
    persona, expected = (coordinator, COUNTRY_QUERIES) if kind == "country" else (analyst, PROGRAMME_QUERIES)
    url = _url("country-dashboard", code=centre_a.country_id) if kind == "country" else _url("programme-dashboard")
    client.force_login(persona.user)
    client.get(url, MARCH_Q)  # the first request of a session writes it once
    counts = set()
    codes = iter(["EG", "AL", "GM", "IQ", "JO", "XK", "MA", "NG", "PK", "SN", "RS", "TN", "ID"])
    for extra in (1, 12):
        for i in range(extra):
            country = centre_a.country if kind == "country" else CountryFactory(code=next(codes))
            _counsel(CentreFactory(country=country), 1 + i % 7)
        _rebuild()
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, MARCH_Q)
        assert response.status_code == 200
        counts.add(len(context.captured_queries))
        assert len(response.context["comparison"].columns) > extra
    assert counts == {expected}, "\n".join(q["sql"] for q in context.captured_queries)
