"""Employers, job fairs, booths, vacancies, registrations, meeting slots, applications and surveys.

Public data (published fairs, booths of verified employers, public vacancies,
slots) use plain managers; the public selectors filter to what may be shown.
Personal data (registrations, bookings, applications, survey answers) goes
through the one door: `ScopedManager` with a `for_access` rule per model.
"""

from __future__ import annotations

import secrets
import uuid
import zoneinfo
from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from counselling.models import Sex, TargetGroup
from portal.access import CASEWORK_ROLES, Access, Role, ScopedManager, ScopedQuerySet

# --- Choices -------------------------------------------------------------------


class VettingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")


class FairFormat(models.TextChoices):
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("Hybrid")
    ON_SITE = "on_site", _("On-site")


class FairStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("fair status", "Draft")
    PUBLISHED = "published", pgettext_lazy("fair status", "Published")
    CLOSED = "closed", pgettext_lazy("fair status", "Closed")
    ARCHIVED = "archived", pgettext_lazy("fair status", "Archived")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not attend")


class AgeBand(models.TextChoices):
    """The reports' age bands (portal.reports.indicators), as a returnee may declare one."""

    UNDER_18 = "under_18", _("under 18")
    FROM_18_TO_24 = "18_24", _("18 to 24")
    FROM_25_TO_34 = "25_34", _("25 to 34")
    FROM_35_TO_49 = "35_49", _("35 to 49")
    FROM_50 = "50_plus", _("50 and older")


class BookingStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("booking status", "Booked")
    CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")


class BoothStatus(models.TextChoices):
    """An employer asks for a booth; a manager of an organising centre decides."""

    PENDING = "pending", pgettext_lazy("booth status", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("booth status", "Approved")
    DECLINED = "declined", pgettext_lazy("booth status", "Declined")


class EmploymentType(models.TextChoices):
    # The values are schema.org's employmentType values.
    FULL_TIME = "FULL_TIME", _("Full time")
    PART_TIME = "PART_TIME", _("Part time")
    CONTRACTOR = "CONTRACTOR", _("Contractor")
    TEMPORARY = "TEMPORARY", _("Temporary")
    INTERN = "INTERN", _("Internship")
    OTHER = "OTHER", _("Other")


class SalaryUnit(models.TextChoices):
    HOUR = "HOUR", _("per hour")
    MONTH = "MONTH", _("per month")
    YEAR = "YEAR", _("per year")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RespondentKind(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    EMPLOYER = "employer", _("Employer")


ACTIVE_REGISTRATION = (RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW)
FINAL_APPLICATION = (ApplicationStatus.HIRED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)
FAIR_STAFF_ROLES = (Role.COUNSELLOR, Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)


# --- Public data -------------------------------------------------------------------


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


def _translated(obj: models.Model, field: str) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return (obj.translations.get(language) or {}).get(field) or getattr(obj, field)


class JobFair(models.Model):
    """A virtual, hybrid or on-site job fair, organised by one or more centres."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Title and description in other languages: {"fr": {"title": ..., "description": ...}}.
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
        return _translated(self, "title")

    @property
    def localized_description(self) -> str:
        return _translated(self, "description")

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


# --- Personal data: scoping rules --------------------------------------------------------


def _staff_fairs(access: Access) -> models.QuerySet:
    return JobFair.objects.staffed_by(access).values("pk")


# Employers reach personal data only through these two rules: a verified employer (a suspended
# one loses access with the very next request), and for candidates and bookings a booth the
# organising centre approved. Pending and declined booths see nothing.


def _verified_employers(access: Access) -> models.QuerySet:
    return Employer.objects.verified().filter(pk__in=access.employer_ids()).values("pk")


def _approved_booths(access: Access) -> models.QuerySet:
    return Booth.objects.approved().filter(employer_id__in=access.employer_ids())


def shares_profile_q(prefix: str = "") -> Q:
    """Registrations whose candidate agreed to share the profile with the fair's employers.

    A returnee gives the consent on the registration itself; a client
    registered by a counsellor has it (or not) in the case file's consents.
    """
    from counselling.models import Consent, ConsentPurpose

    consent = Consent._base_manager.filter(
        client_id=OuterRef(f"{prefix}client_id"),
        purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS,
        withdrawn_at__isnull=True,
    )
    return Q(**{f"{prefix}user__isnull": False, f"{prefix}consent_given_at__isnull": False}) & Q(
        **{f"{prefix}consent_withdrawn_at__isnull": True}
    ) | Q(Exists(consent), **{f"{prefix}client__isnull": False})


class RegistrationQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """Own registrations; the organising centres' staff; clients of one's centre; a verified
        employer with an approved booth at the fair sees only candidates who consented (and are not
        cancelled)."""
        q = Q(user_id=access.user_id) | Q(fair_id__in=_staff_fairs(access))
        client_centres = access.centre_ids(*CASEWORK_ROLES)
        if client_centres:
            q |= Q(client__centre_id__in=client_centres)
        if access.employer_ids():
            q |= (
                Q(fair_id__in=_approved_booths(access).values("fair_id"), status__in=ACTIVE_REGISTRATION)
                & shares_profile_q()
            )
        return self.filter(q)

    def active(self) -> Self:
        return self.exclude(status__in=[RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED])


class BookingQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """The candidate's own bookings, the booth's (verified) employer while the booth is approved,
        and the organising centres' staff."""
        q = Q(registration__user_id=access.user_id) | Q(slot__booth__fair_id__in=_staff_fairs(access))
        if access.employer_ids():
            q |= Q(slot__booth__in=_approved_booths(access).values("pk"))
        return self.filter(q)


class ApplicationQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """The applicant, the vacancy's employer while it is verified, and the staff of the fair the
        vacancy was shown at."""
        q = Q(applicant_id=access.user_id) | Q(vacancy__fair_id__in=_staff_fairs(access))
        if access.employer_ids():
            q |= Q(vacancy__employer_id__in=_verified_employers(access))
        return self.filter(q)


class SurveyQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """The respondent, and the organising centres' staff (who see results, aggregated)."""
        return self.filter(Q(respondent_id=access.user_id) | Q(fair_id__in=_staff_fairs(access)))


def _check_in_code() -> str:
    # No 0/O or 1/I: read out loud or typed from a printout.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Registration(models.Model):
    """A candidate at a fair: a returnee with a portal account, or a client registered by a counsellor."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fair = models.ForeignKey(
        JobFair, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("job fair")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fair_registrations",
        verbose_name=_("portal account"),
    )
    client = models.ForeignKey(
        "counselling.Client",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fair_registrations",
        verbose_name=_("client"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    consent_given_at = models.DateTimeField(_("consent to share given"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent to share withdrawn"), null=True, blank=True)
    check_in_code = models.CharField(_("check-in code"), max_length=8, unique=True, default=_check_in_code)
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    joined_online_at = models.DateTimeField(_("joined online"), null=True, blank=True)
    survey_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Self-declared by a returnee who has no client record, only for the programme's anonymous
    # statistics (portal.reports). Blank: "prefer not to say", counted as unknown. An age band, not
    # a year of birth: the statistics need no more. A client's own record always takes precedence.
    # db_default too: rows written with raw SQL or COPY (portal/bench/seed.py) leave them out.
    declared_sex = models.CharField(
        _("sex (self-declared)"),
        max_length=16,
        blank=True,
        default="",
        db_default="",
        choices=[(value, label) for value, label in Sex.choices if value != Sex.UNDISCLOSED],
    )
    declared_age_band = models.CharField(
        _("age band (self-declared)"), max_length=16, blank=True, default="", db_default="", choices=AgeBand.choices
    )
    declared_target_group = models.CharField(
        _("target group (self-declared)"),
        max_length=32,
        blank=True,
        default="",
        db_default="",
        choices=TargetGroup.choices,
    )

    objects = ScopedManager.from_queryset(RegistrationQuerySet)()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(
                name="registration_user_or_client",
                condition=Q(user__isnull=False, client__isnull=True) | Q(user__isnull=True, client__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["fair", "user"], condition=~Q(status="cancelled"), name="registration_one_active_per_user"
            ),
            models.UniqueConstraint(
                fields=["fair", "client"], condition=~Q(status="cancelled"), name="registration_one_active_per_client"
            ),
        ]
        indexes = [models.Index(fields=["fair", "status", "created_at"], name="registration_fair_status_idx")]

    def __str__(self) -> str:
        return f"{self.fair_id} · {self.status}"

    @property
    def shares_profile(self) -> bool:
        """Whether the candidate agreed (and has not withdrawn) to share the profile with the fair's employers."""
        if self.user_id:
            return self.consent_given_at is not None and self.consent_withdrawn_at is None
        from counselling.models import ConsentPurpose
        from counselling.services import has_consent

        return has_consent(self.client, ConsentPurpose.SHARE_WITH_EMPLOYERS)

    @property
    def candidate_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name()
        return self.client.display_name

    @property
    def candidate_email(self) -> str:
        return self.user.email if self.user_id else self.client.email

    @property
    def can_book(self) -> bool:
        return self.status in (RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED)


class Booking(models.Model):
    """One candidate's booking of a meeting slot."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slot = models.ForeignKey(MeetingSlot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot"))
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("registration")
    )
    status = models.CharField(_("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.ACTIVE)
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    objects = ScopedManager.from_queryset(BookingQuerySet)()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(fields=["slot"], condition=Q(status="active"), name="booking_one_active_per_slot"),
        ]
        indexes = [
            models.Index(fields=["registration", "status"], name="booking_registration_idx"),
            models.Index(fields=["status", "reminded_at"], name="booking_reminder_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.slot_id} · {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status == BookingStatus.ACTIVE


class Application(models.Model):
    """A candidate's application to a vacancy, moved on by the employer."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="applications", verbose_name=_("vacancy")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="job_applications",
        verbose_name=_("applicant"),
    )
    registration = models.ForeignKey(
        Registration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        verbose_name=_("registration"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    cover_note = models.TextField(_("message to the employer"), blank=True)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    hired_at = models.DateTimeField(_("hired"), null=True, blank=True)

    objects = ScopedManager.from_queryset(ApplicationQuerySet)()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "applicant"],
                condition=~Q(status="withdrawn"),
                name="application_one_active_per_vacancy",
            ),
            models.CheckConstraint(
                name="application_hired_has_date", condition=~Q(status="hired") | Q(hired_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vacancy_id} · {self.status}"


class SurveyResponse(models.Model):
    """A post-event survey answer of a candidate or an employer."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fair = models.ForeignKey(
        JobFair, on_delete=models.CASCADE, related_name="survey_responses", verbose_name=_("job fair")
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("respondent")
    )
    kind = models.CharField(_("answered as"), max_length=16, choices=RespondentKind.choices)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1 to 5)"))
    technical_problems = models.BooleanField(_("had technical problems"), default=False)
    what_worked = models.TextField(_("what worked well"), blank=True)
    to_improve = models.TextField(_("what should change"), blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    objects = ScopedManager.from_queryset(SurveyQuerySet)()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["fair", "respondent"], name="survey_one_per_person_per_fair"),
            models.CheckConstraint(
                name="survey_satisfaction_range", condition=Q(satisfaction__gte=1, satisfaction__lte=5)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fair_id} · {self.kind}"
