"""Public data: employers, fairs, booths, vacancies and meeting slots.

They use plain managers; the public selectors filter to what may be shown.
"""

from __future__ import annotations

import uuid
import zoneinfo
from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobfairs.models.choices import (
    FAIR_STAFF_ROLES,
    BoothStatus,
    EmploymentType,
    FairFormat,
    FairStatus,
    SalaryUnit,
    VettingStatus,
)
from portal.access import Access, Role
from portal.i18n_content import translated


class EmployerQuerySet(models.QuerySet):
    def verified(self) -> Self:
        return self.filter(vetting_status=VettingStatus.VERIFIED)


class Employer(models.Model):
    """An employer taking part in job fairs; only verified employers appear publicly."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="employers", verbose_name=_("country")
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    vetting_status = models.CharField(
        _("vetting status"), max_length=16, choices=VettingStatus.choices, default=VettingStatus.PENDING
    )
    vetting_note = models.TextField(_("vetting note"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.vetting_status == VettingStatus.VERIFIED


class JobFairQuerySet(models.QuerySet):
    def public(self) -> Self:
        """What anyone may see: published fairs, and closed ones (their page stays)."""
        return self.filter(status__in=[FairStatus.PUBLISHED, FairStatus.CLOSED])

    def staffed_by(self, access: Access, *roles: str) -> Self:
        """Fairs organised by one of the user's centres (for `roles`), or in a country they coordinate."""
        roles = roles or FAIR_STAFF_ROLES
        q = Q(pk__in=[])
        centre_ids = access.centre_ids(*roles)
        if centre_ids:
            q |= Q(pk__in=JobFair.centres.through.objects.filter(centre_id__in=centre_ids).values("jobfair_id"))
        if Role.COUNTRY_COORDINATOR in roles:
            countries = access.country_codes(Role.COUNTRY_COORDINATOR)
            if countries:
                q |= Q(country_id__in=countries)
        return self.filter(q)


class JobFair(models.Model):
    """A virtual, hybrid or on-site job fair, organised by one or more centres."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Title, description and questions in other languages (`portal.i18n_content`):
    # {"fr": {"title": ..., "description": ..., "questions": [one per question, "" when not translated]}}.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=16, choices=FairFormat.choices)
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="job_fairs", verbose_name=_("country")
    )
    centres = models.ManyToManyField("portal.Centre", related_name="job_fairs", verbose_name=_("organising centres"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    capacity = models.PositiveIntegerField(_("places"))
    waiting_list_size = models.PositiveIntegerField(_("places on the waiting list"), default=50)
    cancel_deadline_minutes = models.PositiveIntegerField(
        _("bookings can be cancelled until (minutes before)"), default=120
    )
    status = models.CharField(_("status"), max_length=16, choices=FairStatus.choices, default=FairStatus.DRAFT)
    languages = ArrayField(models.CharField(max_length=10), verbose_name=_("languages"), default=list, blank=True)
    questions = ArrayField(
        models.CharField(max_length=300), verbose_name=_("registration questions"), default=list, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("follow-up done"), null=True, blank=True, editable=False)

    objects = JobFairQuerySet.as_manager()

    class Meta:
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(name="jobfair_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))),
            models.CheckConstraint(
                name="jobfair_registration_window",
                condition=Q(registration_closes_at__gt=models.F("registration_opens_at"))
                & Q(registration_closes_at__lte=models.F("ends_at")),
            ),
            models.CheckConstraint(name="jobfair_capacity_positive", condition=Q(capacity__gte=1)),
            models.CheckConstraint(
                name="jobfair_place_given",
                condition=~Q(format="virtual", online_url="") & ~Q(format="on_site", venue=""),
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="jobfair_status_start_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def localized_title(self) -> str:
        """The title in the active language, or the source title (plain text: page titles, e-mails, options)."""
        return translated(self, "title").text

    @property
    def localized_description(self) -> str:
        return translated(self, "description").text

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def viewer_zone_differs(self) -> bool:
        """Whether the viewer's active time zone shows other clock times than the fair's."""
        current = timezone.get_current_timezone()
        return current.utcoffset(self.starts_at.replace(tzinfo=None)) != self.zone.utcoffset(
            self.starts_at.replace(tzinfo=None)
        )

    @property
    def is_virtual(self) -> bool:
        return self.format in (FairFormat.VIRTUAL, FairFormat.HYBRID)

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    def registration_open(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.status == FairStatus.PUBLISHED and self.registration_opens_at <= now < self.registration_closes_at


class BoothQuerySet(models.QuerySet):
    def approved(self) -> Self:
        """Booths the organising centre approved, of employers that are verified now (suspension counts at once)."""
        return self.filter(status=BoothStatus.APPROVED, employer__vetting_status=VettingStatus.VERIFIED)


class Booth(models.Model):
    """An employer's booth at one fair: description, meeting link, documents and staff.

    An employer asks for a booth; it stays invisible to the public, and the fair's candidates stay
    invisible to the employer, until a manager of an organising centre approves it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="booths", verbose_name=_("job fair"))
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="booths", verbose_name=_("employer"))
    description = models.TextField(_("description"), blank=True)
    meeting_url = models.URLField(_("video meeting link"), blank=True)
    documents = models.TextField(_("documents"), blank=True, help_text=_("One link per line, e.g. a company brochure."))
    staff = models.TextField(_("staff at the booth"), blank=True, help_text=_("Names and roles, one per line."))
    status = models.CharField(
        _("status"), max_length=16, choices=BoothStatus.choices, default=BoothStatus.PENDING, db_default="pending"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("decided by"),
    )
    survey_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = BoothQuerySet.as_manager()

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["employer__name"]
        constraints = [models.UniqueConstraint(fields=["fair", "employer"], name="booth_one_per_employer_per_fair")]

    def __str__(self) -> str:
        return f"{self.employer_id} @ {self.fair_id}"

    @property
    def is_approved(self) -> bool:
        return self.status == BoothStatus.APPROVED

    @property
    def document_links(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]

    @property
    def staff_lines(self) -> list[str]:
        return [line.strip() for line in self.staff.splitlines() if line.strip()]


class VacancyQuerySet(models.QuerySet):
    def public(self) -> Self:
        """Published vacancies of verified employers that are still open; one shown at a fair only
        once the employer's booth there is approved (a booth request publishes nothing)."""
        approved_booth = Booth.objects.filter(
            fair_id=OuterRef("fair_id"), employer_id=OuterRef("employer_id"), status=BoothStatus.APPROVED
        )
        return self.filter(
            Q(fair__isnull=True) | Exists(approved_booth),
            is_published=True,
            employer__vetting_status=VettingStatus.VERIFIED,
            valid_through__gte=timezone.localdate(),
        )


class Vacancy(models.Model):
    """A job offer; its public page carries schema.org JobPosting data."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("employer")
    )
    fair = models.ForeignKey(
        JobFair,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vacancies",
        verbose_name=_("job fair"),
    )
    title = models.CharField(_("job title"), max_length=200)
    description = models.TextField(_("description"))
    # Title and description in other languages (`portal.i18n_content`): {"fr": {"title": ..., "description": ...}}.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    isco_code = models.CharField(
        _("occupation (ISCO-08 code)"),
        max_length=4,
        blank=True,
        help_text=_("Optional, e.g. 7212 for welders."),
    )
    employment_type = models.CharField(_("employment type"), max_length=16, choices=EmploymentType.choices)
    country = models.ForeignKey("portal.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    locality = models.CharField(_("town or city"), max_length=120, blank=True)
    remote = models.BooleanField(_("remote work"), default=False)
    salary_min = models.DecimalField(_("salary from"), max_digits=12, decimal_places=2, null=True, blank=True)
    salary_max = models.DecimalField(_("salary up to"), max_digits=12, decimal_places=2, null=True, blank=True)
    salary_currency = models.CharField(_("currency"), max_length=3, blank=True)
    salary_unit = models.CharField(_("salary per"), max_length=8, choices=SalaryUnit.choices, blank=True)
    languages = ArrayField(models.CharField(max_length=10), verbose_name=_("languages"), default=list, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    valid_through = models.DateField(_("apply by"))
    how_to_apply = models.TextField(_("how to apply"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    date_posted = models.DateField(_("posted on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["-date_posted", "title"]
        constraints = [
            models.CheckConstraint(
                name="vacancy_salary_range",
                condition=Q(salary_min__isnull=True) | Q(salary_max__isnull=True) | Q(salary_max__gte=F("salary_min")),
            ),
            models.CheckConstraint(name="vacancy_place_given", condition=Q(remote=True) | ~Q(locality="")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def localized_title(self) -> str:
        """The job title in the active language, or the source title (plain text)."""
        return translated(self, "title").text


class MeetingSlot(models.Model):
    """A 1:1 meeting slot at a booth; at most one active booking (enforced by the database)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="slots", verbose_name=_("booth"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(name="slot_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
            models.UniqueConstraint(fields=["booth", "starts_at"], name="slot_unique_start_per_booth"),
        ]

    def __str__(self) -> str:
        return f"{self.booth_id} {self.starts_at:%Y-%m-%d %H:%M}"
