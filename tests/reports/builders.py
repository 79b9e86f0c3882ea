"""Hand-built and random data for the report tests."""

from __future__ import annotations

import datetime as dt
import random

from counselling.models import Client, FollowUp, GroupSession
from portal.access import unscoped
from portal.models import Centre, User
from referrals.models import Referral, ReferralEvent
from tests.factories import CaseFactory, ClientFactory, OrganizationFactory, SessionFactory, UserFactory
from tests.jobfairs.factories import FairFactory, RegistrationFactory
from tests.referrals.factories import ServiceFactory

UTC = dt.UTC


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


def refer(case, service, user: User, sent: dt.date, *events: tuple[str, dt.date]) -> Referral:
    final = events[-1][0] if events else "sent"
    referral = Referral.objects.create(
        case=case,
        centre=case.centre,
        service=service,
        organization=service.organization,
        created_by=user,
        reason="Training",
        due_on=sent + dt.timedelta(days=14),
        status=final,
        outcome="certificate" if final == "completed" else "",
        sent_at=at(sent),
    )
    ReferralEvent.objects.create(
        referral=referral, channel="staff", from_status="draft", to_status="sent", occurred_at=at(sent)
    )
    for status, day in events:
        ReferralEvent.objects.create(referral=referral, channel="staff", to_status=status, occurred_at=at(day))
    return referral


SEXES = ["female", "male", "other", "undisclosed"]
GROUPS = ["returnee_de", "returnee_other", "idp", "local", "potential_migrant"]


def random_data(centres: list[Centre], *, seed: int, start: dt.date, days: int) -> None:
    """Clients, cases, sessions, follow-ups, group sessions and referrals spread over `days` days."""
    rng = random.Random(seed)
    user = UserFactory()
    services = [
        ServiceFactory(organization=OrganizationFactory(country=centres[0].country), category=c)
        for c in ("vocational_training", "psychosocial", "job_placement")
    ]
    for n in range(60):
        centre = rng.choice(centres)
        client = ClientFactory(
            centre=centre,
            sex=rng.choice(SEXES),
            birth_year=rng.choice([None, 1960, 1985, 1995, 2001, 2003, 2009]),
            birth_date=rng.choice([None, None, dt.date(2008, rng.randint(1, 12), 15)]),
            target_group=rng.choice(GROUPS),
        )
        opened = start + dt.timedelta(days=rng.randrange(days))
        case = CaseFactory(client=client, opened_on=opened)
        for _ in range(rng.randint(0, 6)):
            held = opened + dt.timedelta(days=rng.randrange(days // 2))
            SessionFactory(case=case, counsellor=user, held_at=at(held, rng.choice([0, 9, 23])))
        for _ in range(rng.randint(0, 2)):
            due = opened + dt.timedelta(days=rng.randrange(days))
            done = rng.choice([None, at(due + dt.timedelta(days=rng.randint(-3, 10)))])
            FollowUp.objects.create(
                case=case, title="Call", due_on=due, done_at=done, assigned_to=user, created_by=user
            )
        if rng.random() < 0.5:
            sent = opened + dt.timedelta(days=rng.randrange(days // 2))
            outcome = rng.choice(
                [
                    (),
                    (("accepted", sent + dt.timedelta(days=2)),),
                    (("accepted", sent + dt.timedelta(days=1)), ("completed", sent + dt.timedelta(days=9))),
                    (("declined", sent + dt.timedelta(days=3)),),
                ]
            )
            refer(case, services[n % 3], user, sent, *outcome)
    fair_people = [UserFactory() for _ in range(6)]
    for i, user_ in enumerate(fair_people[:2]):  # returnees with a client record
        ClientFactory(centre=centres[0], portal_account=user_, sex=SEXES[i], target_group=GROUPS[i])
    for f in range(3):
        day = start + dt.timedelta(days=rng.randrange(days))
        fair = FairFactory(
            country=centres[0].country,
            centres=[rng.choice(centres)],
            starts_at=at(day, 9),
            ends_at=at(day, 15),
            registration_opens_at=at(day - dt.timedelta(days=30)),
            registration_closes_at=at(day, 8),
        )
        for user_ in fair_people:
            RegistrationFactory(
                fair=fair,
                user=user_,
                status=rng.choice(["registered", "attended", "no_show", "cancelled", "waitlisted"]),
                declared_sex=rng.choice(["", "female", "male", "other"]),
                declared_age_band=rng.choice(["", "under_18", "25_34", "50_plus"]),
                declared_target_group=rng.choice(["", *GROUPS]),
            )
        with unscoped():
            clients = list(Client.objects.filter(centre__in=centres, portal_account=None).order_by("pk")[: 3 + f])
        for c in clients:
            RegistrationFactory(fair=fair, user=None, client=c, status=rng.choice(["registered", "attended"]))
    for _ in range(8):
        people = rng.randint(1, 30)
        female = rng.randint(0, people)
        GroupSession.objects.create(
            centre=rng.choice(centres),
            title="Info",
            held_on=start + dt.timedelta(days=rng.randrange(days)),
            topics=["labour_market"],
            facilitator=user,
            participants=people,
            by_sex={"female": female, "male": people - female},
            by_age_band={},
            by_target_group={"local": people},
        )
