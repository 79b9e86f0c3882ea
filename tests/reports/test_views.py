"""Dashboards and exports: scopes, suppression, bad input, query counts, no names."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from reports.periods import Period
from reports.selectors import Scope, get_report
from reports.suppression import COMPLEMENTARY, SMALL, suppress
from tests.audit import assert_audited
from tests.factories import CaseFactory, CentreFactory, ClientFactory, SessionFactory, UserFactory
from tests.reports.builders import at

# Session, user, memberships and MFA (the page's furniture), then two for the report:
# the counts of every period in one grouped query, and the unique people of every period in one;
# then three for the countries side by side (see test_comparison); then one for "data as of".
DASHBOARD_QUERIES = 10
MARCH_Q = {"period": "month", "year": "2026", "month": "3"}


def _rebuild() -> None:
    from reports.services import rebuild_rollups

    rebuild_rollups(start=dt.date(2025, 1, 1), end=dt.date(2026, 6, 30))


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"reports:{name}", kwargs=kwargs)


# --- Suppression ----------------------------------------------------------------------------------------


def test_small_cells_show_as_less_than_five() -> None:
    total, cells = suppress(22, [0, 3, 8, 11])
    assert [c.display for c in cells] == ["0", SMALL, COMPLEMENTARY, "10"]
    assert total.display == "20"  # rounded to the nearest 5


def test_small_total_is_suppressed() -> None:
    total, cells = suppress(4, [3, 1, 0])
    assert total.display == SMALL
    assert [c.display for c in cells] == [SMALL, SMALL, "0"]


def test_two_small_cells_need_no_complementary_cell() -> None:
    _total, cells = suppress(18, [2, 3, 13])
    assert [c.display for c in cells] == [SMALL, SMALL, "15"]


def test_subtraction_attack_cannot_recover_a_small_cell() -> None:
    """Whatever the table, total minus the shown cells never isolates one suppressed cell."""
    import itertools

    for counts in itertools.product([0, 1, 3, 4, 5, 7, 30], repeat=3):
        total, cells = suppress(sum(counts), list(counts))
        if total.hidden:
            assert all(c.hidden or c.count == 0 for c in cells)
            continue
        hidden = [c for c in cells if c.hidden]
        assert len(hidden) != 1, counts  # one hidden cell = total minus the others


def test_country_view_cannot_be_subtracted(client, coordinator, centre_a) -> None:
    """3 women and 10 men counselled: the women show as <5, the men are hidden too, the total is rounded."""
    user = UserFactory()
    for sex, n in (("female", 3), ("male", 10)):
        for _ in range(n):
            SessionFactory(
                case=CaseFactory(client=ClientFactory(centre=centre_a, sex=sex)),
                counsellor=user,
                held_at=at(dt.date(2026, 3, 10)),
            )
    _rebuild()
    scope = Scope("country", "GH", suppressed=True, centre_ids=(centre_a.pk,))
    report = get_report(scope=scope, periods=[Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "")])
    people = next(r for r in report.results if r.indicator.code == "people_counselled")
    by_sex = {str(row.label): row.cells[0].display for row in people.breakdowns[0].rows}
    assert people.total[0].display == "15"
    assert by_sex["Female"] == SMALL and by_sex["Male"] == COMPLEMENTARY
    client.force_login(coordinator.user)
    page = client.get(_url("country-dashboard", code="GH"), MARCH_Q).content.decode()
    assert "&lt;5" in page and COMPLEMENTARY in page
    csv_text = client.get(_url("country-export", code="GH", fmt="csv"), MARCH_Q).content.decode()
    assert ",10," not in csv_text and ",3," not in csv_text and ",13," not in csv_text


def test_country_total_minus_other_centres_does_not_give_a_small_centre(client, coordinator, centre_a) -> None:
    """Centre A counselled 3 people, centre B 21: the country page and B's page, subtracted, leave A unknown."""
    centre_b = CentreFactory(country=centre_a.country)
    user = UserFactory()
    for centre, n in ((centre_a, 3), (centre_b, 21)):
        for _ in range(n):
            SessionFactory(
                case=CaseFactory(client=ClientFactory(centre=centre)), counsellor=user, held_at=at(dt.date(2026, 3, 10))
            )
    _rebuild()
    periods = [Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "")]

    def people(centre_ids: tuple[int, ...]) -> str:
        report = get_report(scope=Scope("x", "", suppressed=True, centre_ids=centre_ids), periods=periods)
        return next(r for r in report.results if r.indicator.code == "people_counselled").total[0].display

    country, shown_b, shown_a = people((centre_a.pk, centre_b.pk)), people((centre_b.pk,)), people((centre_a.pk,))
    assert shown_a == SMALL

    def rounds(n: int) -> str:
        return str(5 * ((n + 2) // 5))

    candidates = {a for a in range(1, 5) for b in range(5, 200) if rounds(b) == shown_b and rounds(a + b) == country}
    assert len(candidates) > 1, candidates  # the attacker cannot pin centre A down


def test_manager_sees_own_centre_unsuppressed(client, manager, centre_a) -> None:
    SessionFactory(
        case=CaseFactory(client=ClientFactory(centre=centre_a)),
        counsellor=UserFactory(),
        held_at=at(dt.date(2026, 3, 10)),
    )
    _rebuild()
    client.force_login(manager.user)
    response = client.get(_url("centre-dashboard", public_id=centre_a.public_id), MARCH_Q)
    assert response.status_code == 200
    assert b"&lt;5" not in response.content


# --- Scope and bad input ------------------------------------------------------------------------------------


def test_centre_outside_the_managers_scope_is_404(client, manager, centre_b) -> None:
    client.force_login(manager.user)
    assert client.get(_url("centre-dashboard", public_id=centre_b.public_id)).status_code == 404
    assert client.get(_url("centre-export", public_id=centre_b.public_id, fmt="csv")).status_code == 404


def test_coordinator_gets_404_for_another_country_and_its_centres(client, coordinator, centre_b) -> None:
    client.force_login(coordinator.user)
    assert client.get(_url("country-dashboard", code="RS")).status_code == 404
    assert client.get(_url("centre-dashboard", public_id=centre_b.public_id)).status_code == 404
    assert client.get(_url("country-dashboard", code="gh")).status_code == 200


def test_unknown_export_format_is_404(client, analyst) -> None:
    client.force_login(analyst.user)
    assert client.get(_url("programme-export", fmt="pdf")).status_code == 404


def test_dashboard_redirects_each_role_to_its_scope(client, manager, coordinator, analyst, centre_a) -> None:
    for persona, target in (
        (manager, _url("centre-dashboard", public_id=centre_a.public_id)),
        (coordinator, _url("country-dashboard", code="GH")),
        (analyst, _url("programme-dashboard")),
    ):
        client.force_login(persona.user)
        assert client.get(_url("dashboard"))["Location"] == target


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "custom", "start": "2026-03-10", "end": "2026-03-01"}, "The end of the range is before its start."),
        ({"period": "custom", "start": "2026-03-10"}, "Enter both the first and the last day of the range."),
        ({"period": "year", "year": "2099"}, "This period has not started yet"),
        ({"period": "custom", "start": "2020-01-01", "end": "2026-01-01"}, "at most three years"),
        ({"period": "fortnight"}, "Select a valid choice"),
    ],
)
def test_bad_periods_get_a_clear_error(client, analyst, query: dict, message: str) -> None:
    client.force_login(analyst.user)
    response = client.get(_url("programme-dashboard"), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get(_url("programme-export", fmt="csv"), query).status_code == 400


def test_bad_period_errors_are_translated(client, analyst) -> None:
    client.force_login(analyst.user)
    response = client.get(
        "/de" + _url("programme-dashboard").removeprefix("/en"), {"period": "custom", "start": "2026-03-10"}
    )
    assert response.status_code == 400
    assert 'lang="de"' in response.content.decode()


def test_empty_period_says_nothing_was_recorded(client, analyst) -> None:
    client.force_login(analyst.user)
    response = client.get(_url("programme-dashboard"), MARCH_Q)
    assert response.status_code == 200
    assert "Nothing was recorded in this period." in response.content.decode()


def test_dashboard_shows_three_periods_and_svg_charts(client, manager, march, centre_a) -> None:
    _rebuild()
    client.force_login(manager.user)
    page = client.get(
        _url("centre-dashboard", public_id=centre_a.public_id), {"period": "quarter", "year": "2026", "quarter": "1"}
    ).content.decode()
    assert page.count("<svg") >= 10 and "<script" not in page
    assert "Previous period" in page and "Same period last year" in page


# --- Query counts ----------------------------------------------------------------------------------------------


def test_dashboard_query_count_is_flat_across_periods_and_data(client, analyst, centre_a) -> None:
    client.force_login(analyst.user)
    url = _url("programme-dashboard")
    client.get(url)  # the first request of a session writes it once
    queries = set()
    for extra in (1, 25):
        for _ in range(extra):
            centre = CentreFactory(country=centre_a.country)
            SessionFactory(
                case=CaseFactory(client=ClientFactory(centre=centre)),
                counsellor=analyst.user,
                held_at=at(dt.date(2026, 2, 10)),
            )
        _rebuild()
        for query in (
            MARCH_Q,
            {"period": "quarter", "year": "2026", "quarter": "1"},
            {"period": "year", "year": "2025"},
            {"period": "custom", "start": "2025-01-01", "end": "2026-03-31"},
        ):
            with CaptureQueriesContext(connection) as context:
                assert client.get(url, query).status_code == 200
            queries.add(len(context.captured_queries))
    assert queries == {DASHBOARD_QUERIES}, queries


# --- Never a name; exports ---------------------------------------------------------------------------------


def test_analyst_never_reaches_a_name(client, analyst, march, centre_a) -> None:
    _rebuild()
    client.force_login(analyst.user)
    names = [c.given_name for c in march["clients"]] + [c.family_name for c in march["clients"]]
    for url in (
        _url("programme-dashboard"),
        _url("country-dashboard", code="GH"),
        _url("centre-dashboard", public_id=centre_a.public_id),
        _url("programme-export", fmt="csv"),
        _url("country-export", code="GH", fmt="csv"),
        _url("indicator-list"),
    ):
        for query in (MARCH_Q, {"period": "year", "year": "2026"}):
            content = client.get(url, query).content.decode()
            assert not [name for name in names if name in content], url
    workbook = load_workbook(io.BytesIO(client.get(_url("programme-export", fmt="xlsx"), MARCH_Q).content))
    text = " ".join(str(v) for row in workbook.active.iter_rows(values_only=True) for v in row)
    assert not [name for name in names if name in text]


def test_xlsx_holds_the_same_numbers_as_the_csv_and_the_report(client, manager, march, centre_a) -> None:
    import csv

    _rebuild()
    client.force_login(manager.user)
    xlsx = client.get(_url("centre-export", public_id=centre_a.public_id, fmt="xlsx"), MARCH_Q)
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(_url("centre-export", public_id=centre_a.public_id, fmt="csv"), MARCH_Q).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(rows) == len(csv_rows)
    for xrow, crow in zip(rows[2:], csv_rows[2:], strict=True):
        assert ["" if v is None else str(v) for v in xrow] == crow
    totals = {row[0]: row[4] for row in rows[2:] if row[2] == "Total"}
    assert totals["people_counselled"] == 2 and totals["sessions_held"] == 3 and totals["fair_hires"] == 1
    assert_audited("reports.export.downloaded", centre=centre_a, count=2)


def test_indicator_catalogue_lists_every_indicator(client, manager) -> None:
    from reports.indicators import INDICATORS

    client.force_login(manager.user)
    page = client.get(_url("indicator-list")).content.decode()
    for indicator in INDICATORS:
        assert escape(str(indicator.name)) in page and escape(str(indicator.definition)) in page


def test_dashboard_renders_right_to_left_in_arabic(client, manager, march, centre_a) -> None:
    _rebuild()
    client.force_login(manager.user)
    url = "/ar" + _url("centre-dashboard", public_id=centre_a.public_id).removeprefix("/en")
    response = client.get(url, MARCH_Q)
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_a_range_running_into_the_future_stops_at_today(client, analyst) -> None:
    from django.utils import formats, timezone

    today = timezone.localdate()
    client.force_login(analyst.user)
    query = {
        "period": "custom",
        "start": (today - dt.timedelta(days=3)).isoformat(),
        "end": (today + dt.timedelta(days=30)).isoformat(),
    }
    response = client.get(_url("programme-dashboard"), query)
    assert response.status_code == 200
    assert formats.date_format(today, "SHORT_DATE_FORMAT") in response.content.decode()


def test_a_month_that_has_not_started_is_refused(client, analyst) -> None:
    from django.utils import timezone

    next_month = (timezone.localdate().replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    client.force_login(analyst.user)
    response = client.get(
        _url("programme-dashboard"), {"period": "month", "year": next_month.year, "month": next_month.month}
    )
    assert response.status_code == 400
    assert "This period has not started yet" in response.content.decode()
