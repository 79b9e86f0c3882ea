"""The satisfaction survey after a fair: who may answer, when, once; audited."""

from __future__ import annotations

from typing import Any

import pytest

from jobfairs import services
from jobfairs.models import RegistrationStatus
from portal.access import get_access
from portal.errors import DomainError, NotAllowed
from tests.audit import assert_audited
from tests.factories import UserFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory, past_fair


def test_survey_only_after_the_fair_for_attendees_and_once(returnee, employer, employer_org) -> None:
    fair = past_fair()
    BoothFactory(fair=fair, employer=employer_org)
    stranger = UserFactory()
    RegistrationFactory(fair=fair, user=returnee.user, status=RegistrationStatus.ATTENDED)
    answer: dict[str, Any] = {"satisfaction": 4, "technical_problems": True, "what_worked": "Short meetings"}
    with pytest.raises(NotAllowed):
        services.submit_survey(access=get_access(stranger), actor=stranger, fair=fair, **answer)
    response = services.submit_survey(access=get_access(returnee.user), actor=returnee.user, fair=fair, **answer)
    assert response.kind == "candidate"
    assert_audited("jobfairs.survey.answered", target=response, actor=returnee.user, details={"kind": "candidate"})
    with pytest.raises(DomainError, match="already answered"):
        services.submit_survey(access=get_access(returnee.user), actor=returnee.user, fair=fair, **answer)
    employer_answer = services.submit_survey(access=get_access(employer.user), actor=employer.user, fair=fair, **answer)
    assert employer_answer.kind == "employer"
    assert_audited(
        "jobfairs.survey.answered", target=employer_answer, actor=employer.user, details={"kind": "employer"}
    )
    upcoming = FairFactory()
    RegistrationFactory(fair=upcoming, user=returnee.user, status=RegistrationStatus.ATTENDED)
    with pytest.raises(DomainError, match="opens when the fair is over"):
        services.submit_survey(access=get_access(returnee.user), actor=returnee.user, fair=upcoming, **answer)
