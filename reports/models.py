"""Roll-up tables of the reports (filled by reports.services).

They hold counts and codes only, never a name: an aggregate view reads them
and nothing else, so it cannot reach a person even by mistake.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "BuildStatus",
    "DailyCount",
    "Level",
    "PeopleCount",
    "PeriodCount",
    "PersonDay",
    "ReportBuild",
    "ReportNotice",
    "RollupFreshness",
    "ScopeKind",
]


class DailyCount(models.Model):
    """An additive count of one indicator at one centre on one day, in total or for one value of one dimension.

    ``dimension`` is empty for the total row; otherwise e.g. ``sex`` with ``value`` ``female``.
    Snapshot indicators (e.g. follow-ups overdue) hold the state at the end of the day instead of a flow.
    """

    centre = models.ForeignKey("portal.Centre", on_delete=models.CASCADE, related_name="+", verbose_name=_("centre"))
    day = models.DateField(_("day"))
    indicator = models.CharField(_("indicator"), max_length=40)
    dimension = models.CharField(_("dimension"), max_length=20, blank=True)
    value = models.CharField(_("value"), max_length=40, blank=True)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        db_table = "portal_dailycount"  # created by the portal app, before the reports had their own
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "day", "indicator", "dimension", "value"], name="report_daily_count_unique"
            ),
        ]
        indexes = [models.Index(fields=["day", "indicator"], name="report_daily_day_idx")]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.day} {self.indicator} {self.dimension}={self.value}: {self.count}"


class PersonDay(models.Model):
    """One person counselled at one centre on one day (unique people cannot be summed across days).

    ``client_key`` is the client's internal number, deliberately not a foreign key: the roll-up
    leads to no name. The person's sex, age band (on that day) and target group are copied.
    """

    centre = models.ForeignKey("portal.Centre", on_delete=models.CASCADE, related_name="+", verbose_name=_("centre"))
    day = models.DateField(_("day"))
    client_key = models.BigIntegerField(_("client number"))
    sex = models.CharField(_("sex"), max_length=16)
    age_band = models.CharField(_("age band"), max_length=16)
    target_group = models.CharField(_("target group"), max_length=32)

    class Meta:
        db_table = "portal_personday"  # created by the portal app, before the reports had their own
        verbose_name = _("person counselled on a day")
        verbose_name_plural = _("people counselled per day")
        constraints = [
            models.UniqueConstraint(fields=["centre", "day", "client_key"], name="report_person_day_unique"),
        ]
        indexes = [models.Index(fields=["day", "centre"], name="report_person_day_idx")]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.day} #{self.client_key}"


class Level(models.TextChoices):
    """Where a period roll-up row is summed: one centre, one country, or the whole programme."""

    CENTRE = "centre", _("Centre")
    COUNTRY = "country", _("Country")
    PROGRAMME = "programme", _("Programme")


class PeriodCount(models.Model):
    """DailyCount summed over one calendar month (``grain`` month, ``day`` its first day) for one centre, one
    country or the whole programme, and over one day for a country or the programme (``grain`` day).

    Derived from DailyCount by reports.services (snapshots are not summed: they stay daily), so a
    year is read as a dozen months, and the days of a month as one row per value, whatever the number of
    centres. ``centre`` is set on centre rows, ``country`` on country rows, neither on programme rows.
    """

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    centre = models.ForeignKey(
        "portal.Centre", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("centre")
    )
    country = models.ForeignKey(
        "portal.Country", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    grain = models.CharField(_("grain"), max_length=5)  # "day" or "month"
    day = models.DateField(_("day"))
    indicator = models.CharField(_("indicator"), max_length=40)
    dimension = models.CharField(_("dimension"), max_length=20, blank=True)
    value = models.CharField(_("value"), max_length=40, blank=True)
    count = models.BigIntegerField(_("count"))

    class Meta:
        db_table = "portal_periodcount"  # created by the portal app, before the reports had their own
        verbose_name = _("period count")
        verbose_name_plural = _("period counts")
        indexes = [models.Index(fields=["level", "centre", "country", "grain", "day"], name="report_period_count_idx")]

    def __str__(self) -> str:
        return f"{self.level} {self.centre_id or self.country_id or ''} {self.grain} {self.day} {self.indicator}"


class PeopleCount(models.Model):
    """People counted at a level on a day (``grain`` day) or in a month (``grain`` month, ``day`` its first day)
    whose previous visit at that level was in an earlier month, by the month from which they count as new.

    A person counts once in a period that starts on the first of a month ``s`` at their first visit in it,
    which is exactly a visit whose previous visit (at that level, in the order day, centre) was before ``s``:
    ``new_from`` is the first of the month after that previous visit (null: no previous visit), so the
    unique people of a period are a sum of rows with ``new_from <= s``. Visits whose previous visit was in
    the same month never count and are not kept. Derived from PersonDay (see reports.services);
    the person's sex, age band and target group are those of the counted visit.
    """

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    centre = models.ForeignKey(
        "portal.Centre", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("centre")
    )
    country = models.ForeignKey(
        "portal.Country", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    grain = models.CharField(_("grain"), max_length=5)  # "day" or "month"
    day = models.DateField(_("day"))
    new_from = models.DateField(_("new from"), null=True, blank=True)
    dimension = models.CharField(_("dimension"), max_length=20, blank=True)
    value = models.CharField(_("value"), max_length=40, blank=True)
    count = models.BigIntegerField(_("count"))

    class Meta:
        db_table = "portal_peoplecount"  # created by the portal app, before the reports had their own
        verbose_name = _("people count")
        verbose_name_plural = _("people counts")
        indexes = [
            models.Index(fields=["level", "centre", "country", "grain", "day"], name="report_people_count_idx"),
            # The comparison tables read only the totals (dimension ""): served from the index alone.
            models.Index(
                fields=["level", "centre", "country", "grain", "day"],
                include=["new_from", "count"],
                condition=Q(dimension=""),
                name="report_people_total_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.centre_id or self.country_id or ''} {self.grain} {self.day}: {self.count}"


class RollupFreshness(models.Model):
    """When the roll-ups were last rebuilt up to the present day: the dashboards' "data as of".

    One row (pk 1). ``as_of`` is the moment the rebuild began reading the raw tables, after it took the
    rebuild lock: every write committed before it is in the figures.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    as_of = models.DateTimeField(_("data as of"))

    class Meta:
        verbose_name = _("roll-up freshness")
        verbose_name_plural = _("roll-up freshness")
        constraints = [models.CheckConstraint(name="report_freshness_one_row", condition=Q(id=1))]

    def __str__(self) -> str:
        return self.as_of.isoformat()


# --- PDF reports ---------------------------------------------------------------------------------------


class ScopeKind(models.TextChoices):
    CENTRE = "centre", _("Centre")
    COUNTRY = "country", _("Country")
    PROGRAMME = "programme", _("Programme")


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


ACTIVE_STATUSES = (BuildStatus.QUEUED, BuildStatus.RUNNING)
# The fields that make two requests "the same report".
SAME_REPORT = (
    "scope_kind",
    "centre",
    "country",
    "suppressed",
    "period_kind",
    "period_start",
    "period_end",
    "language",
)


class ReportBuild(models.Model):
    """One PDF report of a scope and period, in one language, built by a Celery task and kept.

    ``suppressed``: built for eyes outside the centre (small cells hidden); such a build is all a
    coordinator or analyst may open. The file lives under MEDIA_ROOT (outside the web root) and is
    served only through the download view.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scope_kind = models.CharField(_("scope"), max_length=12, choices=ScopeKind.choices)
    centre = models.ForeignKey(
        "portal.Centre", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("centre")
    )
    country = models.ForeignKey(
        "portal.Country", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    suppressed = models.BooleanField(_("small cells suppressed"))
    period_kind = models.CharField(_("period"), max_length=10)
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    notes = models.TextField(_("notes"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    scheduled = models.BooleanField(_("scheduled"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Touched every HEARTBEAT_SECONDS by the worker rendering the build (reports.services.builds): a running build
    # whose heartbeat stopped lost its worker (killed, out of memory, the machine gone) and is queued again.
    heartbeat_at = models.DateTimeField(_("worker last seen"), null=True, blank=True, editable=False)

    class Meta:
        db_table = "portal_reportbuild"  # created by the portal app, before the reports had their own
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")
        constraints = [
            # The same report is never built twice at once: a second request gets the running build.
            models.UniqueConstraint(
                fields=SAME_REPORT,
                condition=Q(status__in=ACTIVE_STATUSES),
                nulls_distinct=False,
                name="report_build_one_active",
            ),
            # The monthly schedule builds each report once, however often it runs.
            models.UniqueConstraint(
                fields=SAME_REPORT,
                condition=Q(scheduled=True),
                nulls_distinct=False,
                name="report_build_scheduled_once",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_build_progress_max"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="report_build_period_order"),
        ]
        indexes = [
            models.Index(fields=["scope_kind", "centre", "country", "-created_at"], name="report_build_scope_idx")
        ]

    def __str__(self) -> str:
        return f"{self.scope_kind} {self.period_start}..{self.period_end} {self.language} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ReportNotice(models.Model):
    """One e-mail telling one manager that a scheduled report is ready: written with the send, so never sent twice."""

    build = models.ForeignKey(ReportBuild, on_delete=models.CASCADE, related_name="notices", verbose_name=_("report"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        db_table = "portal_reportnotice"  # created by the portal app, before the reports had their own
        verbose_name = _("report notice")
        verbose_name_plural = _("report notices")
        constraints = [models.UniqueConstraint(fields=["build", "user"], name="report_notice_once")]

    def __str__(self) -> str:
        return f"{self.build_id} → {self.user_id}"
