"""Fairs, employers' vetting, booths, slots and vacancies: who may change them, what is refused, each audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jobfairs import services
from jobfairs.models import Employer, FairStatus, VettingStatus
from portal.access import get_access
from portal.errors import DomainError, NotAllowed
from tests.audit import assert_audited
from tests.factories import EmployerFactory, MembershipFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, VacancyFactory
from tests.jobfairs.helpers import vacancy_data


def test_create_fair_checks_times_and_places(manager, centre_a) -> None:
    start = timezone.now() + dt.timedelta(days=5)
    data: dict[str, Any] = {
        "title": "Virtual fair",
        "format": "virtual",
        "time_zone": "Africa/Accra",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=4),
        "registration_opens_at": timezone.now(),
        "registration_closes_at": start,
        "capacity": 100,
        "online_url": "",
    }
    access = get_access(manager.user)
    with pytest.raises(DomainError, match="online link"):
        services.create_fair(access=access, actor=manager.user, centres=[centre_a], **data)
    with pytest.raises(DomainError, match="end after"):
        services.create_fair(
            access=access,
            actor=manager.user,
            centres=[centre_a],
            **{**data, "ends_at": start, "online_url": "https://x.org"},
        )
    with pytest.raises(DomainError, match="time zone"):
        services.create_fair(
            access=access,
            actor=manager.user,
            centres=[centre_a],
            **{**data, "time_zone": "Mars/Olympus", "online_url": "https://x.org"},
        )
    fair = services.create_fair(
        access=access, actor=manager.user, centres=[centre_a], **{**data, "online_url": "https://x.org"}
    )
    assert fair.status == FairStatus.DRAFT and list(fair.centres.all()) == [centre_a]
    assert_audited("jobfairs.fair.created", target=fair, actor=manager.user, centre=centre_a)


def test_manager_updates_a_fair_and_its_translations_and_it_is_audited(manager, outsider_manager, fair) -> None:
    data = {
        "title": "Spring fair",
        "format": fair.format,
        "time_zone": fair.time_zone,
        "starts_at": fair.starts_at,
        "ends_at": fair.ends_at,
        "registration_opens_at": fair.registration_opens_at,
        "registration_closes_at": fair.registration_closes_at,
        "venue": fair.venue,
        "online_url": fair.online_url,
    }
    with pytest.raises(NotAllowed):
        services.update_fair(access=get_access(outsider_manager.user), actor=outsider_manager.user, fair=fair, **data)
    updated = services.update_fair(
        access=get_access(manager.user),
        actor=manager.user,
        fair=fair,
        translations={"fr": {"title": "Salon de printemps", "description": ""}, "ar": {"title": ""}},
        **data,
    )
    assert updated.title == "Spring fair"
    assert updated.translations == {"fr": {"title": "Salon de printemps"}}
    assert_audited("jobfairs.fair.updated", target=fair, actor=manager.user)


def test_publish_fair_only_by_its_manager(manager, outsider_manager, centre_a) -> None:
    fair = FairFactory(status=FairStatus.DRAFT, centres=[centre_a], country=centre_a.country)
    with pytest.raises(NotAllowed):
        services.publish_fair(access=get_access(outsider_manager.user), actor=outsider_manager.user, fair=fair)
    services.publish_fair(access=get_access(manager.user), actor=manager.user, fair=fair)
    fair.refresh_from_db()
    assert fair.status == FairStatus.PUBLISHED
    assert_audited("jobfairs.fair.published", target=fair, actor=manager.user)


def test_manager_vets_an_employer_of_own_country_only(manager, outsider_manager, country_a) -> None:
    employer = Employer.objects.create(name="New Bakery", country=country_a, vetting_status=VettingStatus.PENDING)
    with pytest.raises(NotAllowed):
        services.vet_employer(
            access=get_access(outsider_manager.user),
            actor=outsider_manager.user,
            employer=employer,
            status=VettingStatus.VERIFIED,
        )
    with pytest.raises(DomainError):
        services.vet_employer(access=get_access(manager.user), actor=manager.user, employer=employer, status="approved")
    services.vet_employer(
        access=get_access(manager.user),
        actor=manager.user,
        employer=employer,
        status=VettingStatus.VERIFIED,
        note="Registration checked",
    )
    employer.refresh_from_db()
    assert employer.vetting_status == VettingStatus.VERIFIED
    assert_audited("jobfairs.employer.vetted", target=employer, actor=manager.user, details={"status": "verified"})


def test_add_slots_within_the_fairs_hours_only(employer, booth, fair) -> None:
    access = get_access(employer.user)
    created = services.add_slots(
        access=access, actor=employer.user, booth=booth, first_start=fair.starts_at, count=4, minutes=15
    )
    assert len(created) == 4 and created[-1].ends_at == fair.starts_at + dt.timedelta(hours=1)
    assert_audited("jobfairs.slots.added", target=booth, actor=employer.user, details={"count": 4})
    with pytest.raises(DomainError, match="overlap"):
        services.add_slots(
            access=access, actor=employer.user, booth=booth, first_start=fair.starts_at, count=1, minutes=15
        )
    with pytest.raises(DomainError, match="opening hours"):
        services.add_slots(
            access=access, actor=employer.user, booth=booth, first_start=fair.ends_at, count=1, minutes=15
        )
    with pytest.raises(DomainError, match="slot length"):
        services.add_slots(
            access=access, actor=employer.user, booth=booth, first_start=fair.starts_at, count=1, minutes=7
        )


def test_another_employer_cannot_add_slots(booth) -> None:
    other = MembershipFactory(role="employer", employer=EmployerFactory()).user
    with pytest.raises(NotAllowed):
        services.add_slots(
            access=get_access(other), actor=other, booth=booth, first_start=booth.fair.starts_at, count=1, minutes=15
        )


def test_unverified_employer_cannot_publish_or_open_a_booth(employer, employer_org, fair) -> None:
    employer_org.vetting_status = VettingStatus.PENDING
    employer_org.save()
    access = get_access(employer.user)
    with pytest.raises(DomainError, match="not been verified"):
        services.save_vacancy(access=access, actor=employer.user, employer=employer_org, publish=True, **vacancy_data())
    with pytest.raises(DomainError, match="not been verified"):
        services.save_booth(access=access, actor=employer.user, employer=employer_org, fair=fair, description="x")
    draft = services.save_vacancy(
        access=access, actor=employer.user, employer=employer_org, publish=False, **vacancy_data()
    )
    assert not draft.is_published
    assert_audited("jobfairs.vacancy.created", target=draft, actor=employer.user, details={"published": False})


def test_verified_employer_publishes_and_edits_a_vacancy_and_each_save_is_audited(employer, employer_org) -> None:
    access = get_access(employer.user)
    vacancy = services.save_vacancy(
        access=access, actor=employer.user, employer=employer_org, publish=True, **vacancy_data()
    )
    assert vacancy.is_published
    assert_audited("jobfairs.vacancy.created", target=vacancy, actor=employer.user, details={"published": True})
    services.save_vacancy(
        access=access,
        actor=employer.user,
        employer=employer_org,
        vacancy=vacancy,
        publish=True,
        **vacancy_data(title="Senior welder"),
    )
    vacancy.refresh_from_db()
    assert vacancy.title == "Senior welder"
    assert_audited("jobfairs.vacancy.updated", target=vacancy, actor=employer.user, details={"published": True})


def test_vacancy_bad_input_is_refused(employer, employer_org) -> None:
    access = get_access(employer.user)
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {"salary_min": Decimal(900), "salary_max": Decimal(500), "salary_currency": "GHS", "salary_unit": "MONTH"},
            "salary_max",
        ),
        ({"salary_min": Decimal(500)}, "salary_currency"),
        ({"locality": ""}, "locality"),
        ({"valid_through": timezone.localdate() - dt.timedelta(days=1)}, "valid_through"),
        ({"isco_code": "72A"}, "isco_code"),
    ]
    for overrides, field in cases:
        with pytest.raises(DomainError) as error:
            services.save_vacancy(
                access=access, actor=employer.user, employer=employer_org, publish=True, **vacancy_data(**overrides)
            )
        assert error.value.field == field


def test_employer_cannot_edit_another_employers_vacancy(employer, employer_org) -> None:
    foreign = VacancyFactory()
    with pytest.raises(NotAllowed):
        services.save_vacancy(
            access=get_access(employer.user),
            actor=employer.user,
            employer=employer_org,
            vacancy=foreign,
            publish=True,
            **vacancy_data(),
        )


def test_booth_is_saved_and_audited(employer, employer_org, fair) -> None:
    booth = services.save_booth(
        access=get_access(employer.user),
        actor=employer.user,
        employer=employer_org,
        fair=fair,
        description="Agro jobs",
        documents="https://example.org/brochure.pdf",
    )
    assert booth.document_links == ["https://example.org/brochure.pdf"]
    assert booth.status == "pending"
    assert_audited("jobfairs.booth.requested", target=booth, actor=employer.user, details={"status": "pending"})
    with pytest.raises(DomainError, match="https://"):
        services.save_booth(
            access=get_access(employer.user), actor=employer.user, employer=employer_org, fair=fair, documents="ftp://x"
        )
    services.save_booth(
        access=get_access(employer.user), actor=employer.user, employer=employer_org, fair=fair, description="More"
    )
    booth.refresh_from_db()
    assert booth.description == "More" and booth.status == "pending"  # editing keeps the request waiting
    assert_audited("jobfairs.booth.updated", target=booth, actor=employer.user, details={"status": "pending"})


def test_manager_of_the_organising_centre_approves_and_declines_booths(manager, outsider_manager, counsellor, fair):
    booth = BoothFactory(fair=fair, status="pending")
    for someone in (outsider_manager, counsellor):
        with pytest.raises(NotAllowed):
            services.approve_booth(access=get_access(someone.user), actor=someone.user, booth=booth)
    booth = services.approve_booth(access=get_access(manager.user), actor=manager.user, booth=booth)
    assert (booth.status, booth.decided_by) == ("approved", manager.user)
    employer = {"employer": str(booth.employer.public_id)}
    assert_audited("jobfairs.booth.approved", target=booth, actor=manager.user, centre=manager.centre, details=employer)
    with pytest.raises(DomainError, match="already been decided"):
        services.approve_booth(access=get_access(manager.user), actor=manager.user, booth=booth)
    booth = services.decline_booth(access=get_access(manager.user), actor=manager.user, booth=booth)
    assert booth.status == "declined"
    assert_audited("jobfairs.booth.declined", target=booth, actor=manager.user, centre=manager.centre, details=employer)


def test_a_suspended_employers_booth_cannot_be_approved(manager, fair) -> None:
    booth = BoothFactory(fair=fair, status="pending", employer=EmployerFactory(vetting_status="suspended"))
    with pytest.raises(DomainError, match="verified"):
        services.approve_booth(access=get_access(manager.user), actor=manager.user, booth=booth)
    booth.refresh_from_db()
    assert booth.status == "pending"
