"""Checks and row locks the job fairs' services share (private to `jobfairs.services`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jobfairs.models import Employer, JobFair, Registration, VettingStatus
from portal.access import Access, unscoped
from portal.errors import DomainError, NotAllowed


def require_employer(access: Access, employer_id: int) -> None:
    if employer_id not in access.employer_ids():
        raise NotAllowed(_("This page does not exist."))


def require_fair_staff(access: Access, fair: JobFair, *roles: str) -> None:
    if not JobFair.objects.staffed_by(access, *roles).filter(pk=fair.pk).exists():
        raise NotAllowed(_("This job fair does not exist."))


def require_verified(employer: Employer) -> None:
    if employer.vetting_status == VettingStatus.SUSPENDED:
        raise DomainError(_("Your organisation is suspended. Please contact the centre."))
    if employer.vetting_status != VettingStatus.VERIFIED:
        raise DomainError(
            _("Your organisation has not been verified yet. A centre will check it before you can publish.")
        )


def lock_fair(fair: JobFair) -> JobFair:
    return JobFair.objects.select_for_update().get(pk=fair.pk)


def lock_registration(registration: Registration) -> Registration:
    with unscoped():
        return Registration.objects.select_for_update(of=("self",)).select_related("fair").get(pk=registration.pk)


def require_own_registration(access: Access, registration: Registration) -> None:
    if registration.user_id is None or registration.user_id != access.user_id:
        raise NotAllowed(_("This page does not exist."))
