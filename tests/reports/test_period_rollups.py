"""Period and unique-people roll-ups (PeriodCount, PeopleCount): the same numbers as a direct count, at every level."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import Q, Sum

from reports.indicators import SNAPSHOT_CODES
from reports.models import DailyCount, PeopleCount, PeriodCount, PersonDay
from reports.periods import Period, month_split, periods_for
from reports.selectors import Scope, count_people, get_comparison
from reports.selectors.rollups import counts_by_column, read_counts
from reports.services import check_rollups, rebuild_period_rollups, rebuild_rollups
from tests.factories import CentreFactory, CountryFactory
from tests.reports.builders import random_data

ORIGIN = dt.date(2026, 1, 1)


@pytest.fixture
def plain_world(db) -> dict:
    """Three centres in two countries, random raw data, roll-ups rebuilt."""
    gh, rs = CountryFactory(code="GH"), CountryFactory(code="RS")
    centres = [CentreFactory(country=gh), CentreFactory(country=gh), CentreFactory(country=rs)]
    random_data(centres, seed=5, start=ORIGIN, days=90)
    rebuild_rollups(start=ORIGIN - dt.timedelta(days=70), end=ORIGIN + dt.timedelta(days=200))
    return {"gh": gh, "centres": centres}


@pytest.fixture
def world(plain_world) -> dict:
    """And extra visits of people who move between centres and countries (some on the same day)."""
    centres = plain_world["centres"]
    rng = random.Random(5)
    visits = {}
    for _ in range(700):
        day = ORIGIN - dt.timedelta(days=60) + dt.timedelta(days=rng.randrange(220))
        key = (rng.choice(centres).pk, day, 10**6 + rng.randrange(40))
        visits[key] = PersonDay(
            centre_id=key[0],
            day=day,
            client_key=key[2],
            sex=rng.choice(["female", "male"]),
            age_band=rng.choice(["18_24", "25_34"]),
            target_group=rng.choice(["idp", "local"]),
        )
    PersonDay.objects.bulk_create(visits.values())
    rebuild_period_rollups(since=ORIGIN - dt.timedelta(days=70))
    return plain_world


def _scopes(world: dict) -> list[tuple[Scope, Scope]]:
    """Each level's scope, beside the same centres as an ad-hoc scope (read directly from the daily tables)."""
    centre, gh = world["centres"][0], world["gh"]
    gh_ids = tuple(c.pk for c in world["centres"][:2])
    return [
        (Scope("centre", "", False, centre_ids=(centre.pk,), centre=centre), Scope("x", "", False, (centre.pk,))),
        (Scope("country", "", False, centre_ids=gh_ids, country=gh), Scope("x", "", False, centre_ids=gh_ids)),
        (Scope("programme", "", False), Scope("x", "", False)),
    ]


def test_month_split_keeps_whole_months_and_the_days_around_them() -> None:
    d = dt.date
    assert month_split(d(2026, 1, 1), d(2026, 3, 31)) == ((d(2026, 1, 1), d(2026, 3, 1)), [])
    assert month_split(d(2026, 1, 1), d(2026, 11, 22)) == (
        (d(2026, 1, 1), d(2026, 10, 1)),
        [(d(2026, 11, 1), d(2026, 11, 22))],
    )
    assert month_split(d(2026, 1, 15), d(2026, 3, 3)) == (
        (d(2026, 2, 1), d(2026, 2, 1)),
        [(d(2026, 1, 15), d(2026, 1, 31)), (d(2026, 3, 1), d(2026, 3, 3))],
    )
    assert month_split(d(2026, 2, 3), d(2026, 2, 20)) == (None, [(d(2026, 2, 3), d(2026, 2, 20))])


def test_rollups_give_the_direct_numbers_for_every_level_and_period(world) -> None:
    assert PeriodCount.objects.filter(level="country").exists() and PeopleCount.objects.filter(level="centre").exists()
    rng = random.Random(9)
    periods = [
        *periods_for("year", dt.date(2026, 1, 1), dt.date(2026, 4, 17)),
        *periods_for("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        *periods_for("month", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ]
    for _ in range(8):
        start = (ORIGIN - dt.timedelta(days=60) + dt.timedelta(days=rng.randrange(200))).replace(day=1)
        periods.append(Period(start, start + dt.timedelta(days=rng.randrange(120)), ""))
    compared = 0
    for rolled, direct in _scopes(world):
        assert count_people(rolled, periods) == count_people(direct, periods)
        assert read_counts(rolled, periods) == read_counts(direct, periods)
        compared += sum(count_people(direct, periods)[("", "")])
    assert compared > 300  # the data really exercised the comparison


def test_comparison_counts_each_person_once_per_column_and_once_in_the_total(world) -> None:
    centres, gh = world["centres"], world["gh"]
    scope = Scope("country", "", False, centre_ids=tuple(c.pk for c in centres[:2]), country=gh)
    for period in (
        Period(dt.date(2026, 1, 1), dt.date(2026, 3, 17), ""),
        Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28), ""),
    ):
        visits = PersonDay.objects.filter(day__range=(period.start, period.end), centre__in=centres[:2])
        expected = [len(set(visits.filter(centre=c).values_list("client_key", flat=True))) for c in centres[:2]]
        total = len(set(visits.values_list("client_key", flat=True)))
        comparison = get_comparison(scope=scope, period=period)
        people = next(row for row in comparison.rows if row.key == "people_counselled")
        by_name = dict(zip(comparison.columns, people.cells[:-1], strict=True))
        assert [by_name[c.name].count for c in centres[:2]] == expected
        assert people.cells[-1].count == total
        # The counts of a period read partly from PeriodCount equal the sums of the daily rows.
        programme = Scope("programme", "", False)
        for kind_scope, column, keys in (
            (scope, "centre_id", [c.pk for c in centres[:2]]),
            (programme, "centre__country_id", ["GH", "RS"]),
        ):
            odd = Period(period.start + dt.timedelta(days=1), period.end, "")
            for p in (period, odd):
                direct = (
                    DailyCount.objects.filter(kind_scope.centre_q())
                    .filter(
                        (Q(day__range=(p.start, p.end)) & ~Q(indicator__in=SNAPSHOT_CODES))
                        | Q(day=p.end, indicator__in=SNAPSHOT_CODES),
                        dimension__in=("", "days"),
                    )
                    .values_list(column, "indicator", "dimension", "value")
                    .annotate(n=Sum("count"))
                    .order_by()
                )
                assert sorted(counts_by_column(kind_scope, p, keys)) == sorted(direct)


def test_check_names_a_wrong_people_count(plain_world) -> None:
    assert check_rollups(start=ORIGIN, end=ORIGIN + dt.timedelta(days=59))["ok"] is True
    row = PeopleCount.objects.filter(level="programme", grain="month", day=dt.date(2026, 2, 1), dimension="").first()
    PeopleCount.objects.filter(pk=row.pk).update(count=row.count + 1)
    result = check_rollups(start=ORIGIN, end=ORIGIN + dt.timedelta(days=59))
    assert result["mismatch_count"] == 1
    [mismatch] = result["mismatches"]
    assert mismatch["table"] == "people" and mismatch["stored"] == row.count + 1 and mismatch["expected"] == row.count
