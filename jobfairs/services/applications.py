"""Applications to vacancies: the returnee applies or withdraws, the employer moves the application on."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobfairs.audit import JobfairsAudit
from jobfairs.models import FINAL_APPLICATION, Application, ApplicationStatus, Registration, RegistrationStatus, Vacancy
from jobfairs.services._guards import require_employer
from portal.access import Access, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.models import User

# Where an application may go next; the employer moves it on, the applicant withdraws.
APPLICATION_STEPS: dict[str, tuple[str, ...]] = {
    ApplicationStatus.SUBMITTED: (ApplicationStatus.SHORTLISTED, ApplicationStatus.REJECTED),
    ApplicationStatus.SHORTLISTED: (ApplicationStatus.INTERVIEW, ApplicationStatus.REJECTED),
    ApplicationStatus.INTERVIEW: (ApplicationStatus.OFFER, ApplicationStatus.REJECTED),
    ApplicationStatus.OFFER: (ApplicationStatus.HIRED, ApplicationStatus.REJECTED),
}


@transaction.atomic(durable=True)
def apply_to_vacancy(*, access: Access, actor: User, vacancy: Vacancy, cover_note: str = "") -> Application:
    """A returnee applies to a public vacancy; applying shares their name and e-mail with this employer."""
    if access.has_membership:
        raise DomainError(_("Staff accounts cannot apply to vacancies."))
    if not Vacancy.objects.public().filter(pk=vacancy.pk).exists():
        raise NotAllowed(_("This page does not exist."))
    registration = None
    with unscoped():
        if (
            Application.objects.filter(vacancy=vacancy, applicant=actor)
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .exists()
        ):
            raise DomainError(_("You have already applied to this vacancy."))
        if vacancy.fair_id:
            registration = (
                Registration.objects.filter(fair_id=vacancy.fair_id, user=actor)
                .exclude(status=RegistrationStatus.CANCELLED)
                .first()
            )
    application = Application.objects.create(
        vacancy=vacancy, applicant=actor, registration=registration, cover_note=cover_note
    )
    record_event(actor=actor, action=JobfairsAudit.APPLICATION_SUBMITTED, target=application)
    return application


@transaction.atomic(durable=True)
def update_application_status(*, access: Access, actor: User, application: Application, status: str) -> Application:
    """The employer moves an application on: submitted → shortlisted → interview → offer → hired, or rejects it.

    A suspended (or not yet verified) employer sees no application, so it may not move one either.
    """
    require_employer(access, application.vacancy.employer_id)
    if not application.vacancy.employer.is_verified:
        raise NotAllowed(_("This page does not exist."))
    with unscoped():
        application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if status not in APPLICATION_STEPS.get(application.status, ()):
        raise DomainError(
            _("An application that is “%(current)s” cannot become “%(new)s”.")
            % {
                "current": ApplicationStatus(application.status).label,
                "new": ApplicationStatus(status).label if status in ApplicationStatus.values else status,
            },
            field="status",
        )
    now = timezone.now()
    application.status = status
    application.updated_at = now
    if status == ApplicationStatus.HIRED:
        application.hired_at = now
    application.save(update_fields=["status", "updated_at", "hired_at"])
    record_event(
        actor=actor, action=JobfairsAudit.APPLICATION_STATUS_CHANGED, target=application, details={"status": status}
    )
    return application


@transaction.atomic(durable=True)
def withdraw_application(*, access: Access, actor: User, application: Application) -> Application:
    """The applicant withdraws an application that is still open."""
    if application.applicant_id != access.user_id:
        raise NotAllowed(_("This page does not exist."))
    if application.status in FINAL_APPLICATION:
        raise DomainError(_("This application is already closed."))
    application.status = ApplicationStatus.WITHDRAWN
    application.updated_at = timezone.now()
    application.save(update_fields=["status", "updated_at"])
    record_event(actor=actor, action=JobfairsAudit.APPLICATION_WITHDRAWN, target=application)
    return application
