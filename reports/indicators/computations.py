"""The computations of the indicators: each reads the raw tables of the domain apps for a range of days.

A computation is system work (outside any user's scope) and yields roll-up rows ``(centre_id, day,
dimension, value, count)``. Dates are days in the portal's time zone (settings.TIME_ZONE).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate

from counselling.models import CaseFile, FollowUp, GroupSession, Session
from jobfairs.models import Application, Booking, BookingStatus, JobFair, Registration
from referrals.models import Referral, ReferralEvent
from reports.indicators.definitions import (
    AGE_BAND,
    CATEGORY,
    DAYS,
    SEX,
    TARGET_GROUP,
    UNKNOWN,
    PersonRow,
    Row,
    age_band,
    report_tz,
)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = report_tz()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _with_total(rows: Iterable[tuple[int, dt.date, str, str]]) -> Iterator[Row]:
    """Count the (centre, day, dimension, value) keys of events."""
    counter: Counter = Counter()
    for centre_id, day, dimension, value in rows:
        counter[(centre_id, day, dimension, value)] += 1
    yield from ((c, d, dim, val, n) for (c, d, dim, val), n in counter.items())


def _person_keys(rows: Iterable[dict]) -> Iterator[tuple[int, dt.date, str, str]]:
    """Total, sex, age band and target group keys of events that each concern one person."""
    for row in rows:
        centre_id, day = row["centre_id"], row["day"]
        yield centre_id, day, "", ""
        yield centre_id, day, SEX, row["sex"] or UNKNOWN
        yield centre_id, day, AGE_BAND, age_band(row["birth_date"], row["birth_year"], day)
        yield centre_id, day, TARGET_GROUP, row["target_group"] or UNKNOWN


def compute_people(start: dt.date, end: dt.date) -> Iterator[PersonRow]:
    """People counselled: one row per client, centre and day with at least one session."""
    low, high = _bounds(start, end)
    rows = (
        Session.objects.filter(held_at__gte=low, held_at__lt=high)
        .annotate(day=TruncDate("held_at", tzinfo=report_tz()))
        .values(
            "day",
            centre_id=F("case__centre_id"),
            client_id=F("case__client_id"),
            sex=F("case__client__sex"),
            birth_date=F("case__client__birth_date"),
            birth_year=F("case__client__birth_year"),
            target_group=F("case__client__target_group"),
        )
        .distinct()
    )
    for row in rows.iterator():
        yield (
            row["centre_id"],
            row["day"],
            row["client_id"],
            row["sex"] or UNKNOWN,
            age_band(row["birth_date"], row["birth_year"], row["day"]),
            row["target_group"] or UNKNOWN,
        )


def new_cases(start: dt.date, end: dt.date) -> Iterator[Row]:
    rows = CaseFile.objects.filter(opened_on__range=(start, end)).values(
        "centre_id",
        day=F("opened_on"),
        sex=F("client__sex"),
        birth_date=F("client__birth_date"),
        birth_year=F("client__birth_year"),
        target_group=F("client__target_group"),
    )
    yield from _with_total(_person_keys(rows.iterator()))


def sessions_held(start: dt.date, end: dt.date) -> Iterator[Row]:
    low, high = _bounds(start, end)
    rows = (
        Session.objects.filter(held_at__gte=low, held_at__lt=high)
        .annotate(day=TruncDate("held_at", tzinfo=report_tz()))
        .values("day", centre_id=F("case__centre_id"))
        .annotate(n=Count("id"))
    )
    for row in rows:
        yield row["centre_id"], row["day"], "", "", row["n"]


def group_participants(start: dt.date, end: dt.date) -> Iterator[Row]:
    """Participants as counted at the session; people not broken down are counted as not recorded."""
    counter: Counter = Counter()
    sessions = GroupSession.objects.filter(held_on__range=(start, end)).values(
        "centre_id", "held_on", "participants", "by_sex", "by_age_band", "by_target_group"
    )
    for s in sessions:
        key = (s["centre_id"], s["held_on"])
        counter[(*key, "", "")] += s["participants"]
        breakdowns = ((SEX, s["by_sex"]), (AGE_BAND, s["by_age_band"]), (TARGET_GROUP, s["by_target_group"]))
        for dimension, breakdown in breakdowns:
            known = 0
            for value, n in (breakdown or {}).items():
                if int(n) > 0:
                    counter[(*key, dimension, value)] += int(n)
                    known += int(n)
            if s["participants"] > known:
                counter[(*key, dimension, UNKNOWN)] += s["participants"] - known
    yield from ((c, d, dim, val, n) for (c, d, dim, val), n in counter.items())


def _by_category(rows: Iterable[dict]) -> Iterator[Row]:
    counter: Counter = Counter()
    for row in rows:
        counter[(row["centre_id"], row["day"], "", "")] += row["n"]
        counter[(row["centre_id"], row["day"], CATEGORY, row["category"])] += row["n"]
    yield from ((c, d, dim, val, n) for (c, d, dim, val), n in counter.items())


def referrals_made(start: dt.date, end: dt.date) -> Iterator[Row]:
    low, high = _bounds(start, end)
    rows = (
        Referral.objects.filter(sent_at__gte=low, sent_at__lt=high)
        .annotate(day=TruncDate("sent_at", tzinfo=report_tz()))
        .values("centre_id", "day", category=F("service__category"))
        .annotate(n=Count("id"))
    )
    yield from _by_category(rows)


def referral_events(*statuses: str) -> Callable[[dt.date, dt.date], Iterator[Row]]:
    def compute(start: dt.date, end: dt.date) -> Iterator[Row]:
        low, high = _bounds(start, end)
        rows = (
            ReferralEvent.objects.filter(to_status__in=statuses, occurred_at__gte=low, occurred_at__lt=high)
            .annotate(day=TruncDate("occurred_at", tzinfo=report_tz()))
            .values("day", centre_id=F("referral__centre_id"), category=F("referral__service__category"))
            .annotate(n=Count("id"))
        )
        yield from _by_category(rows)

    return compute


def _lead_centre(fair_path: str) -> Subquery:
    """A fair organised by several centres counts once, at its first organising centre."""
    through = JobFair.centres.through.objects.filter(jobfair_id=OuterRef(fair_path)).order_by("centre_id")
    return Subquery(through.values("centre_id")[:1])


def _candidate_fields(prefix: str) -> dict[str, F]:
    """What a fair registration (reached through `prefix`) tells about its candidate, for the breakdowns.

    The client record wins: the registered client's, else the one linked to the returnee's portal
    account; without a client record, what the returnee declared on the registration form.
    """
    fields: dict[str, F] = {}
    for source, path in (("c", f"{prefix}client__"), ("u", f"{prefix}user__client_record__")):
        fields[f"{source}_id"] = F(f"{path}id")
        for name in ("sex", "birth_date", "birth_year", "target_group"):
            fields[f"{source}_{name}"] = F(f"{path}{name}")
    for name in ("sex", "age_band", "target_group"):
        fields[f"d_{name}"] = F(f"{prefix}declared_{name}")
    return fields


def _candidates(rows: Iterable[dict]) -> Iterator[Row]:
    """Count grouped candidate rows (see _candidate_fields) in total and by sex, age band and target group.

    Anything not known, declined ("prefer not to say") or not asked is counted as unknown, so every
    breakdown adds up to the total.
    """
    counter: Counter = Counter()
    for row in rows:
        centre_id, day, n = row["centre_id"], row["day"], row["n"]
        if centre_id is None:
            continue
        source = "c" if row["c_id"] is not None else "u" if row["u_id"] is not None else None
        if source is not None:
            sex = row[f"{source}_sex"]
            band = age_band(row[f"{source}_birth_date"], row[f"{source}_birth_year"], day)
            group = row[f"{source}_target_group"]
        else:
            sex, band, group = row["d_sex"], row["d_age_band"] or UNKNOWN, row["d_target_group"]
        counter[(centre_id, day, "", "")] += n
        counter[(centre_id, day, SEX, sex or UNKNOWN)] += n
        counter[(centre_id, day, AGE_BAND, band)] += n
        counter[(centre_id, day, TARGET_GROUP, group or UNKNOWN)] += n
    yield from ((c, d, dim, val, n) for (c, d, dim, val), n in counter.items())


def fair_registrations(*statuses: str) -> Callable[[dt.date, dt.date], Iterator[Row]]:
    def compute(start: dt.date, end: dt.date) -> Iterator[Row]:
        low, high = _bounds(start, end)
        rows = (
            Registration.objects.filter(status__in=statuses, fair__starts_at__gte=low, fair__starts_at__lt=high)
            .annotate(day=TruncDate("fair__starts_at", tzinfo=report_tz()), centre_id=_lead_centre("fair_id"))
            .values("day", "centre_id", **_candidate_fields(""))
            .annotate(n=Count("id"))
            .order_by()
        )
        yield from _candidates(rows)

    return compute


def fair_meetings(start: dt.date, end: dt.date) -> Iterator[Row]:
    low, high = _bounds(start, end)
    rows = (
        Booking.objects.filter(status=BookingStatus.ACTIVE, slot__starts_at__gte=low, slot__starts_at__lt=high)
        .annotate(day=TruncDate("slot__starts_at", tzinfo=report_tz()), centre_id=_lead_centre("slot__booth__fair_id"))
        .values("day", "centre_id", **_candidate_fields("registration__"))
        .annotate(n=Count("id"))
        .order_by()
    )
    yield from _candidates(rows)


def applications(timestamp: str, **filters: object) -> Callable[[dt.date, dt.date], Iterator[Row]]:
    """Applications count at the fair they came through (the registration's, else the vacancy's); the
    applicant is described by that registration (none: unknown)."""

    def compute(start: dt.date, end: dt.date) -> Iterator[Row]:
        low, high = _bounds(start, end)
        rows = (
            Application.objects.filter(**{f"{timestamp}__gte": low, f"{timestamp}__lt": high}, **filters)
            .annotate(fair_key=Coalesce("registration__fair_id", "vacancy__fair_id"))
            .annotate(day=TruncDate(timestamp, tzinfo=report_tz()), centre_id=_lead_centre("fair_key"))
            .values("day", "centre_id", **_candidate_fields("registration__"))
            .annotate(n=Count("id"))
            .order_by()
        )
        yield from _candidates(rows)

    return compute


def followups_overdue(start: dt.date, end: dt.date) -> Iterator[Row]:
    """For every day: follow-ups due before that day and still not done at its end."""
    sql = f"""
        SELECT d::date, c.centre_id, count(*)
        FROM generate_series(%s::date, %s::date, interval '1 day') AS d
        JOIN {FollowUp._meta.db_table} f
          ON f.due_on < d::date AND (f.done_at IS NULL OR f.done_at >= ((d::date + 1)::timestamp AT TIME ZONE %s))
        JOIN {CaseFile._meta.db_table} c ON c.id = f.case_id
        GROUP BY 1, 2
    """  # noqa: S608 - table names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, settings.TIME_ZONE])
        for day, centre_id, n in cursor.fetchall():
            yield centre_id, day, "", "", n


def days_to_first_referral(start: dt.date, end: dt.date) -> Iterator[Row]:
    """Clients whose first referral ever was sent in the range: days since their first case file opened.

    Kept as a histogram (dimension ``days``) on the day of the first referral, so medians stay exact.
    """
    from referrals.models import Referral

    low, high = _bounds(start, end)
    candidates = Referral.objects.filter(sent_at__gte=low, sent_at__lt=high).values("case__client_id")
    firsts = (
        Referral.objects.filter(sent_at__isnull=False, case__client_id__in=candidates)
        .order_by("case__client_id", "sent_at")
        .distinct("case__client_id")
        .values("centre_id", "sent_at", client_id=F("case__client_id"))
    )
    firsts = [row for row in firsts if low <= row["sent_at"] < high]
    opened = dict(
        CaseFile.objects.filter(client_id__in=[row["client_id"] for row in firsts])
        .values("client_id")
        .annotate(first=Min("opened_on"))
        .values_list("client_id", "first")
    )
    counter: Counter = Counter()
    for row in firsts:
        day = row["sent_at"].astimezone(report_tz()).date()
        days = max(0, (day - opened[row["client_id"]]).days)
        counter[(row["centre_id"], day, DAYS, str(days))] += 1
    yield from ((c, d, dim, val, n) for (c, d, dim, val), n in counter.items())
