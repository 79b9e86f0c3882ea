"""Demo data for `manage.py seed_demo`: countries, centres, organisations, staff of every role, their TOTP codes.

Everything here is idempotent (natural keys, get-or-create) and deterministic
(a seeded random generator), so `make run` can call it on every start.
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from devtools.demo.content_translations import OPENING_HOURS, OPENING_HOURS_TRANSLATED, translations
from jobfairs.models import Employer, VettingStatus
from portal.access import Role, unscoped
from portal.geography import COUNTRIES
from portal.models import Centre, Country, Membership, User
from referrals.models import Organization, OrganizationType

DEMO_DOMAIN = "demo.example.org"

# (country, slug, code, name, city, address, phone, languages)
CENTRES: list[tuple[str, str, str, str, str, str, str, tuple[str, ...]]] = [
    (
        "GH",
        "gh-accra",
        "ACC",
        "Ghanaian-European Centre Accra",
        "Accra",
        "12 Liberation Road, Airport Residential Area",
        "+233 30 274 0000",
        ("en",),
    ),
    (
        "GH",
        "gh-kumasi",
        "KSI",
        "Ghanaian-European Centre Kumasi",
        "Kumasi",
        "Harper Road, Adum",
        "+233 32 202 0000",
        ("en",),
    ),
    (
        "RS",
        "rs-belgrade",
        "BEG",
        "DIMAK Beograd",
        "Beograd",
        "Kneza Miloša 12",
        "+381 11 300 0000",
        ("sr-latn", "en"),
    ),
    ("RS", "rs-nis", "INI", "DIMAK Niš", "Niš", "Obrenovićeva 38", "+381 18 500 000", ("sr-latn", "en")),
    (
        "MA",
        "ma-casablanca",
        "CAS",
        "Centre Maroco-Allemand Casablanca",
        "Casablanca",
        "Boulevard Zerktouni 120",
        "+212 522 000 000",
        ("ar", "fr"),
    ),
    (
        "MA",
        "ma-tangier",
        "TNG",
        "Centre Maroco-Allemand Tanger",
        "Tanger",
        "Avenue Mohammed V 45",
        "+212 539 000 000",
        ("ar", "fr"),
    ),
    (
        "PK",
        "pk-lahore",
        "LHE",
        "Pak-German Facilitation Centre Lahore",
        "Lahore",
        "Gulberg III, Main Boulevard",
        "+92 42 3500 0000",
        ("ur", "en"),
    ),
    (
        "PK",
        "pk-islamabad",
        "ISB",
        "Pak-German Facilitation Centre Islamabad",
        "Islamabad",
        "Blue Area, Jinnah Avenue",
        "+92 51 280 0000",
        ("ur", "en"),
    ),
    (
        "EG",
        "eg-cairo",
        "CAI",
        "Egyptian-German Centre Cairo",
        "Cairo",
        "4 El Gezira Street, Zamalek",
        "+20 2 2735 0000",
        ("ar", "en"),
    ),
    (
        "AL",
        "al-tirana",
        "TIA",
        "Qendra Shqiptaro-Gjermane Tiranë",
        "Tiranë",
        "Rruga e Durrësit 10",
        "+355 4 220 0000",
        ("sq", "en"),
    ),
    (
        "GM",
        "gm-banjul",
        "BJL",
        "Gambian-European Centre Banjul",
        "Banjul",
        "Kairaba Avenue",
        "+220 420 0000",
        ("en",),
    ),
    (
        "IQ",
        "iq-erbil",
        "EBL",
        "Iraqi-German Centre Erbil",
        "Erbil",
        "100 Meter Road",
        "+964 66 250 0000",
        ("ar", "en"),
    ),
    (
        "JO",
        "jo-amman",
        "AMM",
        "Jordanian-German Centre Amman",
        "Amman",
        "Abdali Boulevard",
        "+962 6 550 0000",
        ("ar", "en"),
    ),
    (
        "XK",
        "xk-pristina",
        "PRN",
        "DIMAK Kosovo Prishtinë",
        "Prishtinë",
        "Rruga Nëna Terezë 20",
        "+383 38 200 000",
        ("sq", "sr-latn"),
    ),
    (
        "NG",
        "ng-lagos",
        "LOS",
        "Nigerian-German Centre Lagos",
        "Lagos",
        "Adeola Odeku Street, Victoria Island",
        "+234 1 270 0000",
        ("en",),
    ),
    (
        "SN",
        "sn-dakar",
        "DKR",
        "Centre Sénégalo-Allemand Dakar",
        "Dakar",
        "Avenue Cheikh Anta Diop",
        "+221 33 800 0000",
        ("fr",),
    ),
    (
        "TN",
        "tn-tunis",
        "TUN",
        "Centre Tuniso-Allemand Tunis",
        "Tunis",
        "Avenue Habib Bourguiba 60",
        "+216 71 000 000",
        ("ar", "fr"),
    ),
    (
        "ID",
        "id-jakarta",
        "JKT",
        "Pusat Indonesia-Jerman Jakarta",
        "Jakarta",
        "Jalan Sudirman Kav. 52",
        "+62 21 520 0000",
        ("id", "en"),
    ),
]


ORGANISATIONS = [
    ("GH", "Accra Technical Training Centre", OrganizationType.TRAINING_PROVIDER),
    ("GH", "Mind Freedom Ghana", OrganizationType.NGO),
    ("RS", "Nacionalna služba za zapošljavanje", OrganizationType.GOVERNMENT),
    ("PK", "Technical Education and Vocational Training Authority Punjab", OrganizationType.GOVERNMENT),
]
EMPLOYERS = [
    ("RS", "Nelt Group", "Logistics"),
    ("GH", "Kumasi Agro Processing Ltd", "Agriculture and food"),
    ("MA", "Atlas Automotive Maroc", "Automotive"),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str | None  # None: a returnee
    centre: str | None = None
    country: str | None = None
    organisation: str | None = None
    employer: str | None = None
    language: str = "en"


def demo_accounts() -> list[DemoAccount]:
    """Every demo login: a counsellor and a manager per centre, and two or more of every other role."""
    accounts: list[DemoAccount] = []
    for _country, slug, *_rest, languages in CENTRES:
        language = languages[0]
        place = slug.split("-", 1)[1]
        accounts.append(
            DemoAccount(
                f"counsellor.{slug}@{DEMO_DOMAIN}",
                f"Counsellor {place.title()}",
                Role.COUNSELLOR,
                centre=slug,
                language=language,
            )
        )
        accounts.append(
            DemoAccount(
                f"manager.{slug}@{DEMO_DOMAIN}",
                f"Manager {place.title()}",
                Role.CENTRE_MANAGER,
                centre=slug,
                language=language,
            )
        )
    for code in ("GH", "RS", "MA", "PK"):
        accounts.append(
            DemoAccount(
                f"coordinator.{code.lower()}@{DEMO_DOMAIN}",
                f"Coordinator {code}",
                Role.COUNTRY_COORDINATOR,
                country=code,
            )
        )
    # An editor for every country with a centre: each has a country page (devtools.demo.cms) to look after.
    for code in dict.fromkeys(country for country, *_rest in CENTRES):
        accounts.append(
            DemoAccount(f"editor.{code.lower()}@{DEMO_DOMAIN}", f"Editor {code}", Role.EDITOR, country=code)
        )
    accounts += [
        DemoAccount(f"analyst1@{DEMO_DOMAIN}", "Programme Analyst One", Role.PROGRAMME_ANALYST, language="de"),
        DemoAccount(f"analyst2@{DEMO_DOMAIN}", "Programme Analyst Two", Role.PROGRAMME_ANALYST),
        DemoAccount(f"admin1@{DEMO_DOMAIN}", "Administrator One", Role.ADMIN),
        DemoAccount(f"admin2@{DEMO_DOMAIN}", "Administrator Two", Role.ADMIN, language="de"),
        # Data-protection officers: two countries, and one for the whole programme (no country).
        DemoAccount(f"dpo.gh@{DEMO_DOMAIN}", "Data Protection Officer GH", Role.DATA_PROTECTION_OFFICER, country="GH"),
        DemoAccount(
            f"dpo.ma@{DEMO_DOMAIN}",
            "Data Protection Officer MA",
            Role.DATA_PROTECTION_OFFICER,
            country="MA",
            language="fr",
        ),
        DemoAccount(f"dpo@{DEMO_DOMAIN}", "Data Protection Officer HQ", Role.DATA_PROTECTION_OFFICER, language="de"),
    ]
    for index, (_country, name, _type) in enumerate(ORGANISATIONS, start=1):
        accounts.append(
            DemoAccount(f"partner{index}@{DEMO_DOMAIN}", f"Partner user {index}", Role.PARTNER, organisation=name)
        )
    for index, (_country, name, _sector) in enumerate(EMPLOYERS, start=1):
        accounts.append(
            DemoAccount(f"employer{index}@{DEMO_DOMAIN}", f"Employer user {index}", Role.EMPLOYER, employer=name)
        )
    accounts += [
        DemoAccount(f"returnee1@{DEMO_DOMAIN}", "Kwame Mensah", None),
        DemoAccount(f"returnee2@{DEMO_DOMAIN}", "Amina Benali", None, language="ar"),
        DemoAccount(f"returnee3@{DEMO_DOMAIN}", "Marko Jovanović", None, language="sr-latn"),
    ]
    return accounts


def demo_totp_secret(email: str) -> str:
    """A stable base32 TOTP secret per demo account, so re-seeding keeps authenticator apps working."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def current_totp(secret: str, *, steps_back: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_back` 30-second steps ago)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD - steps_back
    return format_hotp_value(hotp_value(secret, counter))


def seed_geography() -> dict[str, Centre]:
    for code, facts in COUNTRIES.items():
        Country.objects.update_or_create(
            code=code,
            defaults={
                "languages": list(facts.languages),
                "timezone": facts.timezone,
                "phone_prefix": facts.phone_prefix,
                "is_partner_country": facts.partner,
            },
        )
    centres = {}
    for country, slug, code, name, city, address, phone, languages in CENTRES:
        centres[slug], _created = Centre.objects.update_or_create(
            slug=slug,
            defaults={
                "country_id": country,
                "code": code,
                "name": name,
                "city": city,
                "address": address,
                "phone": phone,
                "email": f"info.{slug}@{DEMO_DOMAIN}",
                "opening_hours": OPENING_HOURS,
                "translations": translations(opening_hours=OPENING_HOURS_TRANSLATED),
                "languages": list(languages),
            },
        )
    return centres


def seed_organisations() -> tuple[dict[str, Organization], dict[str, Employer]]:
    organisations = {}
    for country, name, kind in ORGANISATIONS:
        organisations[name], _ = Organization.objects.get_or_create(
            name=name,
            country_id=country,
            defaults={"organization_type": kind, "email": f"referrals@{DEMO_DOMAIN}"},
        )
    employers = {}
    for country, name, sector in EMPLOYERS:
        employers[name], _ = Employer.objects.get_or_create(
            name=name,
            country_id=country,
            defaults={
                "sector": sector,
                "vetting_status": VettingStatus.VERIFIED,
                "contact_email": f"hr@{DEMO_DOMAIN}",
            },
        )
    return organisations, employers


def seed_accounts(
    centres: dict[str, Centre], organisations: dict[str, Organization], employers: dict[str, Employer]
) -> int:
    created = 0
    password_hash = make_password(settings.DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    for account in demo_accounts():
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create(
                email=account.email,
                password=password_hash,
                full_name=account.full_name,
                preferred_language=account.language,
            )
            created += 1
        elif user.is_superuser or user.is_staff:
            # Demos seeded before issue #15 made administrators superusers: an administrator is a
            # membership (Role.ADMIN), and a superuser would read every table past the audit log.
            user.is_superuser = user.is_staff = False
            user.save(update_fields=["is_superuser", "is_staff"])
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        if account.role is None:
            continue
        role = {
            "user": user,
            "role": account.role,
            "centre": centres.get(account.centre) if account.centre else None,
            "country_id": account.country,
            "organisation": organisations.get(account.organisation) if account.organisation else None,
            "employer": employers.get(account.employer) if account.employer else None,
        }
        # Not get_or_create: a role ended in the portal and given again is two rows, and the seed leaves
        # an ended role ended (the person was taken off it on purpose).
        if not Membership.objects.filter(**role).exists():
            Membership.objects.create(**role)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, demo_totp_secret(account.email))
    return created


@transaction.atomic
def seed() -> dict[str, int]:
    """Seed the portal's part of the demo. Returns counts of what was created."""
    with unscoped():
        centres = seed_geography()
        organisations, employers = seed_organisations()
        users = seed_accounts(centres, organisations, employers)
    return {"centres": len(centres), "users": users}
