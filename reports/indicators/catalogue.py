"""The indicator catalogue: each indicator defined once, with its code, name, definition and computation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from referrals.models import ReferralEvent, ReferralStatus, ServiceCategory
from reports.indicators.computations import (
    applications,
    days_to_first_referral,
    fair_meetings,
    fair_registrations,
    followups_overdue,
    group_participants,
    new_cases,
    referral_events,
    referrals_made,
    sessions_held,
)
from reports.indicators.definitions import (
    CATEGORY,
    COUNT,
    MEDIAN,
    PEOPLE,
    PEOPLE_DIMENSIONS,
    RATE,
    SNAPSHOT,
    Indicator,
    Row,
    report_tz,
)


def online_course_completions(start: dt.date, end: dt.date) -> Iterator[Row]:
    """Completions of online courses recorded with evidence (a certificate number or an Open Badge or certificate
    link: `referrals.services.record_course_evidence_as_*`), on the day of the completion event."""
    tz = report_tz()
    rows = (
        ReferralEvent.objects.filter(
            to_status=ReferralStatus.COMPLETED,
            occurred_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            occurred_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
            referral__service__category=ServiceCategory.ONLINE_COURSE,
        )
        .exclude(referral__certificate_number="", referral__certificate_url="")
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values("day", centre_id=F("referral__centre_id"))
        .annotate(n=Count("id"))
    )
    for row in rows:
        yield row["centre_id"], row["day"], "", "", row["n"]


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
        new_cases,
    ),
    Indicator(
        "sessions_held",
        _("Counselling sessions held"),
        _("Individual counselling sessions logged with a date in the period."),
        COUNT,
        COUNSELLING,
        (),
        sessions_held,
    ),
    Indicator(
        "group_participants",
        _("Group-session participants"),
        _("People who took part in group information sessions held in the period, as counted at each session."),
        COUNT,
        COUNSELLING,
        PEOPLE_DIMENSIONS,
        group_participants,
    ),
    Indicator(
        "followups_overdue",
        _("Follow-ups overdue"),
        _("Follow-ups due before the last day of the period and not done by its end."),
        SNAPSHOT,
        COUNSELLING,
        (),
        followups_overdue,
    ),
    Indicator(
        "referrals_made",
        _("Referrals made"),
        _("Referrals sent to a service in the period."),
        COUNT,
        REFERRALS,
        (CATEGORY,),
        referrals_made,
    ),
    Indicator(
        "referrals_accepted",
        _("Referrals accepted"),
        _("Referrals that a partner accepted in the period."),
        COUNT,
        REFERRALS,
        (CATEGORY,),
        referral_events("accepted"),
    ),
    Indicator(
        "referrals_completed",
        _("Referrals completed"),
        _("Referrals marked completed in the period."),
        COUNT,
        REFERRALS,
        (CATEGORY,),
        referral_events("completed"),
    ),
    Indicator(
        "online_course_completions",
        _("Online course completions with evidence"),
        _(
            "Referrals to online courses completed in the period with a certificate number or an Open Badge or "
            "certificate link, entered by the counsellor, the course's organisation or the client."
        ),
        COUNT,
        REFERRALS,
        (),
        online_course_completions,
    ),
    Indicator(
        "referrals_closed",
        _("Referrals closed"),
        _("Referrals that reached a final status in the period: completed, dropped out, declined or cancelled."),
        COUNT,
        REFERRALS,
        (CATEGORY,),
        referral_events("completed", "dropped_out", "declined", "cancelled"),
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
        days_to_first_referral,
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
        fair_registrations("registered", "attended", "no_show"),
    ),
    Indicator(
        "fair_attended",
        _("Job-fair attendees"),
        _("Registrations marked as attended, for job fairs that started in the period."),
        COUNT,
        JOB_FAIRS,
        PEOPLE_DIMENSIONS,
        fair_registrations("attended"),
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
        fair_meetings,
    ),
    Indicator(
        "fair_applications",
        _("Job applications"),
        _("Applications submitted in the period to vacancies of a job fair."),
        COUNT,
        JOB_FAIRS,
        PEOPLE_DIMENSIONS,
        applications("created_at"),
    ),
    Indicator(
        "fair_hires",
        _("Hires"),
        _("Applications to vacancies of a job fair marked as hired in the period."),
        COUNT,
        JOB_FAIRS,
        PEOPLE_DIMENSIONS,
        applications("hired_at", status="hired"),
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
STORED = tuple(indicator for indicator in INDICATORS if indicator.is_stored)
SNAPSHOT_CODES = frozenset(indicator.code for indicator in INDICATORS if indicator.kind == SNAPSHOT)
