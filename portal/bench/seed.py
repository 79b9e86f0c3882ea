"""Scale data: a realistic, deterministic programme of N clients, loaded with COPY.

`seed_base(...)` writes the small tables once (countries, ~60 centres, staff with memberships and a
second factor, partner organisations and services, employers, job fairs, booths, vacancies).
`seed_people(...)` adds N clients with their consent, case file, sessions (5 per client on average),
a referral with its events, a timeline event, an audit line and, for one client in twenty, a job-fair
registration. It can run more than once on the same base (the query-count tests load 1× and then 3×).

Determinism: every value comes from `random.Random(seed)` and the reference day `today`; ids
continue after the largest id in each table, UUIDs are drawn from the same generator (the first 48
bits count up, like UUIDv7, so the unique indexes are filled in order).

Confidential notes: encrypting millions of notes with Fernet would dominate the run, so one session
in twenty gets a note, chosen among 16 notes encrypted once with the app's own field (so they
decrypt as usual); the others have none.

Actors the benchmark uses are found by e-mail: ``counsellor.eg1.1@bench.example`` (centre EG1, the
"focus" centre, which holds about four times a centre's average share of clients),
``manager.eg1@bench.example``, ``coordinator.eg@bench.example``, ``analyst@bench.example``,
``partner.1@bench.example``, ``admin@bench.example`` (an administrator membership; nobody is a
superuser), and ``countrywide.eg@bench.example``, a counsellor with a membership in every centre of
Egypt (case files are casework: a country coordinator sees aggregates only, so the country-wide search
E4 is made by such a mobile counsellor). Every password is ``BENCH_PASSWORD``.
The first client of EG1 (code ``EG-EG1-000001``) has a case with 50 sessions.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from array import array
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction

from portal.bench.copyload import bulk_load_ddl, copy_lines, copy_rows, encode, next_id, reset_sequence
from portal.bench.names import COUNTRY_POOLS, POOLS

BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 - scale data only, named in the README
EMAIL_DOMAIN = "bench.example"
FOCUS_CENTRE = "EG1"
BIG_CASE_SESSIONS = 50
COUNTRIES = ["EG", "AL", "GM", "GH", "IQ", "JO", "XK", "MA", "NG", "PK", "SN", "RS", "TN", "ID"]
CENTRES_PER_COUNTRY = [6, 4, 3, 4, 5, 4, 3, 5, 5, 6, 3, 5, 4, 3]  # 60
COUNSELLORS_PER_CENTRE = 4
ORGS_PER_COUNTRY = 3
SERVICES_PER_ORG = 3
EMPLOYERS_PER_COUNTRY = 4
FAIRS_PER_COUNTRY = 3
VACANCIES_PER_EMPLOYER = 5
BULK_DDL_FROM = 50_000
HISTORY_DAYS = 3 * 365  # case files opened over the last three years

CITIES = {
    "EG": ["Cairo", "Alexandria", "Giza", "Assiut", "Luxor", "Aswan"],
    "AL": ["Tirana", "Durrës", "Shkodër", "Elbasan"],
    "GM": ["Banjul", "Serekunda", "Brikama"],
    "GH": ["Accra", "Kumasi", "Tamale", "Takoradi"],
    "IQ": ["Baghdad", "Erbil", "Basra", "Mosul", "Najaf"],
    "JO": ["Amman", "Irbid", "Zarqa", "Aqaba"],
    "XK": ["Pristina", "Prizren", "Peja"],
    "MA": ["Casablanca", "Rabat", "Fès", "Tanger", "Oujda"],
    "NG": ["Lagos", "Abuja", "Benin City", "Kano", "Enugu"],
    "PK": ["Islamabad", "Lahore", "Karachi", "Peshawar", "Quetta", "Multan"],
    "SN": ["Dakar", "Thiès", "Saint-Louis"],
    "RS": ["Belgrade", "Novi Sad", "Niš", "Kragujevac", "Subotica"],
    "TN": ["Tunis", "Sfax", "Sousse", "Gabès"],
    "ID": ["Jakarta", "Surabaya", "Medan"],
}
SUMMARIES = [
    "Discussed the labour market and next steps.",
    "Reviewed the CV and possible trainings.",
    "Talked about the family situation and housing.",
    "Follow-up on the referral; the client is motivated.",
    "Information on regular migration pathways.",
    "",
    "",
]
TOPICS = [
    "labour_market",
    "vocational_training",
    "education",
    "business",
    "psychosocial",
    "regular_migration",
    "irregular_risks",
    "reintegration",
    "documents",
    "housing",
    "health",
]
STATUSES = ["open"] * 30 + ["active"] * 40 + ["on_hold"] * 5 + ["closed"] * 25
CLOSURE = ["goals_achieved", "client_request", "unreachable", "moved_away", "migrated", "other"]
TARGET_GROUPS = ["returnee_de"] * 4 + ["returnee_other"] * 2 + ["idp", "local", "local", "potential_migrant"]
EDUCATION = ["none", "primary", "secondary", "secondary", "vocational", "tertiary", ""]
SEXES = ["female", "male", "male", "female", "other", "undisclosed"]
REFERRAL_PATHS = [
    ["draft"],
    ["draft", "sent"],
    ["draft", "sent"],
    ["draft", "sent", "accepted"],
    ["draft", "sent", "accepted", "enrolled"],
    ["draft", "sent", "accepted", "enrolled"],
    ["draft", "sent", "accepted", "enrolled", "completed"],
    ["draft", "sent", "accepted", "enrolled", "completed"],
    ["draft", "sent", "declined"],
    ["draft", "sent", "accepted", "enrolled", "dropped_out"],
]
PARTNER_STEPS = {"accepted", "declined", "enrolled", "completed", "dropped_out"}
CATEGORIES = ["vocational_training", "online_course", "psychosocial", "job_placement", "business", "language"]


def _log(message: str) -> None:
    print(f"seed_scale: {message}", flush=True)


class Progress:
    """A simple progress line (tqdm is not a dependency): rows done, rate, elapsed time."""

    def __init__(self, label: str, total: int, *, enabled: bool = True) -> None:
        self.label, self.total, self.done, self.enabled = label, max(total, 1), 0, enabled
        self.started = self.last = time.monotonic()

    def tick(self) -> None:
        self.done += 1
        if self.enabled and self.done % 20000 == 0:
            now = time.monotonic()
            if now - self.last >= 1.0:
                self.last = now
                self._print(now)

    def _print(self, now: float) -> None:
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = self.done / max(now - self.started, 1e-6)
        print(
            f"\r  {self.label:<16} [{bar:<30}] {share:6.1%} {self.done:>10,} rows {rate:>9,.0f}/s", end="", flush=True
        )

    def close(self) -> None:
        if self.enabled:
            self.total = max(self.done, 1)
            self._print(time.monotonic())
            print(flush=True)


class Ids:
    """Deterministic, increasing UUIDs: 48 counting bits then 80 random bits (version 4 and variant bits set)."""

    def __init__(self, rng: random.Random, prefix: int, offset: int = 0) -> None:
        self.rng, self.counter = rng, (prefix << 44) + offset

    def __call__(self) -> uuid.UUID:
        self.counter += 1
        value = (self.counter << 80) | self.rng.getrandbits(80)
        value = (value & ~(0xF << 76)) | (0x4 << 76)  # version 4
        value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
        return uuid.UUID(int=value)

    def text(self) -> str:
        h = f"{self().int:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass
class CentreInfo:
    id: int
    code: str
    country: str
    counsellors: list[int]
    manager: int
    services: list[tuple[int, int]] = field(default_factory=list)  # (service id, organisation id)
    fairs: list[int] = field(default_factory=list)
    clients: int = 0


@dataclass
class Base:
    centres: list[CentreInfo]
    staff_count: int
    weights: list[float]


def _aware(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)


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
    now = _aware(today, 9 * 3600)
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


# --- People ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _search_keys(given: str, family: str, transliterated: str, native: str) -> tuple[list[str], list[str], str]:
    """The derived search columns, computed by the app's own function (counselling.services)."""
    from counselling.services import _search_columns

    client = SimpleNamespace(
        given_name=given, family_name=family, name_transliterated=transliterated, name_native=native
    )
    _search_columns(client)
    return client.given_keys, client.family_keys, client.search_text


@dataclass
class Plan:
    """Per-client facts every table's generator needs, kept in compact arrays (about 20 bytes a client)."""

    centre: array  # index into base.centres
    number: array  # the client's number within its centre (its code)
    counsellor: array  # user id
    opened: array  # days before today
    last: array  # days before today of the last session
    status: array  # index into STATUSES
    sessions: array  # how many sessions


def _plan(base: Base, n: int, rng: random.Random) -> Plan:
    plan = Plan(array("H"), array("I"), array("I"), array("H"), array("H"), array("B"), array("B"))
    centre_choices = rng.choices(range(len(base.centres)), weights=base.weights, k=n)
    focus = [i.code for i in base.centres].index(FOCUS_CENTRE)
    if n and base.centres[focus].clients == 0:
        centre_choices[0] = focus  # the first load opens the focus centre's big case first
    for c in centre_choices:
        info = base.centres[c]
        info.clients += 1
        opened = rng.randrange(HISTORY_DAYS)
        status = rng.randrange(len(STATUSES))
        sessions = rng.randint(3, 7)
        if info.code == FOCUS_CENTRE and info.clients == 1:
            sessions, status, opened = BIG_CASE_SESSIONS, STATUSES.index("active"), HISTORY_DAYS - 1
        plan.centre.append(c)
        plan.number.append(info.clients)
        plan.counsellor.append(info.counsellors[rng.randrange(len(info.counsellors))])
        plan.opened.append(opened)
        plan.last.append(rng.randint(0, opened) if opened else 0)
        plan.status.append(status)
        plan.sessions.append(sessions)
    return plan


def seed_people(*, base: Base, clients: int, seed: int, today: dt.date, progress: bool = True) -> dict[str, int]:
    """Add ``clients`` clients with everything that hangs on them; return the rows written per table."""
    from counselling.models import CaseEvent, CaseFile, Client, Consent, Session
    from jobfairs.models import Registration
    from portal.crypto import EncryptedTextField
    from portal.models import AuditEvent, Centre
    from referrals.models import Referral, ReferralEvent

    rng = random.Random(seed * 7919 + 1)
    started_counters = {info.id: info.clients for info in base.centres}
    plan = _plan(base, clients, rng)
    notes_field = EncryptedTextField()
    notes = [
        notes_field.get_prep_value(f"Confidential note {k}: family situation discussed in detail.") for k in range(16)
    ]
    written: dict[str, int] = {}
    tables = [m._meta.db_table for m in (Client, Consent, CaseFile, Session, CaseEvent, Referral, ReferralEvent)]
    tables += [AuditEvent._meta.db_table, Registration._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        first = {
            m: next_id(cursor, m)
            for m in (Client, Consent, CaseFile, Session, CaseEvent, Referral, ReferralEvent, Registration)
        }
        # Big loads go faster without secondary indexes and foreign keys, put back (and checked) at the end.
        with bulk_load_ddl(cursor, tables, log=_log) if clients >= BULK_DDL_FROM else nullcontext():
            ids = Ids(rng, 2, offset=8 * first[Client] + 4 * first[Session])  # past an earlier load's ids

            def run(label: str, model: Any, rows: Iterator[dict[str, Any]], total: int) -> None:
                bar = Progress(label, total, enabled=progress)
                written[model._meta.db_table] = copy_rows(cursor, model, rows, on_row=bar.tick)
                bar.close()

            run("clients", Client, _clients(base, plan, first[Client], rng, ids, today), clients)
            run("consents", Consent, _consents(plan, first, rng, ids, today), clients)
            case_uuids = array("Q")
            run("case files", CaseFile, _cases(base, plan, first, rng, ids, today, case_uuids), clients)
            bar = Progress("sessions", 5 * clients, enabled=progress)
            lines = _session_lines(plan, first[Session], first[CaseFile], rng, ids, today, notes)
            written[Session._meta.db_table] = copy_lines(cursor, Session, SESSION_COLUMNS, lines, on_row=bar.tick)
            bar.close()
            run("case events", CaseEvent, _case_events(plan, first, today), clients)
            run("referrals", Referral, _referrals(base, plan, first, rng, ids, today), clients)
            run("referral events", ReferralEvent, _referral_events(base, plan, first, rng, today), 3 * clients)
            run("audit", AuditEvent, _audit(base, plan, first, case_uuids, today), clients)
            run("registrations", Registration, _registrations(base, plan, first, rng, ids, today), clients // 20)
            if clients >= BULK_DDL_FROM:
                _log("recreating indexes and foreign keys (checked over every row)")
        for model in (Client, Consent, CaseFile, Session, CaseEvent, Referral, ReferralEvent, AuditEvent, Registration):
            reset_sequence(cursor, model)
        for info in base.centres:
            if info.clients != started_counters[info.id]:
                Centre.objects.filter(pk=info.id).update(client_counter=info.clients)
    return written


def _day(today: dt.date, days_before: int) -> dt.date:
    return today - dt.timedelta(days=days_before)


def _clients(
    base: Base, plan: Plan, first: int, rng: random.Random, ids: Ids, today: dt.date
) -> Iterator[dict[str, Any]]:
    pools_by_country = {c: ([p for p, _w in pools], [w for _p, w in pools]) for c, pools in COUNTRY_POOLS.items()}
    for i in range(len(plan.centre)):
        info = base.centres[plan.centre[i]]
        names, weights = pools_by_country[info.country]
        given_pool, family_pool = POOLS[rng.choices(names, weights)[0] if len(names) > 1 else names[0]]
        g_native, g_latin = given_pool[rng.randrange(len(given_pool))]
        f_native, f_latin = family_pool[rng.randrange(len(family_pool))]
        given, family = rng.choice(g_latin), rng.choice(f_latin)
        native = f"{g_native} {f_native}" if g_native and rng.random() < 0.7 else ""
        transliterated = ""
        if len(f_latin) > 1 and rng.random() < 0.3:
            transliterated = f"{rng.choice(g_latin)} {rng.choice(f_latin)}"
        given_keys, family_keys, text = _search_keys(given, family, transliterated, native)
        birth_year = today.year - rng.randint(16, 65)
        created = _aware(_day(today, plan.opened[i]), rng.randrange(8 * 3600, 17 * 3600))
        yield {
            "id": first + i,
            "public_id": ids(),
            "centre_id": info.id,
            "code": f"{info.country}-{info.code}-{plan.number[i]:06d}",
            "given_name": given,
            "family_name": family,
            "name_native": native,
            "name_transliterated": transliterated,
            "sex": rng.choice(SEXES),
            "birth_date": dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.8 else None,
            "birth_year": birth_year,
            "phone": f"+{rng.randint(20, 998)}{rng.randrange(10**8, 10**9)}",
            "preferred_channel": "phone",
            "nationality": info.country,
            "current_location": info.code,
            "target_group": rng.choice(TARGET_GROUPS),
            "education": rng.choice(EDUCATION),
            "given_keys": given_keys,
            "family_keys": family_keys,
            "search_text": text,
            "created_at": created,
        }


def _consents(plan: Plan, first: dict, rng: random.Random, ids: Ids, today: dt.date) -> Iterator[dict[str, Any]]:
    from counselling.models import Client, Consent

    for i in range(len(plan.centre)):
        day = _day(today, plan.opened[i])
        yield {
            "id": first[Consent] + i,
            "public_id": ids(),
            "client_id": first[Client] + i,
            "purpose": "counselling_record",
            "legal_basis": "consent",
            "method": "signed",
            "given_on": day,
            "recorded_by_id": plan.counsellor[i],
            "recorded_at": _aware(day, 10 * 3600),
        }


def _cases(
    base: Base, plan: Plan, first: dict, rng: random.Random, ids: Ids, today: dt.date, uuids: array
) -> Iterator[dict[str, Any]]:
    from counselling.models import CaseFile, Client

    for i in range(len(plan.centre)):
        status = STATUSES[plan.status[i]]
        last = _day(today, plan.last[i])
        closed = status == "closed"
        public_id = ids()
        uuids.append(public_id.int >> 64)
        uuids.append(public_id.int & 0xFFFFFFFFFFFFFFFF)
        yield {
            "id": first[CaseFile] + i,
            "public_id": public_id,
            "client_id": first[Client] + i,
            "centre_id": base.centres[plan.centre[i]].id,
            "counsellor_id": plan.counsellor[i],
            "status": status,
            "closure_reason": rng.choice(CLOSURE) if closed else "",
            "opened_on": _day(today, plan.opened[i]),
            "closed_on": last if closed else None,
            "next_follow_up_on": None if closed else last + dt.timedelta(days=rng.randint(7, 60)),
            "last_session_on": last,
            "version": 1,
            "updated_at": _aware(last, 16 * 3600),
        }


SESSION_COLUMNS = [
    "id", "public_id", "case_id", "counsellor_id", "held_at", "duration_minutes", "mode", "kind", "topics",
    "language", "interpreter", "summary", "confidential_notes", "next_steps", "created_at",
]  # fmt: skip


def _session_lines(
    plan: Plan, session_id: int, case_id: int, rng: random.Random, ids: Ids, today: dt.date, notes: list[str]
) -> Iterator[str]:
    """Sessions as COPY text lines, built without dicts or datetime objects: the biggest table goes fastest."""
    days = [(today - dt.timedelta(days=d)).isoformat() for d in range(HISTORY_DAYS + 1)]
    topics = [encode(rng.sample(TOPICS, rng.randint(1, 3))) for _ in range(256)]
    summaries = [encode(s) for s in SUMMARIES]
    modes = ("in_person", "in_person", "phone", "video", "messaging")
    durations = ("30", "45", "45", "60", "90")
    random_, randrange, randint = rng.random, rng.randrange, rng.randint
    for i in range(len(plan.centre)):
        opened, last, counsellor, n = plan.opened[i], plan.last[i], plan.counsellor[i], plan.sessions[i]
        case = case_id + i
        for k in range(n):
            day = days[last if k == n - 1 else randint(last, opened)]
            seconds = randrange(8 * 3600, 17 * 3600)
            note = notes[randrange(16)] if random_() < 0.05 else ""
            yield (
                f"{session_id}\t{ids.text()}\t{case}\t{counsellor}"
                f"\t{day} {seconds // 3600:02d}:{seconds % 3600 // 60:02d}:00+00"
                f"\t{durations[randrange(5)]}\t{modes[randrange(5)]}\tindividual\t{topics[randrange(256)]}"
                f"\t\tf\t{summaries[randrange(len(summaries))]}\t{note}\t\t{day} 17:00:00+00"
            )
            session_id += 1


def _case_events(plan: Plan, first: dict, today: dt.date) -> Iterator[dict[str, Any]]:
    from counselling.models import CaseEvent, CaseFile

    for i in range(len(plan.centre)):
        yield {
            "id": first[CaseEvent] + i,
            "case_id": first[CaseFile] + i,
            "occurred_at": _aware(_day(today, plan.opened[i]), 9 * 3600),
            "actor_id": plan.counsellor[i],
            "kind": "case.opened",
            "params": {},
        }


def _referral_path(rng: random.Random) -> list[str]:
    return REFERRAL_PATHS[rng.randrange(len(REFERRAL_PATHS))]


def _referrals(
    base: Base, plan: Plan, first: dict, rng: random.Random, ids: Ids, today: dt.date
) -> Iterator[dict[str, Any]]:
    from counselling.models import CaseFile
    from referrals.models import Referral

    path_rng = random.Random(rng.random())  # shared with _referral_events, which replays the same choices
    base.path_seed = path_rng.random()  # type: ignore[attr-defined]
    replay = random.Random(base.path_seed)  # type: ignore[attr-defined]
    for i in range(len(plan.centre)):
        info = base.centres[plan.centre[i]]
        service, org = info.services[replay.randrange(len(info.services))]
        path = _referral_path(replay)
        day = _day(today, (plan.opened[i] + plan.last[i]) // 2)
        created = _aware(day, 11 * 3600)
        status = path[-1]
        final = status in {"declined", "completed", "dropped_out"}
        yield {
            "id": first[Referral] + i,
            "public_id": ids(),
            "code": f"R-{i + first[Referral]:09d}",
            "case_id": first[CaseFile] + i,
            "centre_id": info.id,
            "service_id": service,
            "organization_id": org,
            "created_by_id": plan.counsellor[i],
            "reason": "Referred after counselling.",
            "urgency": "routine",
            "status": status,
            "outcome": "certificate" if status == "completed" else "",
            "due_on": day + dt.timedelta(days=14),
            "sent_at": created if len(path) > 1 else None,
            "closed_at": created + dt.timedelta(days=len(path) * 5) if final else None,
            "link_nonce": f"{rng.getrandbits(64):016x}",
            "version": len(path),
            "created_at": created,
            "updated_at": created + dt.timedelta(days=(len(path) - 1) * 5),
        }


def _referral_events(base: Base, plan: Plan, first: dict, rng: random.Random, today: dt.date) -> Iterator[dict]:
    from referrals.models import Referral, ReferralEvent

    replay = random.Random(base.path_seed)  # type: ignore[attr-defined]
    event_id = first[ReferralEvent]
    for i in range(len(plan.centre)):
        info = base.centres[plan.centre[i]]
        replay.randrange(len(info.services))
        path = _referral_path(replay)
        created = _aware(_day(today, (plan.opened[i] + plan.last[i]) // 2), 11 * 3600)
        for step, status in enumerate(path[1:], 1):
            partner = status in PARTNER_STEPS
            yield {
                "id": event_id,
                "referral_id": first[Referral] + i,
                "occurred_at": created + dt.timedelta(days=(step - 1) * 5),
                "actor_id": None if partner else plan.counsellor[i],
                "channel": "partner_link" if partner else "staff",
                "from_status": path[step - 1],
                "to_status": status,
                "note": "",
            }
            event_id += 1


def _audit(base: Base, plan: Plan, first: dict, uuids: array, today: dt.date) -> Iterator[dict[str, Any]]:
    for i in range(len(plan.centre)):
        public_id = uuid.UUID(int=(uuids[2 * i] << 64) | uuids[2 * i + 1])
        yield {
            "occurred_at": _aware(_day(today, plan.opened[i]), 9 * 3600),
            "actor_id": plan.counsellor[i],
            "action": "counselling.case.opened",
            "target_type": "counselling.casefile",
            "target_id": str(public_id),
            "centre_id": base.centres[plan.centre[i]].id,
            "ip_address": None,
            "details": {},
        }


def _registrations(
    base: Base, plan: Plan, first: dict, rng: random.Random, ids: Ids, today: dt.date
) -> Iterator[dict[str, Any]]:
    from counselling.models import Client
    from jobfairs.models import Registration

    reg_id = first[Registration]
    for i in range(len(plan.centre)):
        if i % 20:
            continue
        info = base.centres[plan.centre[i]]
        yield {
            "id": reg_id,
            "public_id": ids(),
            "fair_id": info.fairs[rng.randrange(len(info.fairs))],
            "client_id": first[Client] + i,
            "registered_by_id": plan.counsellor[i],
            "status": "registered",
            "answers": {},
            "check_in_code": f"{reg_id:08X}",
            "created_at": _aware(today - dt.timedelta(days=rng.randint(1, 60)), 10 * 3600),
        }
        reg_id += 1


# --- Roll-ups ----------------------------------------------------------------------------------------


def rebuild_rollups_for_year(*, today: dt.date, log: Callable[[str], None] = _log) -> int:
    """The reports' roll-ups for the last twelve months and this one.

    The rows are computed by the reports' own indicator functions (portal.reports.indicators, as
    `rebuild_rollups` does) and streamed into the tables with COPY instead of `bulk_create`: at a
    million clients the ORM inserts would take most of an hour.
    """
    from portal.access import unscoped
    from portal.reports.indicators import STORED, compute_people
    from portal.reports.models import DailyCount, PersonDay
    from portal.reports.services import rebuild_period_rollups

    start = (today.replace(day=1) - dt.timedelta(days=366)).replace(day=1)
    written = 0
    with unscoped(), connection.cursor() as cursor:
        DailyCount.objects.filter(day__range=(start, today)).delete()
        PersonDay.objects.filter(day__range=(start, today)).delete()
        for indicator in STORED:
            rows = (
                {"centre_id": c, "day": d, "indicator": indicator.code, "dimension": dim, "value": val, "count": n}
                for c, d, dim, val, n in indicator.compute(start, today)
                if n
            )
            written += copy_rows(cursor, DailyCount, rows)
            log(f"roll-up {indicator.code}: {written:,} rows so far")
        month = start
        while month <= today:  # month by month: the rows are read in full before the COPY (one connection)
            end = min((month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), today)
            people = [
                {"centre_id": c, "day": d, "client_key": k, "sex": sx, "age_band": a, "target_group": t}
                for c, d, k, sx, a, t in compute_people(month, end)
            ]
            written += copy_rows(cursor, PersonDay, people)
            month = end + dt.timedelta(days=1)
        reset_sequence(cursor, DailyCount)
        reset_sequence(cursor, PersonDay)
    # The month and unique-people roll-ups are derived from those two tables in SQL (INSERT ... SELECT).
    with transaction.atomic():
        written += rebuild_period_rollups(since=start)
    log(f"roll-ups {start} .. {today}: {written:,} rows")
    return written
