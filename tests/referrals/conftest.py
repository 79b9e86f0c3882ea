"""Shared setup of the referrals tests: a case with consent to share with the partner, and a service."""

from __future__ import annotations

import pytest

from counselling.models import Consent
from portal.access import get_access
from referrals import services
from tests.factories import CaseFactory, ClientFactory
from tests.referrals.factories import ServiceFactory


@pytest.fixture
def service(partner_org):
    return ServiceFactory(organization=partner_org, capacity=2)


@pytest.fixture
def case(counsellor, partner_org):
    case = CaseFactory(
        client=ClientFactory(
            centre=counsellor.centre, given_name="Amina", family_name="Haddad", phone="+233241234567", birth_year=1995
        )
    )
    Consent.objects.create(
        client=case.client,
        purpose="share_partner",
        organisation=partner_org,
        method="signed",
        recorded_by=counsellor.user,
    )
    return case


@pytest.fixture
def refer(counsellor):
    def make(case, service, **overrides):
        kwargs = {"reason": "Wants a welding course", "shared_fields": ["name", "phone"]}
        kwargs.update(overrides)
        return services.create_referral(
            access=get_access(counsellor.user), actor=counsellor.user, case=case, service=service, **kwargs
        )

    return make
