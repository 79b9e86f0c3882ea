"""Referral screens: partner scoping (object swap), the board and inbox query counts, the slip."""

from __future__ import annotations

import pytest
from django.urls import reverse

from counselling.models import Consent
from portal.access import Role
from referrals.models import ReferralStatus
from tests.conftest import _member
from tests.factories import CaseFactory, ClientFactory, OrganizationFactory

# The page furniture (session, user, memberships, MFA; the session is refreshed once a minute, not on every
# request), then the page's keys (one union of index reads, no COUNT) and its rows with their relations.
BOARD_QUERIES = 6
INBOX_QUERIES = 6


def _more_referrals(refer, counsellor, service, partner_org, count: int) -> None:
    for _ in range(count):
        case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
        Consent.objects.create(
            client=case.client,
            purpose="share_partner",
            organisation=partner_org,
            method="signed",
            recorded_by=counsellor.user,
        )
        refer(case, service)


def test_board_query_count_is_flat(client, counsellor, refer, service, partner_org, django_assert_num_queries) -> None:
    service.capacity = None
    service.save()
    client.force_login(counsellor.user)
    client.get(reverse("referrals:board"))
    for extra in (1, 20):
        _more_referrals(refer, counsellor, service, partner_org, extra)
        with django_assert_num_queries(BOARD_QUERIES):
            response = client.get(reverse("referrals:board"))
        assert response.status_code == 200


def test_inbox_query_count_is_flat(
    client, counsellor, partner, refer, service, partner_org, django_assert_num_queries
) -> None:
    service.capacity = None
    service.save()
    client.force_login(partner.user)
    client.get(reverse("referrals:partner-inbox"))
    for extra in (1, 20):
        _more_referrals(refer, counsellor, service, partner_org, extra)
        with django_assert_num_queries(INBOX_QUERIES):
            response = client.get(reverse("referrals:partner-inbox"))
        assert response.status_code == 200


def test_partner_of_another_organisation_gets_404_get_and_post(client, refer, case, service, country_a) -> None:
    referral = refer(case, service)
    stranger = _member(Role.PARTNER, organisation=OrganizationFactory(country=country_a))
    client.force_login(stranger.user)
    url = reverse("referrals:partner-referral", kwargs={"public_id": referral.public_id})
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "accepted"}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert referral.code not in client.get(reverse("referrals:partner-inbox")).content.decode()


def test_partner_sees_only_shared_fields_and_answers(client, partner, refer, case, service) -> None:
    referral = refer(case, service, shared_fields=["name"])
    client.force_login(partner.user)
    url = reverse("referrals:partner-referral", kwargs={"public_id": referral.public_id})
    html = client.get(url).content.decode()
    assert "Amina" in html and case.client.phone not in html and case.client.code not in html
    assert client.post(url, {"status": "accepted"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_outsider_counsellor_gets_404_for_sent_referral_urls(client, outsider, refer, case, service) -> None:
    referral = refer(case, service)
    client.force_login(outsider.user)
    for name in ("referrals:referral-detail", "referrals:referral-slip"):
        assert client.get(reverse(name, kwargs={"public_id": referral.public_id})).status_code == 404
    for name in ("referrals:referral-cancel", "referrals:referral-resend", "referrals:referral-send"):
        assert client.post(reverse(name, kwargs={"public_id": referral.public_id})).status_code == 404
    assert client.get(reverse("referrals:referral-create", kwargs={"public_id": case.public_id})).status_code == 404


def test_refer_form_shows_consent_message_and_keeps_input(client, counsellor, service) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    client.force_login(counsellor.user)
    response = client.post(
        reverse("referrals:referral-create", kwargs={"public_id": case.public_id}),
        {"service": service.pk, "reason": "Keep this reason", "urgency": "routine"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "has not yet agreed to share data" in html and "Keep this reason" in html


def test_refer_form_does_not_offer_services_of_other_countries(client, counsellor, case, country_b) -> None:
    from tests.referrals.factories import ServiceFactory

    abroad = ServiceFactory(organization=OrganizationFactory(country=country_b), name="Belgrade bakery course")
    client.force_login(counsellor.user)
    html = client.get(reverse("referrals:referral-create", kwargs={"public_id": case.public_id})).content.decode()
    assert abroad.name not in html


@pytest.mark.parametrize("language", ["en", "ar"])
def test_slip_is_a_pdf_with_the_code(client, counsellor, refer, case, service, language) -> None:
    referral = refer(case, service)
    client.force_login(counsellor.user)
    response = client.get(f"/{language}/staff/referrals/{referral.public_id}/slip.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_case_timeline_shows_the_referral(client, counsellor, refer, case, service) -> None:
    referral = refer(case, service)
    client.force_login(counsellor.user)
    html = client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).content.decode()
    assert referral.code in html


def test_manager_adds_a_service_for_an_organisation_of_own_country(client, manager, partner_org) -> None:
    from referrals.models import Service

    client.force_login(manager.user)
    response = client.post(
        reverse("referrals:service-create"),
        {
            "organization": partner_org.pk,
            "name": "Tailoring course",
            "category": "vocational_training",
            "delivery": "in_person",
            "capacity": "12",
            "min_age": "18",
            "max_age": "35",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(name="Tailoring course")
    assert service.country_id == partner_org.country_id and service.capacity == 12


def test_service_form_refuses_an_impossible_age_range_and_keeps_input(client, manager, partner_org) -> None:
    client.force_login(manager.user)
    response = client.post(
        reverse("referrals:service-create"),
        {
            "organization": partner_org.pk,
            "name": "Kept name",
            "category": "language",
            "delivery": "online",
            "min_age": "40",
            "max_age": "20",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kept name" in html and "minimum age is above" in html


def test_manager_of_another_country_cannot_edit_the_service(client, outsider_manager, service) -> None:
    client.force_login(outsider_manager.user)
    url = reverse("referrals:service-edit", kwargs={"public_id": service.public_id})
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Hijacked"}).status_code == 404
    service.refresh_from_db()
    assert service.name != "Hijacked"


def test_directory_search_filters_and_shows_full_services(client, counsellor, service, refer, case) -> None:
    from referrals.models import Service

    service.capacity = 1
    service.save()
    referral = refer(case, service)
    from portal.access import get_access
    from referrals import services as referral_services
    from tests.conftest import _member

    partner = _member(Role.PARTNER, organisation=service.organization)
    referral_services.answer_as_partner(
        access=get_access(partner.user), actor=partner.user, referral=referral, to_status="accepted"
    )
    Service.objects.create(
        organization=service.organization,
        country=service.country,
        name="German A1 online",
        category="language",
        delivery="online",
        languages=["de"],
    )
    client.force_login(counsellor.user)
    html = client.get(reverse("referrals:service-list"), {"category": "language"}).content.decode()
    assert "German A1 online" in html and service.name not in html
    html = client.get(reverse("referrals:service-list"), {"delivery": "in_person"}).content.decode()
    assert service.name in html and "Full" in html


def test_coordinator_adds_an_organisation_and_a_place_then_a_service_there(client, coordinator, country_a) -> None:
    from referrals.models import Location, Organization, Service

    client.force_login(coordinator.user)
    response = client.post(
        reverse("referrals:organization-create"),
        {"form": "organization", "name": "Kumasi Youth Centre", "organization_type": "ngo", "country": "GH"},
    )
    assert response.status_code == 302
    organization = Organization.objects.get(name="Kumasi Youth Centre")
    url = reverse("referrals:organization-edit", kwargs={"public_id": organization.public_id})
    assert client.post(url, {"form": "location", "name": "Main office", "city": "Kumasi"}).status_code == 302
    location = Location.objects.get(organization=organization)
    response = client.post(
        reverse("referrals:service-create"),
        {
            "organization": organization.pk,
            "name": "Youth mentoring",
            "category": "other",
            "delivery": "in_person",
            "locations": [location.pk],
        },
    )
    assert response.status_code == 302
    assert list(Service.objects.get(name="Youth mentoring").locations.all()) == [location]


def test_organisation_of_another_country_is_404_and_its_country_not_offered(client, manager, country_b) -> None:
    from tests.factories import OrganizationFactory

    foreign = OrganizationFactory(country=country_b)
    client.force_login(manager.user)
    url = reverse("referrals:organization-edit", kwargs={"public_id": foreign.public_id})
    assert client.get(url).status_code == 404
    assert client.post(url, {"form": "organization", "name": "x"}).status_code == 404
    response = client.post(
        reverse("referrals:organization-create"),
        {"form": "organization", "name": "Sneaky", "organization_type": "ngo", "country": "RS"},
    )
    assert response.status_code == 200  # Serbia is not a choice for a manager in Ghana
    assert "errorlist" in response.content.decode()
