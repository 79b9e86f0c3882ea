"""Onboarding partners and employers in the portal (issue #19, point 7): managers and coordinators invite the
people of their country's partner organisations and employers, and vet employers through the audited
service; outside their country they get a clear refusal and nothing changes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jobfairs.models import Employer, VettingStatus
from portal.access import Role, get_access, unscoped
from portal.errors import DomainError
from portal.models import Membership, StaffInvitation
from portal.services import accept_invitation, invite_staff
from tests.audit import assert_audited
from tests.factories import EmployerFactory, OrganizationFactory, with_totp

pytestmark = pytest.mark.django_db


def test_a_manager_invites_a_partner_organisations_officer_who_lands_in_the_inbox(
    client: Client, manager, partner_org
) -> None:
    client.force_login(manager.user)
    page = client.get(reverse("portal:staff-invite")).content.decode()
    assert partner_org.name in page and 'value="partner"' in page

    response = client.post(
        reverse("portal:staff-invite"),
        {
            "full_name": "Efua Partner",
            "email": "efua@partner.example.org",
            "role": Role.PARTNER,
            "organisation": partner_org.pk,
            "language": "en",
        },
    )

    assert response.status_code == 302
    with unscoped():
        membership = Membership.objects.get(invitation__email="efua@partner.example.org")
    assert (membership.role, membership.organisation, membership.centre, membership.is_active) == (
        Role.PARTNER,
        partner_org,
        None,
        False,
    )
    assert_audited("portal.staff.invited", target=membership, actor=manager.user, details={"role": "partner"})
    user = accept_invitation(invitation=membership.invitation, password="a long passphrase for efua 7")
    partner_browser = Client()
    partner_browser.force_login(user)
    assert partner_browser.get("/en/staff/")["Location"] == reverse("mfa_activate_totp")  # a second factor first
    with_totp(user)
    assert partner_browser.get("/en/staff/")["Location"] == reverse("referrals:partner-inbox")


def test_a_coordinator_invites_an_employers_recruiter(coordinator, employer_org) -> None:
    invitation = invite_staff(
        access=get_access(coordinator.user),
        actor=coordinator.user,
        email="hr@employer.example.org",
        full_name="Kwame Recruiter",
        role=Role.EMPLOYER,
        employer=employer_org,
    )
    assert invitation.membership.employer == employer_org


def test_an_organisation_of_another_country_is_refused_and_nothing_is_made(client: Client, manager, country_b) -> None:
    abroad = OrganizationFactory(country=country_b, name="Belgrade Training Centre")
    with pytest.raises(DomainError, match="partner organisation of your country"):
        invite_staff(
            access=get_access(manager.user),
            actor=manager.user,
            email="someone@abroad.example.org",
            full_name="Someone",
            role=Role.PARTNER,
            organisation=abroad,
        )
    client.force_login(manager.user)
    page = client.post(
        reverse("portal:staff-invite"),
        {
            "full_name": "S",
            "email": "s@abroad.example.org",
            "role": Role.PARTNER,
            "organisation": abroad.pk,
            "language": "en",
        },
    )
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert not StaffInvitation.objects.filter(email__in=["someone@abroad.example.org", "s@abroad.example.org"]).exists()


def test_the_partner_role_needs_its_organisation(client: Client, manager) -> None:
    client.force_login(manager.user)
    page = client.post(
        reverse("portal:staff-invite"),
        {"full_name": "N", "email": "n@example.org", "role": Role.PARTNER, "language": "en"},
    ).content.decode()
    assert "Choose a partner organisation of your country." in page
    assert not StaffInvitation.objects.filter(email="n@example.org").exists()


def test_a_manager_vets_an_employer_of_their_country_in_the_portal(client: Client, manager, country_a) -> None:
    waiting = EmployerFactory(country=country_a, name="Accra Builders", vetting_status=VettingStatus.PENDING)
    client.force_login(manager.user)
    page = client.get(reverse("jobfairs:employer-vetting")).content.decode()
    assert "Accra Builders" in page

    prefix = str(waiting.public_id)
    response = client.post(
        reverse("jobfairs:employer-vet", kwargs={"public_id": waiting.public_id}),
        {f"{prefix}-status": VettingStatus.VERIFIED, f"{prefix}-note": "Registration certificate checked"},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.vetting_status, waiting.vetting_note) == (
        VettingStatus.VERIFIED,
        "Registration certificate checked",
    )
    assert_audited("jobfairs.employer.vetted", target=waiting, actor=manager.user, details={"status": "verified"})


def test_an_employer_of_another_country_cannot_be_vetted(client: Client, manager, country_b) -> None:
    abroad = EmployerFactory(country=country_b, name="Novi Sad Works", vetting_status=VettingStatus.PENDING)
    client.force_login(manager.user)
    assert "Novi Sad Works" not in client.get(reverse("jobfairs:employer-vetting")).content.decode()
    prefix = str(abroad.public_id)
    response = client.post(
        reverse("jobfairs:employer-vet", kwargs={"public_id": abroad.public_id}), {f"{prefix}-status": "verified"}
    )
    assert response.status_code == 404
    assert Employer.objects.get(pk=abroad.pk).vetting_status == VettingStatus.PENDING


def test_the_vetting_list_keeps_its_query_count(client: Client, manager, country_a) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager.user)
    EmployerFactory(country=country_a)
    client.get(reverse("jobfairs:employer-vetting"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("jobfairs:employer-vetting"))
    for _ in range(10):
        EmployerFactory(country=country_a)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("jobfairs:employer-vetting"))
    assert len(many) == len(few)
