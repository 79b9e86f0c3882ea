"""Issue #15, finding 5: the returnee's "share my profile with employers" switch did nothing.

The attack (on the person's trust): a returnee who had agreed, when registering for a fair, that the
fair's employers may see them withdrew "Share my profile with employers at job fairs" on their
profile; the employer's candidate list still showed their name and e-mail. The switch now governs:
withdrawing it withdraws every fair registration's share consent (and the one in a client record
linked to the account), says so, and the employer sees nobody with the next request. Agreeing again
re-shares nothing by itself, and the page says that too.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from counselling.models import CaseEvent, Consent, ConsentPurpose
from jobfairs.models import Registration
from portal.access import unscoped
from portal.models import AuditEvent
from tests.factories import CaseFactory, ClientFactory
from tests.jobfairs.factories import BoothFactory, FairFactory

SWITCH = "share_with_employers"


@pytest.fixture
def fair(centre_a):
    return FairFactory(country=centre_a.country, centres=[centre_a], questions=[])


@pytest.fixture
def booth(fair, employer_org):
    return BoothFactory(fair=fair, employer=employer_org)


def _employer_sees(client, employer, booth, *texts: str) -> bool:
    client.force_login(employer.user)
    page = client.get(reverse("jobfairs:candidate-list", kwargs={"public_id": booth.public_id}))
    assert page.status_code == 200
    body = page.content.decode()
    return any(text in body for text in texts)


def _switch(client, person, *, give: bool):
    client.force_login(person.user)
    return client.post(
        reverse("returnees:consent", kwargs={"purpose": SWITCH}), {"give": "1" if give else "0"}, follow=True
    )


def test_withdrawing_the_profile_switch_hides_the_returnee_from_employers(
    client, returnee, employer, fair, booth
) -> None:
    # The returnee registers and agrees that the fair's employers may see them.
    client.force_login(returnee.user)
    response = client.post(
        reverse("jobfairs:registration-create", kwargs={"public_id": fair.public_id}), {"share_profile": "on"}
    )
    assert response.status_code == 302
    assert _employer_sees(client, employer, booth, returnee.user.full_name, returnee.user.email)

    # The profile shows the switch as given, though it was given on the registration.
    client.force_login(returnee.user)
    profile = client.get(reverse("returnees:profile")).content.decode()
    assert 'name="give" value="0"' in profile

    # Withdrawn on the profile: the page says what it did, and the employer sees nobody any more.
    page = _switch(client, returnee, give=False).content.decode()
    assert "Employers no longer see your name, e-mail or profile at any job fair" in page
    assert not _employer_sees(client, employer, booth, returnee.user.full_name, returnee.user.email)
    with unscoped():
        registration = Registration.objects.get(user=returnee.user)
        assert registration.consent_withdrawn_at is not None
        assert AuditEvent.objects.filter(
            action="jobfairs.consent.withdrawn", target_id=str(registration.public_id), actor=returnee.user
        ).exists()
    client.force_login(returnee.user)
    assert 'name="give" value="1"' in client.get(reverse("returnees:profile")).content.decode()

    # Agreeing again re-shares nothing by itself, and says so; the per-fair choice does.
    page = _switch(client, returnee, give=True).content.decode()
    assert "does not share your profile again with fairs you are already registered" in page
    assert not _employer_sees(client, employer, booth, returnee.user.full_name)
    client.force_login(returnee.user)
    client.post(reverse("jobfairs:registration-consent", kwargs={"public_id": registration.public_id}), {"share": "1"})
    assert _employer_sees(client, employer, booth, returnee.user.full_name)


def test_withdrawing_the_switch_also_withdraws_the_linked_client_records_consent(
    client, returnee, counsellor, employer, fair, booth
) -> None:
    """A counsellor registered the person's client record; it shared by the case file's consent."""
    person = ClientFactory(
        centre=counsellor.centre, given_name="Efua", family_name="Linked", portal_account=returnee.user
    )
    case = CaseFactory(client=person)
    consent = Consent.objects.create(
        client=person, purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS, method="signed", recorded_by=counsellor.user
    )
    Registration.objects.create(fair=fair, client=person, registered_by=counsellor.user)
    assert _employer_sees(client, employer, booth, "Efua Linked")

    _switch(client, returnee, give=False)

    assert not _employer_sees(client, employer, booth, "Efua Linked")
    with unscoped():
        consent.refresh_from_db()
        assert consent.withdrawn_at is not None and consent.withdrawn_by == returnee.user
        assert CaseEvent.objects.filter(case=case, kind="consent.withdrawn").exists()
        assert AuditEvent.objects.filter(
            action="counselling.consent.withdrawn", target_id=str(consent.public_id), centre=counsellor.centre
        ).exists()


def test_the_switch_reaches_only_the_persons_own_consents(client, returnee, employer, fair, booth) -> None:
    from tests.factories import UserFactory
    from tests.jobfairs.factories import RegistrationFactory

    other = RegistrationFactory(fair=fair, user=UserFactory(full_name="Kofi Other"))
    _switch(client, returnee, give=False)
    assert _employer_sees(client, employer, booth, "Kofi Other")
    with unscoped():
        other.refresh_from_db()
    assert other.consent_withdrawn_at is None
