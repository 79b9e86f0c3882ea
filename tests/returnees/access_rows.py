"""Access-matrix rows of the returnee portal (merged by tests/test_access_matrix.py).

Every page is the returnee's own (staff get 404); the counsellor's link form
is for the client's centre's caseworkers.
"""

from __future__ import annotations

import uuid

import pytest

from tests.access import only

RETURNEE = ["returnee"]


def cv_kwargs(request: pytest.FixtureRequest) -> dict:
    from django.core.files.base import ContentFile

    from cms.returnees.models import ReturneeProfile
    from portal.access import unscoped

    returnee = request.getfixturevalue("returnee").user
    with unscoped():
        profile, _ = ReturneeProfile.objects.get_or_create(user=returnee)
    profile.cv.save("cv", ContentFile(b"%PDF-1.4 test"), save=False)
    profile.cv_name, profile.cv_content_type = "cv.pdf", "application/pdf"
    profile.save()
    return {}


def my_referral_kwargs(request: pytest.FixtureRequest) -> dict:
    """A referral of the client record linked to the returnee persona's account: an online course they are
    enrolled in, with a long certificate link (the page shows the evidence and the completion form)."""
    import datetime as dt

    from counselling.models import Client
    from portal.access import unscoped
    from referrals.models import Referral, Service
    from tests.referrals.access_rows import _referral

    user = request.getfixturevalue("returnee").user
    with unscoped():  # an account links to one client record: pages asked for twice (two languages) share it
        linked = Referral.objects.filter(case__client__portal_account=user).first()
    if linked is not None:
        return {"public_id": linked.public_id}
    referral = _referral(request, status="enrolled")
    with unscoped():
        Service.objects.filter(pk=referral.service_id).update(category="online_course", delivery="online")
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=referral.created_at,
            enrolled_on=dt.date.today(),
            certificate_url="https://badges.example.org/assertions/" + "0123456789abcdef" * 8,
        )
        Client.objects.filter(pk=referral.case.client_id).update(portal_account=user)
    return {"public_id": referral.public_id}


def client_kwargs(request: pytest.FixtureRequest) -> dict:
    from tests.factories import ClientFactory

    return {"public_id": ClientFactory(centre=request.getfixturevalue("centre_a")).public_id}


ROWS = {
    "returnees:dashboard": (None, only(RETURNEE)),
    "returnees:profile": (None, only(RETURNEE)),
    "returnees:cv-download": (cv_kwargs, only(RETURNEE)),
    "returnees:cv-delete": (None, only(RETURNEE, 405)),
    "returnees:consent": (lambda request: {"purpose": "follow_up"}, only(RETURNEE, 405)),
    "returnees:link-code": (None, only(RETURNEE, 405)),
    "returnees:unlink": (None, only(RETURNEE, 405)),
    "returnees:saved": (None, only(RETURNEE)),
    # The returnee's own referral (of the client record linked to their account); anyone else's is a 404.
    "returnees:referral": (my_referral_kwargs, only(RETURNEE)),
    "returnees:saved-toggle": (lambda request: {"kind": "fair", "public_id": uuid.uuid4()}, only(RETURNEE, 405)),
    "returnees:data": (None, only(RETURNEE)),
    # Without a recent re-authentication, the downloads and the deletion ask for it first.
    "returnees:data-json": (None, only(RETURNEE, 302)),
    "returnees:data-pdf": (None, only(RETURNEE, 302)),
    "returnees:delete": (None, only(RETURNEE, 302)),
    # A returnee with a password re-authenticates with allauth's form (sent there).
    "returnees:reauthenticate": (None, only(RETURNEE, 302)),
    "returnees:client-link": (client_kwargs, only(["counsellor", "centre_manager"])),
}
