"""Applications to vacancies and the employer's steps through them: each audited."""

from __future__ import annotations

import pytest

from jobfairs import services
from jobfairs.models import Application, ApplicationStatus, VettingStatus
from portal.access import get_access, unscoped
from portal.errors import DomainError, NotAllowed
from tests.audit import assert_audited
from tests.factories import EmployerFactory, MembershipFactory
from tests.jobfairs.factories import VacancyFactory


def test_application_moves_to_hired_and_refuses_skipping_steps(returnee, employer, employer_org) -> None:
    vacancy = VacancyFactory(employer=employer_org)
    application = services.apply_to_vacancy(access=get_access(returnee.user), actor=returnee.user, vacancy=vacancy)
    assert_audited("jobfairs.application.submitted", target=application, actor=returnee.user)
    with pytest.raises(DomainError, match="already applied"):
        services.apply_to_vacancy(access=get_access(returnee.user), actor=returnee.user, vacancy=vacancy)
    access = get_access(employer.user)
    with pytest.raises(DomainError, match="cannot become"):
        services.update_application_status(access=access, actor=employer.user, application=application, status="hired")
    for step in ("shortlisted", "interview", "offer", "hired"):
        services.update_application_status(access=access, actor=employer.user, application=application, status=step)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.HIRED and application.hired_at is not None
    lines = assert_audited("jobfairs.application.status_changed", target=application, actor=employer.user, count=4)
    assert [line.details["status"] for line in lines] == ["shortlisted", "interview", "offer", "hired"]


def test_another_employer_cannot_move_an_application(returnee) -> None:
    application = services.apply_to_vacancy(
        access=get_access(returnee.user), actor=returnee.user, vacancy=VacancyFactory()
    )
    other = MembershipFactory(role="employer", employer=EmployerFactory()).user
    with pytest.raises(NotAllowed):
        services.update_application_status(
            access=get_access(other), actor=other, application=application, status="shortlisted"
        )


def test_unpublished_or_unverified_vacancy_cannot_be_applied_to(returnee) -> None:
    hidden = VacancyFactory(is_published=False)
    suspended = VacancyFactory(employer=EmployerFactory(vetting_status=VettingStatus.SUSPENDED))
    for vacancy in (hidden, suspended):
        with pytest.raises(NotAllowed):
            services.apply_to_vacancy(access=get_access(returnee.user), actor=returnee.user, vacancy=vacancy)
    with unscoped():
        assert not Application.objects.exists()


def test_applicant_withdraws(returnee) -> None:
    application = services.apply_to_vacancy(
        access=get_access(returnee.user), actor=returnee.user, vacancy=VacancyFactory()
    )
    services.withdraw_application(access=get_access(returnee.user), actor=returnee.user, application=application)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert_audited("jobfairs.application.withdrawn", target=application, actor=returnee.user)
    with pytest.raises(DomainError, match="already closed"):
        services.withdraw_application(access=get_access(returnee.user), actor=returnee.user, application=application)
