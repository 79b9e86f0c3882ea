"""Personal data: registrations, bookings, applications and survey answers, with their scoping rules.

Each goes through the one door: `ScopedManager` with a `for_access` rule per model.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counselling.agebands import AgeBand
from counselling.consent import active_consents, has_consent
from counselling.models import ConsentPurpose, Sex, TargetGroup
from jobfairs.models.choices import (
    ACTIVE_REGISTRATION,
    ApplicationStatus,
    BookingStatus,
    RegistrationStatus,
    RespondentKind,
)
from jobfairs.models.fairs import Booth, Employer, JobFair, MeetingSlot, Vacancy
from portal.access import CASEWORK_ROLES, Access, ScopedManager, ScopedQuerySet

# --- Scoping rules --------------------------------------------------------------------------


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
    consent = active_consents(ConsentPurpose.SHARE_WITH_EMPLOYERS).filter(client_id=OuterRef(f"{prefix}client_id"))
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


# What a returnee's consent to share with the fair's employers covered, by the wording they agreed to
# (`RegistrationForm.share_profile`, the "Share my profile" button under "My job fairs"). A consent is
# shown to employers only as far as its wording went (`jobfairs.selectors.list_candidates`).
# 1: "my name, e-mail and profile" (before issue #19): name, e-mail address, skills, languages, CV.
# 2: name, how to reach me (phone number, e-mail address), skills, languages and CV.
CONSENT_WORDING_PHONE = 2
CONSENT_WORDING = 2


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
    # The wording of the consent (CONSENT_WORDING): what the person agreed employers may see.
    consent_wording = models.PositiveSmallIntegerField(
        _("wording of the consent to share"), default=CONSENT_WORDING, db_default=CONSENT_WORDING
    )
    check_in_code = models.CharField(_("check-in code"), max_length=8, unique=True, default=_check_in_code)
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    joined_online_at = models.DateTimeField(_("joined online"), null=True, blank=True)
    survey_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Self-declared by a returnee who has no client record, only for the programme's anonymous
    # statistics (reports). Blank: "prefer not to say", counted as unknown. An age band, not
    # a year of birth: the statistics need no more. A client's own record always takes precedence.
    # db_default too: rows written with raw SQL or COPY (devtools/bench/seed) leave them out.
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
        return has_consent(self.client, ConsentPurpose.SHARE_WITH_EMPLOYERS)

    @property
    def shares_phone(self) -> bool:
        """Whether the consent to share covers the phone number: a returnee's, when its wording said so; a
        client's case-file consent to share a profile with employers covers the contact details."""
        if self.user_id:
            return self.consent_wording >= CONSENT_WORDING_PHONE
        return True

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
