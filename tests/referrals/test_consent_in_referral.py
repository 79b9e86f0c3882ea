"""Consent inside the referral (issue #19, points 2 and 3): a referral without the share consent records the
client's answer in the same form (same legal basis, how given, timeline line and audit as the consent form),
or is refused with the reason when the client said no; online services and their organisations are offered
in every country they serve."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from counselling import selectors as case_selectors
from counselling.consent import has_consent
from counselling.models import Consent
from counselling.services import withdraw_consent
from portal.access import get_access, unscoped
from referrals.models import Delivery, Referral
from tests.audit import assert_audited
from tests.factories import CaseFactory, ClientFactory, OrganizationFactory
from tests.referrals.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare_case(counsellor):
    """A case whose client has given no consent yet."""
    return CaseFactory(client=ClientFactory(centre=counsellor.centre, given_name="Amina", family_name="Haddad"))


def _refer(client: Client, case, service, **extra) -> tuple[int, str]:
    data = {"service": service.pk, "reason": "Wants the welding course", "urgency": "routine", "shared_fields": "name"}
    data.update(extra)
    response = client.post(reverse("referrals:referral-create", kwargs={"public_id": case.public_id}), data)
    return response.status_code, response.content.decode()


def test_the_consent_is_recorded_in_the_referral_form_in_one_step(client, counsellor, bare_case, service) -> None:
    client.force_login(counsellor.user)

    status, _page = _refer(
        client, bare_case, service, consent_answer="agrees", consent_method="signed", consent_legal_basis="consent"
    )

    assert status == 302
    assert has_consent(bare_case.client, "share_partner", service.organization)
    with unscoped():
        consent = Consent.objects.get(client=bare_case.client, purpose="share_partner")
        referral = Referral.objects.get(case=bare_case)
    assert (consent.organisation, consent.method, consent.legal_basis, consent.recorded_by) == (
        service.organization,
        "signed",
        "consent",
        counsellor.user,
    )
    assert referral.status == "sent"
    assert_audited("counselling.consent.recorded", target=consent, actor=counsellor.user)
    assert_audited("referrals.referral.created", target=referral, actor=counsellor.user)


def test_without_an_answer_the_form_asks_for_it_and_keeps_what_was_typed(
    client, counsellor, bare_case, service
) -> None:
    client.force_login(counsellor.user)

    status, page = _refer(client, bare_case, service)

    assert status == 200
    assert "has not yet agreed to share data with" in page and service.organization.name in page
    assert "Wants the welding course" in page
    with unscoped():
        assert not Referral.objects.exists() and not Consent.objects.exists()


def test_when_the_client_says_no_nothing_is_saved_and_the_reason_is_given(
    client, counsellor, bare_case, service
) -> None:
    client.force_login(counsellor.user)

    status, page = _refer(client, bare_case, service, consent_answer="declines")

    assert status == 200
    assert "does not agree to share data with" in page and "Nothing was saved or shared" in page
    with unscoped():
        assert not Referral.objects.exists() and not Consent.objects.exists()


def test_an_oral_consent_without_a_witness_is_refused_on_the_witness_field(
    client, counsellor, bare_case, service
) -> None:
    client.force_login(counsellor.user)

    status, page = _refer(client, bare_case, service, consent_answer="agrees", consent_method="oral_witness")

    assert status == 200
    assert "Oral consent needs the name of a witness." in page
    with unscoped():
        assert not Referral.objects.exists() and not Consent.objects.exists()


def test_after_a_withdrawal_the_form_says_when_it_was_withdrawn(client, counsellor, bare_case, service) -> None:
    consent = Consent.objects.create(
        client=bare_case.client,
        purpose="share_partner",
        organisation=service.organization,
        method="signed",
        recorded_by=counsellor.user,
    )
    withdraw_consent(access=get_access(counsellor.user), actor=counsellor.user, consent=consent)
    client.force_login(counsellor.user)

    status, page = _refer(client, bare_case, service)

    assert status == 200 and "withdrew the consent to share data with" in page


def test_services_with_a_consent_on_record_are_marked(client, counsellor, case, service) -> None:
    """`case` (tests/referrals/conftest.py) has the share consent for the partner organisation."""
    client.force_login(counsellor.user)
    page = client.get(reverse("referrals:referral-create", kwargs={"public_id": case.public_id})).content.decode()
    assert f"{service.organization.name}: {service.name} · consent on record" in page


def test_an_online_course_abroad_is_offered_and_its_organisation_can_be_consented_to(
    client, counsellor, bare_case, country_b
) -> None:
    """The atingi case: an online course run from another country that says it serves the client's."""
    online = ServiceFactory(
        organization=OrganizationFactory(country=country_b, name="atingi"),
        delivery=Delivery.ONLINE,
        areas_served=[bare_case.centre.country_id],
        name="Digital skills online",
    )
    organisations = case_selectors.list_partner_organisations(country_id=bare_case.centre.country_id)
    assert online.organization in organisations
    client.force_login(counsellor.user)
    form_page = client.get(reverse("referrals:referral-create", kwargs={"public_id": bare_case.public_id}))
    assert "Digital skills online" in form_page.content.decode()
    consent_page = client.get(reverse("counselling:consent-create", kwargs={"public_id": bare_case.client.public_id}))
    assert "atingi" in consent_page.content.decode()

    status, _page = _refer(client, bare_case, online, consent_answer="agrees", consent_method="digital")

    assert status == 302
    with unscoped():
        assert Referral.objects.get(case=bare_case).organization == online.organization


def test_an_organisation_abroad_with_no_service_here_is_not_offered(bare_case, country_b) -> None:
    elsewhere = OrganizationFactory(country=country_b, name="Only abroad")
    ServiceFactory(organization=elsewhere, areas_served=[])
    organisations = case_selectors.list_partner_organisations(country_id=bare_case.centre.country_id)
    assert elsewhere not in organisations


def test_record_consent_within_records_and_audits_inside_the_callers_transaction(
    counsellor, bare_case, service
) -> None:
    """The step the referral form uses (`counselling.services.record_consent_within`), on its own."""
    from django.db import transaction

    from counselling.services import record_consent_within

    with transaction.atomic():
        consent = record_consent_within(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            client=bare_case.client,
            purpose="share_partner",
            organisation=service.organization,
            method="signed",
        )
    assert_audited(
        "counselling.consent.recorded", target=consent, actor=counsellor.user, details={"purpose": "share_partner"}
    )
