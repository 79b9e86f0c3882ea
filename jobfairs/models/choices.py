"""The job fairs' choices (statuses, formats, kinds) and the status groups the rules use."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.access import Role


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
