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
