"""Fixtures of the report tests: a March 2026 with known answers at centre A."""

from __future__ import annotations

import datetime as dt

import pytest

from counselling.models import FollowUp, GroupSession
from jobfairs.models import Application, Booking
from tests.factories import CaseFactory, ClientFactory, OrganizationFactory, SessionFactory, UserFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory, SlotFactory, VacancyFactory
from tests.referrals.factories import ServiceFactory
from tests.reports.builders import at, refer

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def march(centre_a, country_a, employer_org):
    """Known activity in March 2026 (see the expected numbers in test_services)."""
    user = UserFactory()
    c1 = ClientFactory(centre=centre_a, given_name="Abena", sex="female", birth_year=2000, target_group="returnee_de")
    c2 = ClientFactory(
        centre=centre_a,
        given_name="Kofi",
        sex="male",
        birth_year=None,
        birth_date=dt.date(2008, 6, 1),
        target_group="idp",
    )
    c3 = ClientFactory(centre=centre_a, given_name="Esi", sex="female", birth_year=None, target_group="local")
    case1 = CaseFactory(client=c1, opened_on=dt.date(2026, 3, 2))
    case2 = CaseFactory(client=c2, opened_on=dt.date(2026, 2, 20))
    case3 = CaseFactory(client=c3, opened_on=dt.date(2026, 3, 15))
    for case, day in ((case1, 3), (case1, 20), (case2, 10)):
        SessionFactory(case=case, counsellor=user, held_at=at(dt.date(2026, 3, day)))
    SessionFactory(case=case3, counsellor=user, held_at=at(dt.date(2026, 4, 1)))
    GroupSession.objects.create(
        centre=centre_a,
        title="Info",
        held_on=dt.date(2026, 3, 5),
        topics=["labour_market"],
        facilitator=user,
        participants=10,
        by_sex={"female": 6, "male": 4},
        by_age_band={"18_24": 10},
        by_target_group={},
    )
    org = OrganizationFactory(country=country_a)
    training = ServiceFactory(organization=org, category="vocational_training")
    support = ServiceFactory(organization=org, category="psychosocial")
    refer(
        case1,
        training,
        user,
        dt.date(2026, 3, 4),
        ("accepted", dt.date(2026, 3, 6)),
        ("completed", dt.date(2026, 3, 25)),
    )
    refer(case2, support, user, dt.date(2026, 3, 12), ("declined", dt.date(2026, 3, 13)))
    for due, done in ((10, None), (20, at(dt.date(2026, 3, 25))), (35, None)):
        FollowUp.objects.create(
            case=case1,
            title="Call",
            due_on=dt.date(2026, 3, 1) + dt.timedelta(days=due - 1),
            done_at=done,
            assigned_to=user,
            created_by=user,
        )
    fair = FairFactory(
        country=country_a,
        centres=[centre_a],
        starts_at=at(dt.date(2026, 3, 18), 10),
        ends_at=at(dt.date(2026, 3, 18), 16),
        registration_opens_at=at(dt.date(2026, 2, 1)),
        registration_closes_at=at(dt.date(2026, 3, 18), 9),
    )
    regs = [RegistrationFactory(fair=fair, status=s) for s in ("attended", "attended", "no_show", "cancelled")]
    booth = BoothFactory(fair=fair, employer=employer_org)
    slot_1 = SlotFactory(booth=booth)
    slot_2 = SlotFactory(booth=booth, starts_at=at(dt.date(2026, 3, 18), 11))
    Booking.objects.create(slot=slot_1, registration=regs[0])
    Booking.objects.create(slot=slot_2, registration=regs[1], status="cancelled")
    vacancy = VacancyFactory(employer=employer_org, fair=fair, country=country_a)
    Application.objects.create(
        vacancy=vacancy,
        applicant=regs[0].user,
        registration=regs[0],
        created_at=at(dt.date(2026, 3, 18)),
        status="hired",
        hired_at=at(dt.date(2026, 3, 28)),
    )
    Application.objects.create(vacancy=vacancy, applicant=regs[1].user, created_at=at(dt.date(2026, 3, 19)))
    return {"clients": [c1, c2, c3], "user": user}
