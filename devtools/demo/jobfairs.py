"""Demo data of the job fairs app: past and upcoming fairs in Serbia, Ghana, Morocco and Jordan,
verified employers with approved booths, vacancies and slots, registrations (returnees and counselling
clients), bookings, applications with hires, and survey answers. Idempotent and deterministic.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone

from counselling.models import Client
from devtools.demo.content_translations import (
    FAIR_DESCRIPTION,
    FAIR_QUESTION,
    VACANCY_DESCRIPTION,
    fair_translations,
    vacancy_translations,
)
from jobfairs.models import (
    Application,
    ApplicationStatus,
    Booking,
    Booth,
    BoothStatus,
    Employer,
    EmploymentType,
    FairFormat,
    FairStatus,
    JobFair,
    MeetingSlot,
    Registration,
    RegistrationStatus,
    RespondentKind,
    SurveyResponse,
    Vacancy,
    VettingStatus,
)
from portal.access import Role, unscoped
from portal.models import Centre, Membership, User

DEMO_DOMAIN = "demo.example.org"

# (country, name, sector, vetting)
EMPLOYERS = [
    ("RS", "Nelt Group", "Logistics", VettingStatus.VERIFIED),
    ("RS", "Gorenje Valjevo", "Manufacturing", VettingStatus.VERIFIED),
    ("GH", "Kumasi Agro Processing Ltd", "Agriculture and food", VettingStatus.VERIFIED),
    ("GH", "Tema Port Services", "Logistics", VettingStatus.VERIFIED),
    ("MA", "Atlas Automotive Maroc", "Automotive", VettingStatus.VERIFIED),
    ("MA", "Casa Call Services", "Customer service", VettingStatus.VERIFIED),
    ("JO", "Amman Solar Installers", "Renewable energy", VettingStatus.VERIFIED),
    ("JO", "Petra Hospitality Group", "Tourism", VettingStatus.PENDING),
]

# (centre slug, title, format, days from today, venue); the texts in other languages are in content_translations
FAIRS = [
    ("rs-belgrade", "Virtual job fair Serbia", FairFormat.VIRTUAL, -40, ""),
    ("rs-belgrade", "Virtual job fair Serbia – spring", FairFormat.VIRTUAL, 21, ""),
    ("gh-accra", "Hybrid job fair Accra", FairFormat.HYBRID, -25, "Accra International Conference Centre"),
    ("gh-kumasi", "Hybrid job fair Kumasi", FairFormat.HYBRID, 14, "Kumasi Cultural Centre"),
    (
        "ma-casablanca",
        "Casablanca job fair",
        FairFormat.ON_SITE,
        -60,
        "Office des Foires et Expositions, Casablanca",
    ),
    ("jo-amman", "Amman green jobs fair", FairFormat.HYBRID, 30, "King Hussein Business Park"),
]

VACANCIES = [
    ("Forklift driver", "7333", EmploymentType.FULL_TIME, 60000, 80000, "RSD"),
    ("Warehouse clerk", "4321", EmploymentType.FULL_TIME, 55000, 70000, "RSD"),
    ("Machine operator (food processing)", "8160", EmploymentType.FULL_TIME, 1800, 2600, "GHS"),
    ("Welder", "7212", EmploymentType.CONTRACTOR, None, None, ""),
    ("Call centre agent (French, German)", "4222", EmploymentType.FULL_TIME, 5000, 7000, "MAD"),
    ("Solar panel installer", "7411", EmploymentType.TEMPORARY, 450, 600, "JOD"),
]
LOCALITIES = {"RS": "Beograd", "GH": "Kumasi", "MA": "Casablanca", "JO": "Amman"}


def _at(zone: str, days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=zoneinfo.ZoneInfo(zone))


def _employers() -> dict[str, Employer]:
    employers = {}
    for country, name, sector, vetting in EMPLOYERS:
        employers[name], _ = Employer.objects.get_or_create(
            name=name,
            country_id=country,
            defaults={"sector": sector, "vetting_status": vetting, "contact_email": f"hr@{DEMO_DOMAIN}"},
        )
    return employers


def _fairs(centres: dict[str, Centre]) -> list[JobFair]:
    fairs = []
    for slug, title, fair_format, days, venue in FAIRS:
        centre = centres[slug]
        zone = centre.country.timezone
        starts = _at(zone, days, 10)
        fair, created = JobFair.objects.get_or_create(
            title=title,
            defaults={
                "description": FAIR_DESCRIPTION,
                "translations": fair_translations(title),
                "format": fair_format,
                "country_id": centre.country_id,
                "time_zone": zone,
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=6),
                "venue": venue,
                "online_url": "" if fair_format == FairFormat.ON_SITE else f"https://meet.{DEMO_DOMAIN}/{slug}",
                "registration_opens_at": starts - dt.timedelta(days=45),
                "registration_closes_at": starts - dt.timedelta(hours=2),
                "capacity": 200,
                "status": FairStatus.CLOSED if days < 0 else FairStatus.PUBLISHED,
                "closed_at": timezone.now() if days < 0 else None,
                "languages": list(centre.languages),
                "questions": [FAIR_QUESTION],
            },
        )
        if created:
            fair.centres.set([centre])
        else:
            _complete_translations(fair)
        fairs.append(fair)
    return fairs


def _complete_translations(fair: JobFair) -> None:
    """Fairs seeded before their texts were translated showed the English title in every language: give
    them the missing languages. A text the organisers changed (or translated themselves) is left alone."""
    changed_by_organisers = {
        "description": fair.description != FAIR_DESCRIPTION,
        "questions": list(fair.questions) != [FAIR_QUESTION],
    }
    merged = {language: dict(texts) for language, texts in (fair.translations or {}).items()}
    for language, texts in fair_translations(fair.title).items():
        have = merged.setdefault(language, {})
        for field, text in texts.items():
            if not changed_by_organisers.get(field) and _blank(have.get(field)):
                have[field] = text
    if merged != fair.translations:
        fair.translations = merged
        fair.save(update_fields=["translations"])


def _blank(value: object) -> bool:
    """No translation: missing, empty, or a list of empty lines."""
    return not value or (isinstance(value, list) and not any(value))


def _booths_and_slots(fairs: list[JobFair], employers: dict[str, Employer]) -> list[Booth]:
    booths = []
    for fair in fairs:
        for employer in (e for e in employers.values() if e.country_id == fair.country_id):
            if employer.vetting_status != VettingStatus.VERIFIED:
                continue
            booth, _ = Booth.objects.get_or_create(
                fair=fair,
                employer=employer,
                defaults={
                    "description": f"{employer.name} is hiring in {employer.sector.lower()}.",
                    "meeting_url": f"https://meet.{DEMO_DOMAIN}/{employer.pk}",
                    "staff": "HR manager\nTeam lead",
                    "status": BoothStatus.APPROVED,
                    "decided_at": fair.created_at,
                },
            )
            if booth.status == BoothStatus.PENDING:
                # Demo booths seeded before booths needed approval: approved as the centre would have.
                booth.status, booth.decided_at = BoothStatus.APPROVED, timezone.now()
                booth.save(update_fields=["status", "decided_at"])
            for index in range(12):
                start = fair.starts_at + dt.timedelta(minutes=15 * index)
                MeetingSlot.objects.get_or_create(
                    booth=booth, starts_at=start, defaults={"ends_at": start + dt.timedelta(minutes=15)}
                )
            booths.append(booth)
    return booths


def _booth_request(fairs: list[JobFair], employers: dict[str, Employer]) -> Booth | None:
    """One booth request waiting for the organising centre: a Serbian employer at the Kumasi fair,
    so that the Kumasi centre's manager has something to approve or decline on the fair's page."""
    fair = next((f for f in fairs if f.title == "Hybrid job fair Kumasi"), None)
    employer = employers.get("Nelt Group")
    if fair is None or employer is None:
        return None
    booth, _ = Booth.objects.get_or_create(
        fair=fair,
        employer=employer,
        defaults={
            "description": f"{employer.name} is hiring drivers and warehouse staff.",
            "status": BoothStatus.PENDING,
        },
    )
    return booth


def _vacancies(fairs: list[JobFair], employers: dict[str, Employer]) -> list[Vacancy]:
    vacancies = []
    verified = [e for e in employers.values() if e.vetting_status == VettingStatus.VERIFIED]
    for employer, (title, isco, kind, low, high, currency) in zip(verified, VACANCIES * 2, strict=False):
        fair = next((f for f in fairs if f.country_id == employer.country_id and not f.is_past), None)
        vacancy, _ = Vacancy.objects.get_or_create(
            employer=employer,
            title=title,
            defaults={
                "description": VACANCY_DESCRIPTION.format(title=title, employer=employer.name),
                "translations": vacancy_translations(title, employer.name),
                "isco_code": isco,
                "employment_type": kind,
                "country_id": employer.country_id,
                "locality": LOCALITIES[employer.country_id],
                "remote": False,
                "salary_min": low,
                "salary_max": high,
                "salary_currency": currency,
                "salary_unit": "MONTH" if currency else "",
                "valid_through": timezone.localdate() + dt.timedelta(days=60),
                "is_published": True,
                "fair": fair,
            },
        )
        vacancies.append(vacancy)
    return vacancies


def _registrations(fairs: list[JobFair], rng: random.Random) -> int:
    """Clients of the organising centres register (about half with a consent to share, from their case files)."""
    created = 0
    for fair in fairs:
        centre = fair.centres.first()
        # The centre's own demo clients, by their code series: a client transferred in since is not
        # registered by the seed, one transferred away keeps the registration it had.
        series = f"{centre.country_id}-{centre.code}-"
        clients = list(Client.objects.filter(code__startswith=series).order_by("pk")[:14])
        for client in clients:
            status = RegistrationStatus.REGISTERED
            if fair.is_past:
                status = RegistrationStatus.ATTENDED if rng.random() < 0.7 else RegistrationStatus.NO_SHOW
            if Registration.objects.filter(fair=fair, client=client).exists():
                continue  # registered before (perhaps cancelled since, or again): what people did stays
            _registration, was_created = Registration.objects.get_or_create(
                fair=fair,
                client=client,
                defaults={
                    "status": status,
                    "attended_at": fair.starts_at + dt.timedelta(minutes=30)
                    if status == RegistrationStatus.ATTENDED
                    else None,
                    "answers": {fair.questions[0]: "Logistics or manufacturing"} if fair.questions else {},
                },
            )
            created += was_created
    return created


def _returnees(fairs: list[JobFair], booths: list[Booth], vacancies: list[Vacancy]) -> dict[str, int]:
    """The demo returnees: registered (with consent), a booked meeting each, applications (some hired), surveys."""
    counts = {"bookings": 0, "applications": 0, "surveys": 0}
    returnees = list(User.objects.filter(email__startswith="returnee", email__endswith=DEMO_DOMAIN).order_by("email"))
    for fair in fairs:
        fair_booths = [b for b in booths if b.fair_id == fair.pk]
        for index, user in enumerate(returnees):
            status = RegistrationStatus.ATTENDED if fair.is_past else RegistrationStatus.REGISTERED
            # The returnee may have cancelled and registered again on the fair's page: the active registration
            # is theirs; with only cancelled ones, they chose not to come, and the seed leaves it so.
            earlier = Registration.objects.filter(fair=fair, user=user).order_by(
                Case(When(status=RegistrationStatus.CANCELLED, then=1), default=0), "-pk"
            )
            registration = earlier.first()
            if registration is not None and registration.status == RegistrationStatus.CANCELLED:
                continue
            registration = registration or Registration.objects.create(
                fair=fair,
                user=user,
                status=status,
                consent_given_at=fair.registration_opens_at + dt.timedelta(days=1),
                attended_at=fair.starts_at if fair.is_past else None,
                joined_online_at=fair.starts_at if fair.is_past and fair.is_virtual else None,
            )
            if fair_booths:
                booth = fair_booths[index % len(fair_booths)]
                slot = booth.slots.order_by("starts_at")[index]
                if (
                    not Booking.objects.filter(slot=slot).exists()
                    and not Booking.objects.filter(registration=registration).exists()
                ):
                    Booking.objects.create(slot=slot, registration=registration)
                    counts["bookings"] += 1
            if fair.is_past:
                _answer, created = SurveyResponse.objects.get_or_create(
                    fair=fair,
                    respondent=user,
                    defaults={
                        "kind": RespondentKind.CANDIDATE,
                        "satisfaction": [5, 4, 3][index % 3],
                        "technical_problems": fair.format == FairFormat.VIRTUAL and index == 0,
                        "what_worked": "Short meetings with employers",
                    },
                )
                counts["surveys"] += created
    outcomes = [ApplicationStatus.HIRED, ApplicationStatus.INTERVIEW, ApplicationStatus.SUBMITTED]
    for index, (user, vacancy) in enumerate(zip(returnees * 2, vacancies, strict=False)):
        status = outcomes[index % len(outcomes)]
        _application, created = Application.objects.get_or_create(
            vacancy=vacancy,
            applicant=user,
            defaults={"status": status, "hired_at": timezone.now() if status == ApplicationStatus.HIRED else None},
        )
        counts["applications"] += created
    # The employers answer the survey of the fairs that are over.
    for booth in booths:
        if not booth.fair.is_past:
            continue
        member = Membership.objects.filter(employer=booth.employer, role=Role.EMPLOYER).select_related("user").first()
        if member is None:
            continue
        _answer, created = SurveyResponse.objects.get_or_create(
            fair=booth.fair,
            respondent=member.user,
            defaults={"kind": RespondentKind.EMPLOYER, "satisfaction": 4, "what_worked": "Well prepared candidates"},
        )
        counts["surveys"] += created
    return counts


@transaction.atomic
def seed() -> dict[str, int]:
    """Seed the job fairs demo. Returns counts of what exists or was created."""
    rng = random.Random(5)
    with unscoped():
        centres = {centre.slug: centre for centre in Centre.objects.select_related("country")}
        if not all(slug in centres for slug, *_rest in FAIRS):
            return {"fairs": 0}
        employers = _employers()
        fairs = _fairs(centres)
        booths = _booths_and_slots(fairs, employers)
        _booth_request(fairs, employers)
        vacancies = _vacancies(fairs, employers)
        registrations = _registrations(fairs, rng)
        counts = _returnees(fairs, booths, vacancies)
    return {
        "employers": len(employers),
        "fairs": len(fairs),
        "booths": len(booths),
        "vacancies": len(vacancies),
        "registrations_created": registrations,
        **counts,
    }
