"""Demo data of the referrals app: organisations and services in every partner country, an online
course open to all, and referrals in every status with their history. Idempotent and deterministic."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from counselling.models import CaseEvent, CaseFile, CaseStatus, Consent, ConsentMethod, ConsentPurpose
from devtools.demo.content_translations import SERVICE_NAMES, translations
from devtools.demo.portal import DEMO_DOMAIN
from portal.access import unscoped
from portal.geography import COUNTRIES
from referrals.models import (
    Channel,
    Delivery,
    Location,
    Organization,
    OrganizationType,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Service,
    ServiceAtLocation,
    ServiceCategory,
)

C = ServiceCategory
# country: [(organisation, type, city, [(service, category, delivery, capacity)])]
DIRECTORY: dict[str, list[tuple[str, str, str, list[tuple[str, str, str, int | None]]]]] = {
    "GH": [
        (
            "Accra Technical Training Centre",
            OrganizationType.TRAINING_PROVIDER,
            "Accra",
            [
                ("Welding and fabrication (6 months)", C.VOCATIONAL_TRAINING, Delivery.IN_PERSON, 20),
                ("Solar installation technician", C.VOCATIONAL_TRAINING, Delivery.HYBRID, 15),
            ],
        ),
        (
            "Mind Freedom Ghana",
            OrganizationType.NGO,
            "Accra",
            [("Peer support groups for returnees", C.PSYCHOSOCIAL, Delivery.IN_PERSON, 12)],
        ),
    ],
    "RS": [
        (
            "Nacionalna služba za zapošljavanje",
            OrganizationType.GOVERNMENT,
            "Beograd",
            [
                ("Job placement", C.JOB_PLACEMENT, Delivery.IN_PERSON, None),
                ("Computer skills training", C.VOCATIONAL_TRAINING, Delivery.IN_PERSON, 10),
            ],
        ),
        (
            "Centar za psihosocijalnu podršku Niš",
            OrganizationType.NGO,
            "Niš",
            [("Individual counselling", C.PSYCHOSOCIAL, Delivery.IN_PERSON, 8)],
        ),
    ],
    "PK": [
        (
            "Technical Education and Vocational Training Authority Punjab",
            OrganizationType.GOVERNMENT,
            "Lahore",
            [
                ("Electrician course (3 months)", C.VOCATIONAL_TRAINING, Delivery.IN_PERSON, 25),
                ("Mobile phone repair", C.VOCATIONAL_TRAINING, Delivery.IN_PERSON, 2),
            ],
        ),
        (
            "Rozan Counselling Helpline",
            OrganizationType.NGO,
            "Islamabad",
            [("Telephone counselling", C.PSYCHOSOCIAL, Delivery.ONLINE, None)],
        ),
    ],
    "MA": [
        (
            "Office de la Formation Professionnelle",
            OrganizationType.GOVERNMENT,
            "Casablanca",
            [("Vocational training in car mechanics", C.VOCATIONAL_TRAINING, Delivery.IN_PERSON, 18)],
        ),
        (
            "Association Marocaine d'Appui à la Création d'Entreprise",
            OrganizationType.NGO,
            "Tanger",
            [("Support for starting a business", C.BUSINESS, Delivery.HYBRID, 10)],
        ),
    ],
    "EG": [
        (
            "Egyptian Vocational Training Centre",
            OrganizationType.TRAINING_PROVIDER,
            "Cairo",
            [("Tourism and hospitality skills", C.VOCATIONAL_TRAINING, Delivery.IN_PERSON, 20)],
        )
    ],
    "AL": [
        (
            "Shërbimi Kombëtar i Punësimit",
            OrganizationType.GOVERNMENT,
            "Tiranë",
            [("Job placement", C.JOB_PLACEMENT, Delivery.IN_PERSON, None)],
        )
    ],
    "GM": [
        (
            "Gambia Technical Training Institute",
            OrganizationType.TRAINING_PROVIDER,
            "Banjul",
            [("Plumbing course", C.VOCATIONAL_TRAINING, Delivery.IN_PERSON, 15)],
        )
    ],
    "IQ": [
        (
            "Erbil Business Incubator",
            OrganizationType.NGO,
            "Erbil",
            [("Small business grants and coaching", C.BUSINESS, Delivery.IN_PERSON, 10)],
        )
    ],
    "JO": [
        (
            "Jordan Career Education Foundation",
            OrganizationType.NGO,
            "Amman",
            [("Job readiness training", C.JOB_PLACEMENT, Delivery.HYBRID, 25)],
        )
    ],
    "XK": [
        (
            "Agjencia e Punësimit e Kosovës",
            OrganizationType.GOVERNMENT,
            "Prishtinë",
            [("Vocational training in construction", C.VOCATIONAL_TRAINING, Delivery.IN_PERSON, 12)],
        )
    ],
    "NG": [
        (
            "Lagos State Employment Trust Fund",
            OrganizationType.GOVERNMENT,
            "Lagos",
            [("Entrepreneurship training", C.BUSINESS, Delivery.HYBRID, 30)],
        )
    ],
    "SN": [
        (
            "Office National de Formation Professionnelle",
            OrganizationType.GOVERNMENT,
            "Dakar",
            [("Training in sewing and fashion design", C.VOCATIONAL_TRAINING, Delivery.IN_PERSON, 15)],
        )
    ],
    "TN": [
        (
            "Agence Nationale pour l'Emploi et le Travail Indépendant",
            OrganizationType.GOVERNMENT,
            "Tunis",
            [("German language course A1", C.LANGUAGE, Delivery.IN_PERSON, 20)],
        )
    ],
    "ID": [
        (
            "Balai Latihan Kerja Jakarta",
            OrganizationType.GOVERNMENT,
            "Jakarta",
            [("Electric welding training", C.VOCATIONAL_TRAINING, Delivery.IN_PERSON, 20)],
        )
    ],
}
ONLINE_COURSE = ("atingi learning platform", "DE", "Digital skills for beginners (online, free)")

# A referral history per demo pattern: the statuses it passed through, and its end.
STORIES = [
    [ReferralStatus.SENT],
    [ReferralStatus.SENT, ReferralStatus.ACCEPTED],
    [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED],
    [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED, ReferralStatus.COMPLETED],
    [ReferralStatus.SENT, ReferralStatus.DECLINED],
    [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DROPPED_OUT],
    [ReferralStatus.SENT, ReferralStatus.CANCELLED],
    [ReferralStatus.WAITLISTED],
    [],  # a draft
]


def _directory() -> list[Service]:
    created: list[Service] = []
    for country, organisations in DIRECTORY.items():
        for name, kind, city, services in organisations:
            org, _ = Organization.objects.get_or_create(
                name=name,
                country_id=country,
                defaults={"organization_type": kind, "email": f"referrals@{DEMO_DOMAIN}", "description": name},
            )
            location, _ = Location.objects.get_or_create(
                organization=org, name=name, defaults={"city": city, "country_id": country}
            )
            for service_name, category, delivery, capacity in services:
                service, made = Service.objects.get_or_create(
                    organization=org,
                    name=service_name,
                    defaults={
                        "translations": translations(name=SERVICE_NAMES.get(service_name, {})),
                        "category": category,
                        "delivery": delivery,
                        "capacity": capacity,
                        "country_id": country,
                        "languages": list(COUNTRIES[country].languages[:1]),
                        "is_published": True,
                        "schedule": "Mon–Fri",
                        "starts_on": timezone.localdate() + dt.timedelta(days=30),
                    },
                )
                if made:
                    ServiceAtLocation.objects.create(service=service, location=location)
                    created.append(service)
    org, _ = Organization.objects.get_or_create(
        name=ONLINE_COURSE[0],
        country_id=ONLINE_COURSE[1],
        defaults={"organization_type": OrganizationType.INTERNATIONAL, "website": "https://www.atingi.org/"},
    )
    Service.objects.get_or_create(
        organization=org,
        name=ONLINE_COURSE[2],
        defaults={
            "translations": translations(name=SERVICE_NAMES[ONLINE_COURSE[2]]),
            "category": C.ONLINE_COURSE,
            "delivery": Delivery.ONLINE,
            "country_id": "DE",
            "areas_served": [c for c, f in COUNTRIES.items() if f.partner],
            "is_published": True,
            "url": "https://www.atingi.org/",
            "languages": ["en", "fr", "ar"],
        },
    )
    return created


def _referrals(rng: random.Random) -> int:
    if Referral.objects.exists():
        return 0
    made = 0
    for case in (
        CaseFile.objects.filter(centre__country_id__in=["GH", "RS", "PK", "MA"], status=CaseStatus.ACTIVE)
        .select_related("client", "centre", "counsellor")
        .order_by("pk")
    ):
        if made >= 60 or case.counsellor is None:
            continue
        services = list(Service.objects.filter(country_id=case.centre.country_id, is_active=True).order_by("pk"))
        if not services:
            continue
        service = services[made % len(services)]
        Consent.objects.get_or_create(
            client=case.client,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
            organisation=service.organization,
            withdrawn_at=None,
            defaults={"method": ConsentMethod.SIGNED, "recorded_by": case.counsellor},
        )
        story = STORIES[made % len(STORIES)]
        start = timezone.now() - dt.timedelta(days=rng.randint(5, 40))
        final = story[-1] if story else ReferralStatus.DRAFT
        referral = Referral.objects.create(
            case=case,
            centre=case.centre,
            service=service,
            organization=service.organization,
            created_by=case.counsellor,
            reason=f"Referral for {service.name}",
            status=final,
            shared_fields=["name", "phone"],
            due_on=timezone.localdate(start) + dt.timedelta(days=7),
            sent_at=start if story else None,
            outcome="certificate" if final == ReferralStatus.COMPLETED else "",
            decline_reason="Course full for this year" if final == ReferralStatus.DECLINED else "",
            closed_at=start + dt.timedelta(days=20)
            if final
            in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.DROPPED_OUT, ReferralStatus.CANCELLED)
            else None,
        )
        previous = ""
        for step, status in enumerate([ReferralStatus.DRAFT, *story]):
            at = start + dt.timedelta(days=3 * step)
            channel = (
                Channel.STAFF
                if status
                in (ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.CANCELLED, ReferralStatus.WAITLISTED)
                else Channel.PARTNER_LINK
            )
            ReferralEvent.objects.create(
                referral=referral,
                occurred_at=at,
                channel=channel,
                from_status=previous,
                to_status=status,
                actor=case.counsellor if channel == Channel.STAFF else None,
            )
            CaseEvent.objects.create(
                case=case,
                occurred_at=at,
                kind="referral.status",
                params={"code": referral.code, "service": service.name, "status": status},
            )
            previous = status
        made += 1
    return made


@transaction.atomic
def seed() -> dict[str, int]:
    rng = random.Random(4)
    with unscoped():
        services = _directory()
        referrals = _referrals(rng)
    return {"services": len(services), "referrals": referrals}
