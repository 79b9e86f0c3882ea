"""The job fairs app's audit action codes, each with its label for the audit search screen.

Registered in `jobfairs.apps.JobfairsConfig.ready` through `portal.audit.register_actions`;
`portal.audit.record_event` refuses a code that is not. A code never changes once lines carry it: add a
new member instead.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class JobfairsAudit(models.TextChoices):
    """Job fairs' audit action codes: employers, fairs, booths, vacancies, registrations, bookings, applications,
    surveys and the candidates employers see."""

    EMPLOYER_VETTED = "jobfairs.employer.vetted", pgettext_lazy("audit action", "Employer vetted")
    FAIR_CREATED = "jobfairs.fair.created", pgettext_lazy("audit action", "Job fair created")
    FAIR_UPDATED = "jobfairs.fair.updated", pgettext_lazy("audit action", "Job fair updated")
    FAIR_PUBLISHED = "jobfairs.fair.published", pgettext_lazy("audit action", "Job fair published")
    BOOTH_REQUESTED = "jobfairs.booth.requested", pgettext_lazy("audit action", "Booth requested")
    BOOTH_UPDATED = "jobfairs.booth.updated", pgettext_lazy("audit action", "Booth updated")
    BOOTH_APPROVED = "jobfairs.booth.approved", pgettext_lazy("audit action", "Booth approved")
    BOOTH_DECLINED = "jobfairs.booth.declined", pgettext_lazy("audit action", "Booth declined")
    SLOTS_ADDED = "jobfairs.slots.added", pgettext_lazy("audit action", "Meeting slots added")
    VACANCY_CREATED = "jobfairs.vacancy.created", pgettext_lazy("audit action", "Vacancy created")
    VACANCY_UPDATED = "jobfairs.vacancy.updated", pgettext_lazy("audit action", "Vacancy updated")
    SURVEY_ANSWERED = "jobfairs.survey.answered", pgettext_lazy("audit action", "Survey answered")
    APPLICATION_SUBMITTED = "jobfairs.application.submitted", pgettext_lazy("audit action", "Application submitted")
    APPLICATION_STATUS_CHANGED = (
        "jobfairs.application.status_changed",
        pgettext_lazy("audit action", "Application status changed"),
    )
    APPLICATION_WITHDRAWN = "jobfairs.application.withdrawn", pgettext_lazy("audit action", "Application withdrawn")
    REGISTRATION_CREATED = "jobfairs.registration.created", pgettext_lazy("audit action", "Registered for a job fair")
    REGISTRATION_PROMOTED = (
        "jobfairs.registration.promoted",
        pgettext_lazy("audit action", "Moved up from the waiting list"),
    )
    REGISTRATION_CANCELLED = (
        "jobfairs.registration.cancelled",
        pgettext_lazy("audit action", "Job fair registration cancelled"),
    )
    REGISTRATION_CHECKED_IN = (
        "jobfairs.registration.checked_in",
        pgettext_lazy("audit action", "Checked in at the fair"),
    )
    REGISTRATION_JOINED = "jobfairs.registration.joined", pgettext_lazy("audit action", "Joined the fair online")
    CONSENT_GIVEN = "jobfairs.consent.given", pgettext_lazy("audit action", "Consent to share the profile given")
    CONSENT_WITHDRAWN = (
        "jobfairs.consent.withdrawn",
        pgettext_lazy("audit action", "Consent to share the profile withdrawn"),
    )
    BOOKING_CREATED = "jobfairs.booking.created", pgettext_lazy("audit action", "Meeting booked")
    BOOKING_CANCELLED = "jobfairs.booking.cancelled", pgettext_lazy("audit action", "Meeting booking cancelled")
    CANDIDATE_VIEWED = "jobfairs.candidate.viewed", pgettext_lazy("audit action", "Candidate viewed by an employer")
    CANDIDATE_CV_DOWNLOADED = (
        "jobfairs.candidate.cv_downloaded",
        pgettext_lazy("audit action", "Candidate's CV downloaded by an employer"),
    )
