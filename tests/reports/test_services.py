"""Roll-ups: known answers on hand-built data, idempotent rebuilds, equality with the raw tables."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from statistics import median

import pytest

from counselling.models import CaseFile, FollowUp, GroupSession, Session
from jobfairs.models import Registration
from portal.access import unscoped
from referrals.models import Referral, ReferralEvent
from reports.indicators import INDICATORS, age_band, report_tz
from reports.models import DailyCount, PersonDay
from reports.periods import Period
from reports.selectors import Scope, get_report
from reports.services import rebuild_rollups
from reports.tasks import rebuild_rollups_task
from tests.audit import assert_audited
from tests.factories import CentreFactory, CountryFactory
from tests.reports.builders import random_data
from tests.reports.conftest import MARCH

ALL = Scope("programme", "all", suppressed=False)


def _report(start: dt.date, end: dt.date, scope: Scope = ALL) -> dict:
    report = get_report(scope=scope, periods=[Period(start, end, "")])
    out = {}
    for result in report.results:
        out[result.indicator.code] = result.total[0].count
        for breakdown in result.breakdowns:
            for row in breakdown.rows:
                out[(result.indicator.code, breakdown.dimension, str(row.label))] = row.cells[0].count
    return out


def test_each_indicator_has_a_known_answer_on_hand_built_data(march) -> None:
    rebuild_rollups(start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30))
    numbers = _report(*MARCH)
    assert numbers["people_counselled"] == 2
    assert numbers[("people_counselled", "sex", "Female")] == 1
    assert numbers[("people_counselled", "sex", "Male")] == 1
    assert numbers[("people_counselled", "age_band", "25 to 34")] == 1
    assert numbers[("people_counselled", "age_band", "under 18")] == 1  # 17 on 10 March 2026
    assert numbers[("people_counselled", "target_group", "Internally displaced person")] == 1
    assert numbers["new_cases"] == 2
    assert numbers[("new_cases", "age_band", "Not recorded")] == 1
    assert numbers["sessions_held"] == 3
    assert numbers["group_participants"] == 10
    assert numbers[("group_participants", "sex", "Female")] == 6
    assert numbers[("group_participants", "target_group", "Not recorded")] == 10
    assert numbers["followups_overdue"] == 1
    assert numbers["referrals_made"] == 2
    assert numbers[("referrals_made", "category", "Psychosocial support")] == 1
    assert numbers["referrals_accepted"] == 1
    assert numbers["referrals_completed"] == 1
    assert numbers["referrals_closed"] == 2
    assert numbers["referral_completion_rate"] == 50
    assert numbers["days_to_first_referral"] == 11  # median of 2 and 20 days
    assert numbers["fair_registrations"] == 3
    assert numbers["fair_attended"] == 2
    assert numbers["fair_attendance_rate"] == 67
    assert numbers["fair_meetings"] == 1
    assert numbers["fair_applications"] == 2
    assert numbers["fair_hires"] == 1
    assert set(numbers) >= {i.code for i in INDICATORS}


def test_disaggregations_add_up_to_the_total(march) -> None:
    rebuild_rollups(start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30))
    report = get_report(scope=ALL, periods=[Period(*MARCH, "")])
    for result in report.results:
        if result.indicator.kind in ("count", "people"):
            for breakdown in result.breakdowns:
                assert sum(row.cells[0].count for row in breakdown.rows) == result.total[0].count, breakdown.dimension


def test_rebuild_is_idempotent_and_audited(march) -> None:
    first = rebuild_rollups(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    rows = sorted(DailyCount.objects.values_list("centre_id", "day", "indicator", "dimension", "value", "count"))
    second = rebuild_rollups(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert first == second > 0
    assert rows == sorted(
        DailyCount.objects.values_list("centre_id", "day", "indicator", "dimension", "value", "count")
    )
    assert PersonDay.objects.count() == 3  # Abena twice, Kofi once
    lines = assert_audited("reports.rollup.rebuilt", actor=False, count=2)
    assert lines[-1].details == {"start": "2026-03-01", "end": "2026-03-31", "rows": second}


def test_rebuild_of_a_range_leaves_other_days_alone(march) -> None:
    rebuild_rollups(start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30))
    before = DailyCount.objects.filter(day__month=4).count()
    rebuild_rollups(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert DailyCount.objects.filter(day__month=4).count() == before > 0


def test_nightly_task_rebuilds_the_given_range(march) -> None:
    rebuild_rollups_task.delay(start="2026-03-01", end="2026-03-31")
    assert _report(*MARCH)["sessions_held"] == 3


def _raw(start: dt.date, end: dt.date) -> dict:
    """The same numbers computed directly from the raw tables, the slow and obvious way."""
    tz = report_tz()
    out: Counter = Counter()
    with unscoped():
        firsts: dict[int, tuple] = {}
        for s in Session.objects.select_related("case__client").order_by("held_at"):
            day = s.held_at.astimezone(tz).date()
            if start <= day <= end:
                out["sessions_held"] += 1
                client = s.case.client
                key = (day, s.case.centre_id)
                if client.pk not in firsts or key < firsts[client.pk][0]:
                    firsts[client.pk] = (key, client, day)
        for _key, client, day in firsts.values():
            out["people_counselled"] += 1
            out[("people_counselled", "sex", client.sex)] += 1
            out[("people_counselled", "age_band", age_band(client.birth_date, client.birth_year, day))] += 1
        for case in CaseFile.objects.select_related("client").filter(opened_on__range=(start, end)):
            out["new_cases"] += 1
            out[("new_cases", "target_group", case.client.target_group)] += 1
        for r in Referral.objects.select_related("service").exclude(sent_at=None):
            if start <= r.sent_at.astimezone(tz).date() <= end:
                out["referrals_made"] += 1
                out[("referrals_made", "category", r.service.category)] += 1
        for e in ReferralEvent.objects.filter(to_status="completed"):
            out["referrals_completed"] += start <= e.occurred_at.astimezone(tz).date() <= end
        for f in FollowUp.objects.all():
            out["followups_overdue"] += f.due_on < end and (f.done_at is None or f.done_at.astimezone(tz).date() > end)
        for g in GroupSession.objects.filter(held_on__range=(start, end)):
            out["group_participants"] += g.participants
        days = []
        for client_id in {r.case.client_id for r in Referral.objects.select_related("case").exclude(sent_at=None)}:
            first = Referral.objects.filter(case__client_id=client_id).exclude(sent_at=None).order_by("sent_at").first()
            day = first.sent_at.astimezone(tz).date()
            if start <= day <= end:
                opened = min(c.opened_on for c in CaseFile.objects.filter(client_id=client_id))
                days.append((day - opened).days)
        out["days_to_first_referral"] = round(median(days)) if days else None
        for reg in Registration.objects.select_related("fair", "client", "user__client_record").filter(
            status__in=("registered", "attended", "no_show")
        ):
            if start <= reg.fair.starts_at.astimezone(tz).date() <= end:
                record = reg.client or getattr(reg.user, "client_record", None)
                sex = record.sex if record else reg.declared_sex or "unknown"
                group = record.target_group if record else reg.declared_target_group or "unknown"
                out["fair_registrations"] += 1
                out[("fair_registrations", "sex", sex)] += 1
                out[("fair_registrations", "target_group", group)] += 1
    return out


@pytest.mark.parametrize("seed", [7, 2026])
def test_rollups_equal_a_direct_computation_from_the_raw_tables(db, seed: int) -> None:
    centres = [CentreFactory(country=CountryFactory(code="GH")), CentreFactory(country=CountryFactory(code="RS"))]
    origin = dt.date(2026, 1, 1)
    random_data(centres, seed=seed, start=origin, days=90)
    rebuild_rollups(start=origin - dt.timedelta(days=10), end=origin + dt.timedelta(days=200))
    rng = random.Random(seed)
    compared = 0
    for _ in range(6):
        start = origin + dt.timedelta(days=rng.randrange(120))
        end = start + dt.timedelta(days=rng.randrange(1, 80))
        rolled, raw = _report(start, end), _raw(start, end)
        for key, value in raw.items():
            if isinstance(key, tuple):
                labels = {v: k for k, v in _labels(key[1]).items()}
                key = (key[0], key[1], str(labels.get(key[2], key[2])))
                rolled_value = rolled.get(key, 0)
            else:
                rolled_value = rolled[key] or (0 if value is not None else None)
            assert rolled_value == value, (key, start, end)
            compared += bool(value)
    assert compared > 20  # the random data really exercised the comparison


def _labels(dimension: str) -> dict:
    from reports.indicators import dimension_labels

    return {str(label): value for value, label in dimension_labels(dimension).items()}


def test_nightly_task_without_arguments_rebuilds_the_recent_days(db, centre_a) -> None:
    from django.utils import timezone

    from tests.factories import CaseFactory, ClientFactory, SessionFactory, UserFactory

    SessionFactory(case=CaseFactory(client=ClientFactory(centre=centre_a)), counsellor=UserFactory())
    rebuild_rollups_task.delay()
    today = timezone.localdate()
    assert _report(today, today)["sessions_held"] == 1
    assert _report(today, today)["people_counselled"] == 1
