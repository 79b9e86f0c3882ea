"""The small tables, written once: countries, centres, staff, partners, employers, fairs (`seed_base`)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.db import connection

from devtools.bench.copyload import copy_rows, next_id, reset_sequence
from devtools.bench.seed.common import (
    BENCH_PASSWORD,
    CATEGORIES,
    CENTRES_PER_COUNTRY,
    CITIES,
    COUNSELLORS_PER_CENTRE,
    COUNTRIES,
    EMAIL_DOMAIN,
    EMPLOYERS_PER_COUNTRY,
    FAIRS_PER_COUNTRY,
    FOCUS_CENTRE,
    ORGS_PER_COUNTRY,
    SERVICES_PER_ORG,
    VACANCIES_PER_EMPLOYER,
    Base,
    CentreInfo,
    Ids,
    aware_at,
)

# --- Base ----------------------------------------------------------------------------------------------


def seed_base(*, seed: int, today: dt.date) -> Base:
    """Countries, centres, staff (with TOTP), organisations, services, employers, fairs and vacancies."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.hashers import make_password

    from jobfairs.models import Booth, Employer, JobFair, Vacancy
    from portal.geography import COUNTRIES as FACTS
    from portal.models import Centre, Membership, User
    from referrals.models import Organization, Service

    rng = random.Random(seed)
    ids = Ids(rng, 1)
    now = aware_at(today, 9 * 3600)
    with connection.cursor() as cursor:
        for code, facts in FACTS.items():
            cursor.execute(
                "INSERT INTO portal_country (code, languages, timezone, phone_prefix, retention_days,"
                " is_partner_country) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (code) DO NOTHING",
                [code, list(facts.languages), facts.timezone, facts.phone_prefix, 5 * 365, facts.partner],
            )
        centre_id, user_id = next_id(cursor, Centre), next_id(cursor, User)
        org_id, service_id = next_id(cursor, Organization), next_id(cursor, Service)
        employer_id, fair_id, booth_id, vacancy_id = (
            next_id(cursor, Employer),
            next_id(cursor, JobFair),
            next_id(cursor, Booth),
            next_id(cursor, Vacancy),
        )
        password = make_password(BENCH_PASSWORD)
        centres, users, memberships, orgs, services, employers = [], [], [], [], [], []
        fairs, fair_centres, booths, vacancies = [], [], [], []
        infos: list[CentreInfo] = []

        def user(email: str, name: str, **extra: Any) -> int:
            nonlocal user_id
            users.append(
                {
                    "id": user_id,
                    "email": email,
                    "full_name": name,
                    "password": password,
                    "public_id": ids(),
                    "is_active": True,
                    "is_staff": False,
                    "is_superuser": False,
                    "date_joined": now,
                    **extra,
                }
            )
            user_id += 1
            return user_id - 1

        admin = user(f"admin@{EMAIL_DOMAIN}", "Bench Admin")
        memberships.append({"user_id": admin, "role": "admin"})
        analyst = user(f"analyst@{EMAIL_DOMAIN}", "Bench Analyst")
        memberships.append({"user_id": analyst, "role": "programme_analyst"})
        partner_number = employer_number = 0
        for country, n_centres in zip(COUNTRIES, CENTRES_PER_COUNTRY, strict=True):
            cc = country.lower()
            coordinator = user(f"coordinator.{cc}@{EMAIL_DOMAIN}", f"Coordinator {country}")
            memberships.append({"user_id": coordinator, "role": "country_coordinator", "country_id": country})
            country_centres = []
            for number in range(1, n_centres + 1):
                code = f"{country}{number}"
                city = CITIES[country][(number - 1) % len(CITIES[country])]
                centres.append(
                    {
                        "id": centre_id,
                        "public_id": ids(),
                        "country_id": country,
                        "name": f"Centre {city} {number}",
                        "slug": f"bench-{code.lower()}",
                        "code": code,
                        "city": city,
                        "languages": list(FACTS[country].languages),
                        "is_active": True,
                    }
                )
                manager = user(f"manager.{code.lower()}@{EMAIL_DOMAIN}", f"Manager {code}")
                memberships.append({"user_id": manager, "role": "centre_manager", "centre_id": centre_id})
                counsellors = []
                for k in range(1, COUNSELLORS_PER_CENTRE + 1):
                    counsellor = user(f"counsellor.{code.lower()}.{k}@{EMAIL_DOMAIN}", f"Counsellor {code} {k}")
                    memberships.append({"user_id": counsellor, "role": "counsellor", "centre_id": centre_id})
                    counsellors.append(counsellor)
                info = CentreInfo(id=centre_id, code=code, country=country, counsellors=counsellors, manager=manager)
                infos.append(info)
                country_centres.append(info)
                centre_id += 1
            # A counsellor working in every centre of the country (mobile teams): the country-wide search E4.
            roving = user(f"countrywide.{cc}@{EMAIL_DOMAIN}", f"Country-wide counsellor {country}")
            for info in country_centres:
                memberships.append({"user_id": roving, "role": "counsellor", "centre_id": info.id})
            country_services = []
            for o in range(ORGS_PER_COUNTRY):
                partner_number += 1
                orgs.append(
                    {
                        "id": org_id,
                        "public_id": ids(),
                        "name": f"Partner {country} {o + 1}",
                        "organization_type": ["ngo", "training_provider", "government"][o % 3],
                        "country_id": country,
                    }
                )
                partner = user(f"partner.{partner_number}@{EMAIL_DOMAIN}", f"Partner user {partner_number}")
                memberships.append({"user_id": partner, "role": "partner", "organisation_id": org_id})
                for s in range(SERVICES_PER_ORG):
                    services.append(
                        {
                            "id": service_id,
                            "public_id": ids(),
                            "organization_id": org_id,
                            "name": f"Service {country} {o + 1}.{s + 1}",
                            "category": CATEGORIES[(o * SERVICES_PER_ORG + s) % len(CATEGORIES)],
                            "country_id": country,
                            "is_published": True,
                            "is_active": True,
                            "created_at": now,
                        }
                    )
                    country_services.append((service_id, org_id))
                    service_id += 1
                org_id += 1
            country_employers = []
            for e in range(EMPLOYERS_PER_COUNTRY):
                employer_number += 1
                employers.append(
                    {
                        "id": employer_id,
                        "public_id": ids(),
                        "name": f"Employer {country} {e + 1}",
                        "country_id": country,
                        "vetting_status": "verified",
                    }
                )
                boss = user(f"employer.{employer_number}@{EMAIL_DOMAIN}", f"Employer user {employer_number}")
                memberships.append({"user_id": boss, "role": "employer", "employer_id": employer_id})
                for v in range(VACANCIES_PER_EMPLOYER):
                    vacancies.append(
                        {
                            "id": vacancy_id,
                            "public_id": ids(),
                            "employer_id": employer_id,
                            "title": f"Job {v + 1} at employer {country} {e + 1}",
                            "description": "Work in a growing team.",
                            "employment_type": "FULL_TIME",
                            "country_id": country,
                            "locality": CITIES[country][0],
                            "valid_through": today + dt.timedelta(days=30 + v),
                            "is_published": True,
                            "date_posted": today - dt.timedelta(days=v),
                            "created_at": now,
                        }
                    )
                    vacancy_id += 1
                country_employers.append(employer_id)
                employer_id += 1
            for f in range(FAIRS_PER_COUNTRY):
                starts = now + dt.timedelta(days=20 * (f - 1))  # one past, one soon, one later
                fairs.append(
                    {
                        "id": fair_id,
                        "public_id": ids(),
                        "title": f"Job fair {country} {f + 1}",
                        "format": "hybrid",
                        "country_id": country,
                        "time_zone": FACTS[country].timezone,
                        "starts_at": starts,
                        "ends_at": starts + dt.timedelta(hours=6),
                        "venue": f"Hall {f + 1}, {CITIES[country][0]}",
                        "online_url": "https://meet.example/fair",
                        "registration_opens_at": starts - dt.timedelta(days=60),
                        "registration_closes_at": starts,
                        "capacity": 500,
                        "status": "published",
                        "created_at": now - dt.timedelta(days=90),
                    }
                )
                fair_centres.append({"jobfair_id": fair_id, "centre_id": country_centres[0].id})
                for employer in country_employers:
                    booths.append(
                        {
                            "id": booth_id,
                            "public_id": ids(),
                            "fair_id": fair_id,
                            "employer_id": employer,
                            "status": "approved",
                        }
                    )
                    booth_id += 1
                for info in country_centres:
                    info.fairs.append(fair_id)
                fair_id += 1
            for info in country_centres:
                info.services = country_services

        copy_rows(cursor, Centre, centres)
        copy_rows(cursor, User, users)
        copy_rows(cursor, Organization, orgs)
        copy_rows(cursor, Service, services)
        copy_rows(cursor, Employer, employers)
        copy_rows(cursor, Membership, [_membership(m, now) for m in memberships])
        copy_rows(cursor, JobFair, fairs)
        copy_rows(cursor, JobFair.centres.through, fair_centres)
        copy_rows(cursor, Booth, booths)
        copy_rows(cursor, Vacancy, vacancies)
        for model in (Centre, User, Organization, Service, Employer, Membership, JobFair, Booth, Vacancy):
            reset_sequence(cursor, model)
        reset_sequence(cursor, JobFair.centres.through)

    # Every staff member has a second factor (the portal insists); one TOTP secret, made by allauth, shared.
    from allauth.mfa.totp.internal.auth import TOTP

    staff_ids = [m["user_id"] for m in memberships]
    first = User.objects.get(pk=staff_ids[0])
    TOTP.activate(first, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    data = Authenticator.objects.get(user=first, type=Authenticator.Type.TOTP).data
    Authenticator.objects.bulk_create(
        [Authenticator(user_id=uid, type=Authenticator.Type.TOTP, data=data) for uid in sorted(set(staff_ids[1:]))],
        batch_size=1000,
    )
    weights = [rng.uniform(0.5, 1.5) for _ in infos]
    weights[[i.code for i in infos].index(FOCUS_CENTRE)] = 4.0
    return Base(centres=infos, staff_count=len(users), weights=weights)


def _membership(row: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    return {
        "public_id": uuid.uuid4(),  # one each: copy_rows fills a column's default once for every row
        "user_id": row["user_id"],
        "role": row["role"],
        "centre_id": row.get("centre_id"),
        "country_id": row.get("country_id"),
        "organisation_id": row.get("organisation_id"),
        "employer_id": row.get("employer_id"),
        "is_active": True,
        "created_at": now,
    }


def load_base() -> Base:
    """The base a previous `seed_base` wrote (found by the centres' bench slugs)."""
    from jobfairs.models import JobFair
    from portal.access import unscoped
    from portal.models import Centre, Membership
    from referrals.models import Service

    with unscoped():
        return _load_base(Centre, Membership, Service, JobFair)


def _load_base(Centre: Any, Membership: Any, Service: Any, JobFair: Any) -> Base:
    centres = list(Centre.objects.filter(slug__startswith="bench-").order_by("pk"))
    infos = []
    for centre in centres:
        members = Membership.objects.filter(centre=centre).exclude(user__email__startswith="countrywide.")
        members = members.order_by("user_id")
        infos.append(
            CentreInfo(
                id=centre.pk,
                code=centre.code,
                country=centre.country_id,
                counsellors=[m.user_id for m in members if m.role == "counsellor"],
                manager=next(m.user_id for m in members if m.role == "centre_manager"),
                services=list(
                    Service.objects.filter(country_id=centre.country_id, name__startswith="Service ")
                    .order_by("pk")
                    .values_list("pk", "organization_id")
                ),
                fairs=list(
                    JobFair.objects.filter(country_id=centre.country_id).order_by("pk").values_list("pk", flat=True)
                ),
                clients=centre.client_counter,
            )
        )
    rng = random.Random(0)
    weights = [rng.uniform(0.5, 1.5) for _ in infos]
    weights[[i.code for i in infos].index(FOCUS_CENTRE)] = 4.0
    return Base(centres=infos, staff_count=0, weights=weights)
