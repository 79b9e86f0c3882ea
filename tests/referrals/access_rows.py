"""Access-matrix rows of the referrals URLs (merged by tests/test_access_matrix.py)."""

from __future__ import annotations

import pytest

from tests.access import only

CASEWORKERS = ["counsellor", "centre_manager"]


def _referral(request: pytest.FixtureRequest, *, status: str = "sent"):
    from counselling.models import Consent
    from referrals.models import Referral
    from tests.factories import CaseFactory, ClientFactory
    from tests.referrals.factories import ServiceFactory

    centre_a = request.getfixturevalue("centre_a")
    partner_org = request.getfixturevalue("partner_org")
    counsellor = request.getfixturevalue("counsellor")
    case = CaseFactory(client=ClientFactory(centre=centre_a))
    Consent.objects.create(
        client=case.client,
        purpose="share_partner",
        organisation=partner_org,
        method="signed",
        recorded_by=counsellor.user,
    )
    service = ServiceFactory(organization=partner_org)
    import datetime as dt

    return Referral.objects.create(
        case=case,
        centre=centre_a,
        service=service,
        organization=partner_org,
        created_by=counsellor.user,
        reason="Training",
        status=status,
        due_on=dt.date.today() + dt.timedelta(days=7),
    )


def referral_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": _referral(request).public_id}


def case_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": _referral(request).case.public_id}


def service_kwargs(request: pytest.FixtureRequest) -> dict:
    from tests.referrals.factories import ServiceFactory

    return {"public_id": ServiceFactory(organization=request.getfixturevalue("partner_org")).public_id}


def organization_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": request.getfixturevalue("partner_org").public_id}


def token_kwargs(request: pytest.FixtureRequest) -> dict:
    from referrals.links import make_token

    return {"token": make_token(_referral(request))}


ROWS = {
    "referrals:service-list": (None, only([*CASEWORKERS, "country_coordinator"])),
    "referrals:service-create": (None, only(["centre_manager", "country_coordinator"])),
    "referrals:service-edit": (service_kwargs, only(["centre_manager", "country_coordinator"])),
    "referrals:organization-list": (None, only(["centre_manager", "country_coordinator"])),
    "referrals:organization-create": (None, only(["centre_manager", "country_coordinator"])),
    "referrals:organization-edit": (organization_kwargs, only(["centre_manager", "country_coordinator"])),
    "referrals:referral-create": (case_kwargs, only(CASEWORKERS)),
    "referrals:board": (None, only(CASEWORKERS)),
    "referrals:referral-detail": (referral_kwargs, only(CASEWORKERS)),
    "referrals:referral-send": (referral_kwargs, only(CASEWORKERS, 405)),
    "referrals:referral-cancel": (referral_kwargs, only(CASEWORKERS, 405)),
    "referrals:referral-resend": (referral_kwargs, only(CASEWORKERS, 405)),
    "referrals:referral-slip": (referral_kwargs, only(CASEWORKERS)),
    "referrals:referral-course": (referral_kwargs, only(CASEWORKERS, 405)),
    "referrals:partner-inbox": (None, only(["partner"])),
    "referrals:partner-referral": (referral_kwargs, only(["partner"])),
    # Anyone holding the link may answer: that is its purpose.
    "referrals:link": (
        token_kwargs,
        dict.fromkeys(
            [
                "anonymous",
                "returnee",
                "counsellor",
                "centre_manager",
                "country_coordinator",
                "programme_analyst",
                "partner",
                "employer",
                "editor",
                "admin",
                "dpo",
            ],
            200,
        ),
    ),
}
