"""The post-event survey: who may answer it, and answering it once."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobfairs.audit import JobfairsAudit
from jobfairs.models import Booth, JobFair, Registration, RegistrationStatus, RespondentKind, SurveyResponse
from portal.access import Access, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.models import User


def survey_role(*, access: Access, actor: User, fair: JobFair) -> str | None:
    """How the actor may answer the fair's survey: as an attending candidate, as an employer with a booth, or not."""
    if access.employer_ids():
        if Booth.objects.approved().filter(fair=fair, employer_id__in=access.employer_ids()).exists():
            return RespondentKind.EMPLOYER
        return None
    with unscoped():
        attended = Registration.objects.filter(fair=fair, user=actor, status=RegistrationStatus.ATTENDED).exists()
    return RespondentKind.CANDIDATE if attended else None


@transaction.atomic(durable=True)
def submit_survey(
    *,
    access: Access,
    actor: User,
    fair: JobFair,
    satisfaction: int,
    technical_problems: bool,
    what_worked: str = "",
    to_improve: str = "",
) -> SurveyResponse:
    """Answer the post-event survey once, after the fair, as an attendee or a booth's employer."""
    kind = survey_role(access=access, actor=actor, fair=fair)
    if kind is None:
        raise NotAllowed(_("This page does not exist."))
    if fair.ends_at > timezone.now():
        raise DomainError(_("The survey opens when the fair is over."))
    if not 1 <= satisfaction <= 5:
        raise DomainError(_("Choose a rating from 1 to 5."), field="satisfaction")
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                fair=fair,
                respondent=actor,
                kind=kind,
                satisfaction=satisfaction,
                technical_problems=technical_problems,
                what_worked=what_worked,
                to_improve=to_improve,
            )
    except IntegrityError as exc:
        raise DomainError(_("You have already answered this survey. Thank you!")) from exc
    record_event(actor=actor, action=JobfairsAudit.SURVEY_ANSWERED, target=response, details={"kind": kind})
    return response
