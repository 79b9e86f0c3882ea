"""Intake (client codes, refusals) and consents recorded and withdrawn: each audited and on the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from counselling import services
from counselling.consent import ConsentMissing, has_consent, require_consent
from counselling.models import CaseStatus, Client, Consent, ConsentPurpose
from portal.access import get_access, unscoped
from portal.errors import DomainError, NotAllowed
from tests.audit import assert_audited
from tests.counselling.helpers import events, register
from tests.factories import ClientFactory, OrganizationFactory


def test_register_client_opens_case_with_consent_code_and_audit(counsellor) -> None:
    case = register(counsellor)
    client = case.client
    assert client.code == f"GH-{counsellor.centre.code}-000001"
    assert case.status == CaseStatus.OPEN
    assert case.counsellor == counsellor.user
    assert has_consent(client, ConsentPurpose.COUNSELLING_RECORD)
    assert_audited("counselling.client.registered", target=client, actor=counsellor.user, centre=counsellor.centre)
    assert_audited("counselling.case.opened", target=case, client=client, centre=counsellor.centre)
    assert events(case) == ["case.opened"]
    assert "mhmd" in client.given_keys and "bnl" in client.family_keys


def test_client_codes_count_up_per_centre(counsellor) -> None:
    first = register(counsellor).client
    second = register(counsellor, given_name="Amina", phone="").client
    assert first.code.endswith("000001") and second.code.endswith("000002")


def test_duplicate_client_code_is_refused_and_first_client_kept(counsellor) -> None:
    register(counsellor, code="GH-AAA-000042")
    with pytest.raises(DomainError, match="already in use") as error:
        register(counsellor, given_name="Ama", code="gh-aaa-42")
    assert error.value.field == "code"
    with unscoped():
        assert Client.objects.filter(code="GH-AAA-000042").count() == 1


@pytest.mark.parametrize("code", ["GH-OLD-000042", "RS-BBB-000001", "GH-AAA-", "GH-AAA-0000042", "GH-AAA-000000"])
def test_typed_client_code_outside_the_centre_series_is_refused(counsellor, code) -> None:
    with pytest.raises(DomainError, match="GH-AAA-") as error:
        register(counsellor, code=code)
    assert error.value.field == "code"
    with unscoped():
        assert not Client.objects.exists()


def test_client_code_counter_skips_numbers_already_taken(counsellor, centre_a) -> None:
    register(counsellor, code="GH-AAA-000002")
    register(counsellor, given_name="Ama", phone="", code="GH-AAA-000003")
    with unscoped():
        ClientFactory(centre=centre_a, code="GH-AAA-000001")  # e.g. taken before typed codes were checked
    codes = [register(counsellor, given_name=name, phone="").client.code for name in ("Kofi", "Esi")]
    assert codes == ["GH-AAA-000004", "GH-AAA-000005"]
    centre_a.refresh_from_db()
    assert centre_a.client_counter == 5


def test_client_code_counter_skips_a_long_run_of_taken_numbers(counsellor, centre_a) -> None:
    with unscoped():
        for number in range(1, 46):
            ClientFactory(centre=centre_a, code=f"GH-AAA-{number:06d}")
    assert register(counsellor).client.code == "GH-AAA-000046"


def test_future_date_of_birth_is_refused(counsellor) -> None:
    with pytest.raises(DomainError, match="future"):
        register(counsellor, birth_date=timezone.localdate() + dt.timedelta(days=1), birth_year=None)


def test_outsider_cannot_register_into_another_centre(outsider, centre_a) -> None:
    with pytest.raises(NotAllowed):
        services.register_client(
            access=get_access(outsider.user),
            actor=outsider.user,
            centre=centre_a,
            consent_method="signed",
            given_name="X",
            sex="male",
            target_group="local",
        )


def test_consent_for_partner_needs_the_organisation(counsellor, case) -> None:
    with pytest.raises(DomainError, match="partner organisation"):
        services.record_consent(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            client=case.client,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
            method="signed",
        )


def test_oral_consent_needs_a_witness(counsellor, case) -> None:
    with pytest.raises(DomainError, match="witness"):
        services.record_consent(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            client=case.client,
            purpose=ConsentPurpose.FOLLOW_UP_CONTACT,
            method="oral_witness",
        )


def test_consent_recorded_then_withdrawn_stops_sharing(counsellor, case, partner_org) -> None:
    access = get_access(counsellor.user)
    consent = services.record_consent(
        access=access,
        actor=counsellor.user,
        client=case.client,
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        organisation=partner_org,
        method="signed",
    )
    require_consent(case.client, ConsentPurpose.SHARE_WITH_PARTNER, partner_org)
    assert_audited(
        "counselling.consent.recorded",
        target=consent,
        actor=counsellor.user,
        client=case.client,
        details={"purpose": ConsentPurpose.SHARE_WITH_PARTNER},
    )
    other = OrganizationFactory(country=partner_org.country)
    with pytest.raises(ConsentMissing):  # consent is per named organisation
        require_consent(case.client, ConsentPurpose.SHARE_WITH_PARTNER, other)
    services.withdraw_consent(access=access, actor=counsellor.user, consent=consent)
    with pytest.raises(ConsentMissing, match="not agreed"):
        require_consent(case.client, ConsentPurpose.SHARE_WITH_PARTNER, partner_org)
    assert_audited(
        "counselling.consent.withdrawn",
        target=consent,
        actor=counsellor.user,
        client=case.client,
        centre=case.centre,
        details={"purpose": ConsentPurpose.SHARE_WITH_PARTNER},
    )
    assert events(case)[-2:] == ["consent.recorded", "consent.withdrawn"]
    with pytest.raises(DomainError, match="already withdrawn"):
        services.withdraw_consent(access=access, actor=counsellor.user, consent=consent)


def test_same_consent_twice_is_refused(counsellor, case) -> None:
    access = get_access(counsellor.user)
    services.record_consent(
        access=access,
        actor=counsellor.user,
        client=case.client,
        purpose=ConsentPurpose.FOLLOW_UP_CONTACT,
        method="signed",
    )
    with pytest.raises(DomainError, match="already recorded"):
        services.record_consent(
            access=access,
            actor=counsellor.user,
            client=case.client,
            purpose=ConsentPurpose.FOLLOW_UP_CONTACT,
            method="digital",
        )


def test_active_consent_is_unique_in_the_database(counsellor, case) -> None:
    from django.db import IntegrityError, transaction

    Consent.objects.create(client=case.client, purpose="follow_up", method="signed", recorded_by=counsellor.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(client=case.client, purpose="follow_up", method="signed", recorded_by=counsellor.user)


def test_vulnerabilities_need_consent_and_go_when_it_is_withdrawn(counsellor, case) -> None:
    access = get_access(counsellor.user)
    client = case.client
    fields = {"given_name": client.given_name, "sex": client.sex, "target_group": client.target_group}
    with pytest.raises(ConsentMissing, match="sensitive"):
        services.update_client(
            access=access, actor=counsellor.user, client=client, vulnerabilities=["psychosocial"], **fields
        )
    assert_audited("counselling.client.updated", count=0)  # refused: nothing changed, no line
    consent = services.record_consent(
        access=access, actor=counsellor.user, client=client, purpose=ConsentPurpose.SENSITIVE_DATA, method="signed"
    )
    services.update_client(
        access=access, actor=counsellor.user, client=client, vulnerabilities=["psychosocial"], **fields
    )
    client.refresh_from_db()
    assert client.vulnerabilities == ["psychosocial"]
    assert_audited("counselling.client.updated", target=client, actor=counsellor.user, details={"fields": []})
    services.update_client(
        access=access,
        actor=counsellor.user,
        client=client,
        vulnerabilities=["psychosocial"],
        **{**fields, "sex": "male"},
    )
    assert_audited("counselling.client.updated", target=client, details={"fields": ["sex"]})
    services.withdraw_consent(access=access, actor=counsellor.user, consent=consent)
    client.refresh_from_db()
    assert client.vulnerabilities == []
