"""The returnee portal's services called directly: what each changes and the audit line it writes.

The pages that call them are tested in test_profile.py, test_saved.py and test_referrals.py.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.returnees import services
from cms.returnees.models import ConsentPurpose, ReturneeProfile, SavedOpportunity
from portal.access import get_access, unscoped
from portal.errors import DomainError, NotAllowed
from tests.audit import assert_audited
from tests.factories import ClientFactory
from tests.referrals.factories import ServiceFactory

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _profile(user) -> ReturneeProfile:
    with unscoped():
        return ReturneeProfile.objects.get(user=user)


def test_profile_is_saved_with_a_cv_and_the_cv_removed_each_audited(returnee) -> None:
    user, access = returnee.user, get_access(returnee.user)
    profile = services.update_profile(access=access, actor=user, full_name="Kwame Mensah", skills="Welding")
    assert profile.skills == "Welding" and not profile.cv
    assert_audited("returnees.profile.updated", target=profile, actor=user, details={"cv_replaced": False})
    services.update_profile(access=access, actor=user, full_name="Kwame Mensah", cv=SimpleUploadedFile("cv.pdf", PDF))
    assert _profile(user).cv_name == "cv.pdf"
    assert_audited("returnees.profile.updated", target=profile, actor=user, details={"cv_replaced": True})
    services.remove_cv(access=access, actor=user)
    assert not _profile(user).cv and _profile(user).cv_name == ""
    assert_audited("returnees.cv.removed", target=profile, actor=user)


def test_staff_cannot_use_the_returnee_services(counsellor) -> None:
    access = get_access(counsellor.user)
    with pytest.raises(NotAllowed):
        services.update_profile(access=access, actor=counsellor.user, full_name="x")
    with pytest.raises(NotAllowed):
        services.remove_cv(access=access, actor=counsellor.user)
    with pytest.raises(NotAllowed):
        services.issue_link_code(access=access, actor=counsellor.user)
    assert_audited("returnees.profile.updated", count=0)


def test_consent_is_given_once_and_withdrawn_each_change_audited(returnee) -> None:
    user, access = returnee.user, get_access(returnee.user)
    given = services.set_consent(access=access, actor=user, purpose=ConsentPurpose.FOLLOW_UP, give=True)
    assert services.set_consent(access=access, actor=user, purpose=ConsentPurpose.FOLLOW_UP, give=True) == given
    assert_audited("returnees.consent.given", target=given, actor=user, details={"purpose": "follow_up"})
    withdrawn = services.set_consent(access=access, actor=user, purpose=ConsentPurpose.FOLLOW_UP, give=False)
    assert withdrawn == given and withdrawn.withdrawn_at is not None
    assert_audited("returnees.consent.withdrawn", target=given, actor=user, details={"purpose": "follow_up"})
    assert services.set_consent(access=access, actor=user, purpose=ConsentPurpose.FOLLOW_UP, give=False) is None
    assert_audited("returnees.consent.withdrawn", count=1)  # nothing active: nothing withdrawn, no line


def test_an_opportunity_is_saved_once_and_unsaved_each_audited(returnee) -> None:
    user, access = returnee.user, get_access(returnee.user)
    service = ServiceFactory(is_published=True)
    saved = services.save_opportunity(access=access, actor=user, kind="service", public_id=service.public_id)
    assert services.save_opportunity(access=access, actor=user, kind="service", public_id=service.public_id) == saved
    assert_audited("returnees.opportunity.saved", target=saved, actor=user, details={"kind": "service"})
    services.unsave_opportunity(access=access, actor=user, kind="service", public_id=service.public_id)
    with unscoped():
        assert not SavedOpportunity.objects.filter(user=user).exists()
    assert_audited("returnees.opportunity.unsaved", actor=user, details={"kind": "service"})
    with pytest.raises(NotAllowed):
        services.save_opportunity(
            access=access, actor=user, kind="service", public_id=ServiceFactory(is_published=False).public_id
        )


def test_link_code_links_the_client_once_and_the_returnee_unlinks_each_audited(returnee, counsellor) -> None:
    client = ClientFactory(centre=counsellor.centre)
    profile = services.issue_link_code(access=get_access(returnee.user), actor=returnee.user)
    assert len(profile.link_code) == 8
    assert_audited("returnees.link_code.issued", target=profile, actor=returnee.user)
    services.link_client(
        access=get_access(counsellor.user), actor=counsellor.user, client=client, code=profile.link_code
    )
    client.refresh_from_db()
    assert client.portal_account_id == returnee.user.pk
    assert_audited(
        "returnees.client.linked", target=client, actor=counsellor.user, client=client, centre=counsellor.centre
    )
    with pytest.raises(DomainError, match="not valid or has expired"):  # the code is used up
        services.link_client(
            access=get_access(counsellor.user), actor=counsellor.user, client=client, code=profile.link_code
        )
    services.unlink_client(access=get_access(returnee.user), actor=returnee.user)
    client.refresh_from_db()
    assert client.portal_account_id is None
    assert_audited(
        "returnees.client.unlinked", target=client, actor=returnee.user, client=client, centre=counsellor.centre
    )
