"""The indicator catalogue: each indicator defined once, with its code, name, definition and computation.

A computation reads the raw tables for a range of days (system work, outside
any user's scope) and yields roll-up rows: ``(centre_id, day, dimension,
value, count)``. Dates are days in the portal's time zone (settings.TIME_ZONE).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

Row = tuple[int, dt.date, str, str, int]  # centre id, day, dimension, value, count
PersonRow = tuple[int, dt.date, int, str, str, str]  # centre id, day, client id, sex, age band, target group

COUNT = "count"  # additive: sum the days of a period
PEOPLE = "people"  # unique people: counted once per period, from PersonDay
SNAPSHOT = "snapshot"  # a state: read on the last day of the period
RATE = "rate"  # numerator ÷ denominator, two other indicators
MEDIAN = "median"  # median of a histogram kept as dimension "days"

SEX = "sex"
AGE_BAND = "age_band"
TARGET_GROUP = "target_group"
CATEGORY = "category"
DAYS = "days"
PEOPLE_DIMENSIONS = (SEX, AGE_BAND, TARGET_GROUP)
UNKNOWN = "unknown"

AGE_BANDS = ("under_18", "18_24", "25_34", "35_49", "50_plus")


def report_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def age_band(birth_date: dt.date | None, birth_year: int | None, on: dt.date) -> str:
    """The age band on the day of the event; only a year of birth gives the age reached that year."""
    if birth_date is not None:
        age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    elif birth_year:
        age = on.year - birth_year
    else:
        return UNKNOWN
    if age < 18:
        return "under_18"
    if age < 25:
        return "18_24"
    if age < 35:
        return "25_34"
    if age < 50:
        return "35_49"
    return "50_plus"


def dimension_labels(dimension: str) -> dict[str, Promise | str]:
    """Translated labels of a dimension's values, in display order (unknown last)."""
    from counselling.models import Sex, TargetGroup
    from referrals.models import ServiceCategory

    unknown = pgettext_lazy("report value", "Not recorded")
    if dimension == SEX:
        return {**dict(Sex.choices), UNKNOWN: unknown}
    if dimension == AGE_BAND:
        return {
            "under_18": _("under 18"),
            "18_24": _("18 to 24"),
            "25_34": _("25 to 34"),
            "35_49": _("35 to 49"),
            "50_plus": _("50 and older"),
            UNKNOWN: unknown,
        }
    if dimension == TARGET_GROUP:
        return {**dict(TargetGroup.choices), UNKNOWN: unknown}
    if dimension == CATEGORY:
        return dict(ServiceCategory.choices)
    return {}


DIMENSION_NAMES = {
    SEX: _("By sex"),
    AGE_BAND: _("By age band"),
    TARGET_GROUP: _("By target group"),
    CATEGORY: _("By service category"),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    definition: Promise
    kind: str
    group: Promise
    dimensions: tuple[str, ...] = ()
    compute: Callable[[dt.date, dt.date], Iterable[Row]] | None = field(default=None, compare=False)
    numerator: str = ""
    denominator: str = ""

    @property
    def is_stored(self) -> bool:
        """Kept in DailyCount (people live in PersonDay; rates are computed when read)."""
        return self.kind in (COUNT, SNAPSHOT, MEDIAN)


# --- Computations ------------------------------------------------------------------------


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
    from counselling.models import Session

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


def _new_cases(start: dt.date, end: dt.date) -> Iterator[Row]:
    from counselling.models import CaseFile

    rows = CaseFile.objects.filter(opened_on__range=(start, end)).values(
        "centre_id",
        day=F("opened_on"),
        sex=F("client__sex"),
        birth_date=F("client__birth_date"),
        birth_year=F("client__birth_year"),
        target_group=F("client__target_group"),
    )
    yield from _with_total(_person_keys(rows.iterator()))


def _sessions_held(start: dt.date, end: dt.date) -> Iterator[Row]:
    from counselling.models import Session

    low, high = _bounds(start, end)
    rows = (
        Session.objects.filter(held_at__gte=low, held_at__lt=high)
        .annotate(day=TruncDate("held_at", tzinfo=report_tz()))
        .values("day", centre_id=F("case__centre_id"))
        .annotate(n=Count("id"))
    )
    for row in rows:
        yield row["centre_id"], row["day"], "", "", row["n"]


def _group_participants(start: dt.date, end: dt.date) -> Iterator[Row]:
    """Participants as counted at the session; people not broken down are counted as not recorded."""
    from counselling.models import GroupSession

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


def _referrals_made(start: dt.date, end: dt.date) -> Iterator[Row]:
    from referrals.models import Referral

    low, high = _bounds(start, end)
    rows = (
        Referral.objects.filter(sent_at__gte=low, sent_at__lt=high)
        .annotate(day=TruncDate("sent_at", tzinfo=report_tz()))
        .values("centre_id", "day", category=F("service__category"))
        .annotate(n=Count("id"))
    )
    yield from _by_category(rows)


def _referral_events(*statuses: str) -> Callable[[dt.date, dt.date], Iterator[Row]]:
    def compute(start: dt.date, end: dt.date) -> Iterator[Row]:
        from referrals.models import ReferralEvent

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
    from jobfairs.models import JobFair

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


def _fair_registrations(*statuses: str) -> Callable[[dt.date, dt.date], Iterator[Row]]:
    def compute(start: dt.date, end: dt.date) -> Iterator[Row]:
        from jobfairs.models import Registration

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


def _fair_meetings(start: dt.date, end: dt.date) -> Iterator[Row]:
    from jobfairs.models import Booking, BookingStatus

    low, high = _bounds(start, end)
    rows = (
        Booking.objects.filter(status=BookingStatus.ACTIVE, slot__starts_at__gte=low, slot__starts_at__lt=high)
        .annotate(day=TruncDate("slot__starts_at", tzinfo=report_tz()), centre_id=_lead_centre("slot__booth__fair_id"))
        .values("day", "centre_id", **_candidate_fields("registration__"))
        .annotate(n=Count("id"))
        .order_by()
    )
    yield from _candidates(rows)


def _applications(timestamp: str, **filters: object) -> Callable[[dt.date, dt.date], Iterator[Row]]:
    """Applications count at the fair they came through (the registration's, else the vacancy's); the
    applicant is described by that registration (none: unknown)."""

    def compute(start: dt.date, end: dt.date) -> Iterator[Row]:
        from jobfairs.models import Application

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


def _followups_overdue(start: dt.date, end: dt.date) -> Iterator[Row]:
    """For every day: follow-ups due before that day and still not done at its end."""
    from counselling.models import CaseFile, FollowUp

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


def _days_to_first_referral(start: dt.date, end: dt.date) -> Iterator[Row]:
    """Clients whose first referral ever was sent in the range: days since their first case file opened.

    Kept as a histogram (dimension ``days``) on the day of the first referral, so medians stay exact.
    """
    from counselling.models import CaseFile
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


# --- The catalogue ----------------------------------------------------------------------------

COUNSELLING = _("Counselling")
REFERRALS = _("Referrals")
JOB_FAIRS = _("Job fairs")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "people_counselled",
        _("People counselled"),
        _("Different people with at least one counselling session in the period, each counted once."),
        PEOPLE,
        COUNSELLING,
        PEOPLE_DIMENSIONS,
    ),
    Indicator(
        "new_cases",
        _("New case files"),
        _("Case files opened in the period."),
        COUNT,
        COUNSELLING,
        PEOPLE_DIMENSIONS,
        _new_cases,
    ),
    Indicator(
        "sessions_held",
        _("Counselling sessions held"),
        _("Individual counselling sessions logged with a date in the period."),
        COUNT,
        COUNSELLING,
        (),
        _sessions_held,
    ),
    Indicator(
        "group_participants",
        _("Group-session participants"),
        _("People who took part in group information sessions held in the period, as counted at each session."),
        COUNT,
        COUNSELLING,
        PEOPLE_DIMENSIONS,
        _group_participants,
    ),
    Indicator(
        "followups_overdue",
        _("Follow-ups overdue"),
        _("Follow-ups due before the last day of the period and not done by its end."),
        SNAPSHOT,
        COUNSELLING,
        (),
        _followups_overdue,
    ),
    Indicator(
        "referrals_made",
        _("Referrals made"),
        _("Referrals sent to a service in the period."),
        COUNT,
        REFERRALS,
        (CATEGORY,),
        _referrals_made,
    ),
    Indicator(
        "referrals_accepted",
        _("Referrals accepted"),
        _("Referrals that a partner accepted in the period."),
        COUNT,
        REFERRALS,
        (CATEGORY,),
        _referral_events("accepted"),
    ),
    Indicator(
        "referrals_completed",
        _("Referrals completed"),
        _("Referrals marked completed in the period."),
        COUNT,
        REFERRALS,
        (CATEGORY,),
        _referral_events("completed"),
    ),
    Indicator(
        "referrals_closed",
        _("Referrals closed"),
        _("Referrals that reached a final status in the period: completed, dropped out, declined or cancelled."),
        COUNT,
        REFERRALS,
        (CATEGORY,),
        _referral_events("completed", "dropped_out", "declined", "cancelled"),
    ),
    Indicator(
        "referral_completion_rate",
        _("Referral completion rate"),
        _("Referrals completed in the period as a share of referrals closed in the period."),
        RATE,
        REFERRALS,
        (CATEGORY,),
        numerator="referrals_completed",
        denominator="referrals_closed",
    ),
    Indicator(
        "days_to_first_referral",
        _("Median days from first contact to first referral"),
        _(
            "For people whose first referral was sent in the period: the median number of days "
            "between the opening of their first case file and that referral."
        ),
        MEDIAN,
        REFERRALS,
        (),
        _days_to_first_referral,
    ),
    Indicator(
        "fair_registrations",
        _("Job-fair registrations"),
        _(
            "Registrations (not cancelled, not on the waiting list) for job fairs that started in the period, "
            "counted at the fair's first organising centre."
        ),
        COUNT,
        JOB_FAIRS,
        PEOPLE_DIMENSIONS,
        _fair_registrations("registered", "attended", "no_show"),
    ),
    Indicator(
        "fair_attended",
        _("Job-fair attendees"),
        _("Registrations marked as attended, for job fairs that started in the period."),
        COUNT,
        JOB_FAIRS,
        PEOPLE_DIMENSIONS,
        _fair_registrations("attended"),
    ),
    Indicator(
        "fair_attendance_rate",
        _("Job-fair attendance rate"),
        _("Attendees as a share of registrations, for job fairs that started in the period."),
        RATE,
        JOB_FAIRS,
        PEOPLE_DIMENSIONS,
        numerator="fair_attended",
        denominator="fair_registrations",
    ),
    Indicator(
        "fair_meetings",
        _("One-to-one meetings at job fairs"),
        _("Meeting slots booked (and not cancelled) with a start in the period."),
        COUNT,
        JOB_FAIRS,
        PEOPLE_DIMENSIONS,
        _fair_meetings,
    ),
    Indicator(
        "fair_applications",
        _("Job applications"),
        _("Applications submitted in the period to vacancies of a job fair."),
        COUNT,
        JOB_FAIRS,
        PEOPLE_DIMENSIONS,
        _applications("created_at"),
    ),
    Indicator(
        "fair_hires",
        _("Hires"),
        _("Applications to vacancies of a job fair marked as hired in the period."),
        COUNT,
        JOB_FAIRS,
        PEOPLE_DIMENSIONS,
        _applications("hired_at", status="hired"),
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
STORED = tuple(indicator for indicator in INDICATORS if indicator.is_stored)
SNAPSHOT_CODES = frozenset(indicator.code for indicator in INDICATORS if indicator.kind == SNAPSHOT)
