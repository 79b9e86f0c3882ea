"""A demo that survives being used (issue #19, point 11): after what people do with the product's own
services (a returnee cancels and registers again, a case is transferred, a consent withdrawn, a client erased,
a returnee deletes their account), `seed_demo` runs again without an error and leaves what they did alone."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.returnees.dataprotection import delete_my_account
from counselling import services as counselling
from counselling.dataprotection import ErasureReason, anonymise_client
from counselling.models import CaseFile, CaseStatus, Client, Consent, TransferStatus
from jobfairs.models import JobFair, Registration, RegistrationStatus
from jobfairs.services import cancel_registration, register_for_fair
from portal.access import Role, get_access, unscoped
from portal.models import Membership, User

pytestmark = pytest.mark.django_db


def _member(role: str, **scope: object) -> User:
    with unscoped():
        membership = Membership.objects.filter(role=role, is_active=True, **scope).select_related("user").first()
    assert membership is not None, (role, scope)
    return membership.user


def test_seed_demo_runs_again_after_ordinary_use_and_keeps_what_people_did() -> None:
    call_command("seed_demo", stdout=StringIO())
    now = timezone.now()

    returnee = User.objects.filter(email__startswith="returnee").order_by("email").first()
    fair = JobFair.objects.filter(registration_opens_at__lte=now, registration_closes_at__gt=now).first()
    assert returnee is not None and fair is not None, "the demo has returnees and a fair open for registration"
    access = get_access(returnee)
    answers = dict.fromkeys(fair.questions, "Logistics")
    with unscoped():
        registration = Registration.objects.filter(fair=fair, user=returnee).exclude(status="cancelled").first()
    if registration is None:
        registration = register_for_fair(access=access, actor=returnee, fair=fair, share_profile=True, answers=answers)
    cancel_registration(access=access, actor=returnee, registration=registration)
    again = register_for_fair(access=access, actor=returnee, fair=fair, share_profile=True, answers=answers)

    with unscoped():
        case = CaseFile.objects.exclude(status=CaseStatus.CLOSED).select_related("centre").first()
        assert case is not None
        other_centre = (
            case.centre.country.centres.exclude(pk=case.centre_id).first()
            or type(case.centre).objects.exclude(pk=case.centre_id).first()
        )
        consent = Consent.objects.filter(withdrawn_at__isnull=True).select_related("client__centre").first()
        assert case is not None and other_centre is not None and consent is not None
        erased = Client.objects.exclude(pk__in=[case.client_id, consent.client_id]).filter(anonymised_at=None).first()
        assert erased is not None
    counsellor = _member(Role.COUNSELLOR, centre=case.centre)
    manager = _member(Role.CENTRE_MANAGER, centre=other_centre)
    transfer = counselling.request_transfer(
        access=get_access(counsellor), actor=counsellor, case=case, to_centre=other_centre, reason="Moved"
    )
    counselling.decide_transfer(access=get_access(manager), actor=manager, transfer=transfer, accept=True)
    consent_holder = _member(Role.COUNSELLOR, centre=consent.client.centre)
    counselling.withdraw_consent(access=get_access(consent_holder), actor=consent_holder, consent=consent)
    anonymise_client(client=erased, reason=ErasureReason.DATA_SUBJECT_REQUEST)
    leaving = User.objects.filter(email__startswith="returnee").order_by("-email").first()
    assert leaving is not None and leaving != returnee
    delete_my_account(access=get_access(leaving), actor=leaving)

    call_command("seed_demo", stdout=StringIO())

    with unscoped():
        active = Registration.objects.filter(fair=fair, user=returnee).exclude(status=RegistrationStatus.CANCELLED)
        assert list(active) == [again]
        assert CaseFile.objects.get(pk=case.pk).centre_id == other_centre.pk
        assert transfer.__class__.objects.get(pk=transfer.pk).status == TransferStatus.ACCEPTED
        assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
        assert Client.objects.get(pk=erased.pk).anonymised_at is not None
