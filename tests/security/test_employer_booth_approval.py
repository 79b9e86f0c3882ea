"""Issue #15, finding 4: employers reached candidates without approval.

The attack: an employer from Serbia opened a booth at a Ghanaian fair with one POST and at once saw
every consenting registrant's name and e-mail; a suspended employer still saw its candidate list.
Now a booth is a request that a manager of an organising centre approves or declines; only a
verified employer with an approved booth sees candidates and bookings; suspension ends access with
the next request. Every step goes through the real views.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from jobfairs.models import (
    Application,
    Booking,
    Booth,
    BoothStatus,
    Employer,
    RegistrationStatus,
    VettingStatus,
)
from portal.access import unscoped
from portal.models import AuditEvent
from tests.factories import EmployerFactory, MembershipFactory, UserFactory, with_totp
from tests.jobfairs.factories import (
    BoothFactory,
    FairFactory,
    RegistrationFactory,
    SlotFactory,
    VacancyFactory,
)

CANDIDATE_NAME = "Abena Consenting"
CANDIDATE_EMAIL = "abena.consenting@example.org"


@pytest.fixture
def ghana_fair(centre_a):
    """A published fair in Ghana organised by centre A, with one candidate who agreed to share."""
    fair = FairFactory(country=centre_a.country, centres=[centre_a])
    RegistrationFactory(fair=fair, user=UserFactory(full_name=CANDIDATE_NAME, email=CANDIDATE_EMAIL))
    return fair


@pytest.fixture
def serbian_employer(country_b):
    """A verified employer from Serbia, with a signed-in account (TOTP set up)."""
    organisation = EmployerFactory(country=country_b, name="Beograd Logistics")
    user = with_totp(UserFactory(full_name="Serbian Recruiter"))
    MembershipFactory(user=user, role="employer", employer=organisation)
    return user


def _ask_for_booth(client, fair) -> Booth:
    response = client.post(
        reverse("jobfairs:booth-edit", kwargs={"public_id": fair.public_id}),
        {"description": "We hire drivers.", "meeting_url": "", "documents": "", "staff": ""},
    )
    assert response.status_code == 302
    return Booth.objects.get(fair=fair)


def _sees_candidate(client, booth: Booth) -> bool:
    pages = [
        client.get(reverse("jobfairs:candidate-list", kwargs={"public_id": booth.public_id})),
        client.get(reverse("jobfairs:employer-dashboard")),
    ]
    body = "".join(page.content.decode() for page in pages if page.status_code == 200)
    return CANDIDATE_NAME in body or CANDIDATE_EMAIL in body


def test_booth_opened_with_one_post_shows_no_candidate_until_the_centre_approves(
    client, serbian_employer, ghana_fair, manager, outsider_manager, returnee
) -> None:
    client.force_login(serbian_employer)
    booth = _ask_for_booth(client, ghana_fair)

    # The request waits; the employer is told so and sees nobody.
    assert booth.status == BoothStatus.PENDING
    dashboard = client.get(reverse("jobfairs:employer-dashboard")).content.decode()
    assert "Waiting for approval" in dashboard
    assert not _sees_candidate(client, booth)
    with unscoped():
        assert AuditEvent.objects.filter(action="jobfairs.booth.requested", target_id=str(booth.public_id)).exists()

    # Nothing of the unapproved booth is published: booth page, its slots, its fair's vacancy.
    slot = SlotFactory(booth=booth)
    vacancy = VacancyFactory(employer=booth.employer, country=booth.employer.country, fair=ghana_fair)
    client.logout()
    assert client.get(reverse("jobfairs:booth-detail", kwargs={"public_id": booth.public_id})).status_code == 404
    assert client.get(reverse("jobfairs:vacancy-detail", kwargs={"public_id": vacancy.public_id})).status_code == 404
    assert (
        "Beograd Logistics"
        not in client.get(reverse("jobfairs:fair-detail", args=[ghana_fair.public_id])).content.decode()
    )
    RegistrationFactory(fair=ghana_fair, user=returnee.user)
    client.force_login(returnee.user)
    assert client.post(reverse("jobfairs:slot-book", kwargs={"public_id": slot.public_id})).status_code == 404
    with unscoped():
        assert not Booking.objects.filter(slot=slot).exists()

    # Another centre's manager cannot approve it (unknown: 404) and changes nothing.
    client.force_login(outsider_manager.user)
    assert client.post(reverse("jobfairs:booth-approve", kwargs={"public_id": booth.public_id})).status_code == 404
    booth.refresh_from_db()
    assert booth.status == BoothStatus.PENDING

    # The organising centre's manager sees the request on the fair's page and approves it.
    client.force_login(manager.user)
    manage = client.get(reverse("jobfairs:fair-manage", kwargs={"public_id": ghana_fair.public_id})).content.decode()
    assert "Beograd Logistics" in manage and "Waiting for approval" in manage
    response = client.post(reverse("jobfairs:booth-approve", kwargs={"public_id": booth.public_id}))
    assert response.status_code == 302
    booth.refresh_from_db()
    assert booth.status == BoothStatus.APPROVED and booth.decided_by == manager.user
    with unscoped():
        assert AuditEvent.objects.filter(
            action="jobfairs.booth.approved", target_id=str(booth.public_id), actor=manager.user
        ).exists()

    # Now, and only now, the employer sees the consenting candidate; the booth and vacancy are public.
    client.force_login(serbian_employer)
    assert _sees_candidate(client, booth)
    assert client.get(reverse("jobfairs:vacancy-detail", kwargs={"public_id": vacancy.public_id})).status_code == 200


def test_declined_booth_shows_nothing_and_cannot_be_asked_for_again(client, serbian_employer, ghana_fair, manager):
    client.force_login(serbian_employer)
    booth = _ask_for_booth(client, ghana_fair)
    client.force_login(manager.user)
    assert client.post(reverse("jobfairs:booth-decline", kwargs={"public_id": booth.public_id})).status_code == 302
    booth.refresh_from_db()
    assert booth.status == BoothStatus.DECLINED

    client.force_login(serbian_employer)
    assert not _sees_candidate(client, booth)
    response = client.post(
        reverse("jobfairs:booth-edit", kwargs={"public_id": ghana_fair.public_id}),
        {"description": "Please!", "meeting_url": "", "documents": "", "staff": ""},
    )
    assert response.status_code == 200
    assert "declined your booth" in response.content.decode()
    booth.refresh_from_db()
    assert booth.status == BoothStatus.DECLINED and booth.description == "We hire drivers."


def test_taking_back_an_approval_ends_access_at_once(client, employer, employer_org, ghana_fair, manager) -> None:
    booth = BoothFactory(fair=ghana_fair, employer=employer_org)
    client.force_login(employer.user)
    assert _sees_candidate(client, booth)
    client.force_login(manager.user)
    client.post(reverse("jobfairs:booth-decline", kwargs={"public_id": booth.public_id}))
    client.force_login(employer.user)
    assert not _sees_candidate(client, booth)


def test_suspended_employer_loses_candidates_bookings_and_applications_at_once(
    client, employer, employer_org, ghana_fair, returnee
) -> None:
    booth = BoothFactory(fair=ghana_fair, employer=employer_org)
    registration = RegistrationFactory(fair=ghana_fair, user=returnee.user)
    Booking.objects.create(slot=SlotFactory(booth=booth), registration=registration)
    vacancy = VacancyFactory(employer=employer_org, country=employer_org.country)
    application = Application.objects.create(vacancy=vacancy, applicant=returnee.user)

    client.force_login(employer.user)
    dashboard = client.get(reverse("jobfairs:employer-dashboard")).content.decode()
    assert returnee.user.full_name in dashboard
    assert _sees_candidate(client, booth)

    # A centre suspends the employer; the employer's open session goes on with its next request.
    Employer.objects.filter(pk=employer_org.pk).update(vetting_status=VettingStatus.SUSPENDED)

    assert not _sees_candidate(client, booth)
    dashboard = client.get(reverse("jobfairs:employer-dashboard")).content.decode()
    assert returnee.user.full_name not in dashboard and returnee.user.email not in dashboard
    assert "suspended" in dashboard
    response = client.post(
        reverse("jobfairs:application-status", kwargs={"public_id": application.public_id}), {"status": "shortlisted"}
    )
    assert response.status_code == 404
    with unscoped():
        application.refresh_from_db()
    assert application.status == "submitted"
    # Nor may it add slots or ask for booths while suspended: a clear error, nothing written.
    response = client.post(
        reverse("jobfairs:slot-create", kwargs={"public_id": booth.public_id}),
        {"first_start": ghana_fair.starts_at.strftime("%Y-%m-%dT%H:%M"), "minutes": 15, "count": 2},
    )
    assert response.status_code == 200 and "is suspended" in response.content.decode()
    assert booth.slots.count() == 1


def test_employer_with_an_approved_booth_elsewhere_sees_no_candidate_of_this_fair(
    client, employer, employer_org, ghana_fair, centre_a
) -> None:
    """An approved booth at one fair opens that fair's candidates, not another fair's."""
    other_fair = FairFactory(country=centre_a.country, centres=[centre_a])
    BoothFactory(fair=other_fair, employer=employer_org)
    pending = BoothFactory(fair=ghana_fair, employer=employer_org, status=BoothStatus.PENDING)
    other_registration = RegistrationFactory(fair=ghana_fair, status=RegistrationStatus.REGISTERED)
    slot = SlotFactory(booth=pending)
    Booking.objects.create(slot=slot, registration=other_registration)
    client.force_login(employer.user)
    assert not _sees_candidate(client, pending)
    dashboard = client.get(reverse("jobfairs:employer-dashboard")).content.decode()
    assert other_registration.user.full_name not in dashboard


def test_survey_is_only_for_employers_with_an_approved_booth(client, employer, employer_org, centre_a) -> None:
    from tests.jobfairs.factories import past_fair

    fair = past_fair(country=centre_a.country, centres=[centre_a])
    BoothFactory(fair=fair, employer=employer_org, status=BoothStatus.PENDING)
    client.force_login(employer.user)
    assert client.get(reverse("jobfairs:survey-answer", kwargs={"public_id": fair.public_id})).status_code == 404


@pytest.mark.parametrize("who", ["suspended", "foreign"])
def test_no_other_path_leads_an_employer_to_candidates(client, who, employer, employer_org, ghana_fair, centre_b):
    """Check-in, the staff registration list and its export-like pages, CVs and the personal-data
    download: none is open to an employer, whether suspended or from another country's fair."""
    if who == "suspended":
        BoothFactory(fair=ghana_fair, employer=employer_org)
        Employer.objects.filter(pk=employer_org.pk).update(vetting_status=VettingStatus.SUSPENDED)
    else:
        Employer.objects.filter(pk=employer_org.pk).update(country=centre_b.country)
        BoothFactory(fair=FairFactory(country=centre_b.country, centres=[centre_b]), employer=employer_org)
    with unscoped():
        registration = ghana_fair.registrations.get()
    client.force_login(employer.user)
    for url in (
        reverse("jobfairs:fair-manage", kwargs={"public_id": ghana_fair.public_id}),
        reverse("returnees:cv-download"),
        reverse("returnees:data-json"),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert CANDIDATE_NAME not in response.content.decode()
    check_in = reverse("jobfairs:check-in", kwargs={"public_id": ghana_fair.public_id})
    assert client.post(check_in, {"code": registration.check_in_code}).status_code == 404
    with unscoped():
        registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED
    assert not _sees_candidate(client, Booth.objects.filter(employer=employer_org).get())
