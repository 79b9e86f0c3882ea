"""Fairs and booths: vetting employers, creating and publishing fairs, booth requests and decisions, meeting
slots and vacancies.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobfairs.audit import JobfairsAudit
from jobfairs.models import (
    Booth,
    BoothStatus,
    Employer,
    FairFormat,
    FairStatus,
    JobFair,
    MeetingSlot,
    Vacancy,
    VettingStatus,
)
from jobfairs.services._guards import lock_fair, require_employer, require_fair_staff, require_verified
from portal.access import Access, Role
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.i18n_content import clean_translations
from portal.models import Centre, User

SLOT_MINUTES = (10, 15, 20, 30)
MAX_SLOTS_AT_ONCE = 60


# --- Employers ---------------------------------------------------------------------


@transaction.atomic  # not durable: the admin's change form saves inside its own transaction
def vet_employer(*, access: Access, actor: User, employer: Employer, status: str, note: str = "") -> Employer:
    """A centre manager or country coordinator of the employer's country (or an admin) verifies or suspends
    an employer.

    Suspending takes the employer off every public page (the public selectors
    show verified employers only); its data stays.
    """
    vetters = (Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
    if not access.has_role(Role.ADMIN) and employer.country_id not in access.countries_of(*vetters):
        raise NotAllowed(_("This page does not exist."))
    if status not in VettingStatus.values:
        raise DomainError(_("Choose a vetting status."), field="status")
    employer.vetting_status = status
    employer.vetting_note = note
    employer.save(update_fields=["vetting_status", "vetting_note"])
    record_event(actor=actor, action=JobfairsAudit.EMPLOYER_VETTED, target=employer, details={"status": status})
    return employer


# --- Fairs ----------------------------------------------------------------------------


FAIR_FIELDS = (
    "title",
    "description",
    "format",
    "time_zone",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "waiting_list_size",
    "languages",
    "questions",
)


# The fair's texts that can be given in every interface language.
FAIR_TRANSLATED_FIELDS = ("title", "description", "questions")
VACANCY_TRANSLATED_FIELDS = ("title", "description")


def _check_fair(data: dict[str, Any]) -> None:
    try:
        zoneinfo.ZoneInfo(data["time_zone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, KeyError) as exc:
        raise DomainError(_("Choose a valid time zone, e.g. Africa/Accra."), field="time_zone") from exc
    if data["ends_at"] <= data["starts_at"]:
        raise DomainError(_("The fair must end after it starts."), field="ends_at")
    if data["registration_closes_at"] <= data["registration_opens_at"]:
        raise DomainError(_("Registration must close after it opens."), field="registration_closes_at")
    if data["registration_closes_at"] > data["ends_at"]:
        raise DomainError(_("Registration must close before the fair ends."), field="registration_closes_at")
    if data["format"] == FairFormat.VIRTUAL and not data.get("online_url"):
        raise DomainError(_("A virtual fair needs an online link."), field="online_url")
    if data["format"] == FairFormat.ON_SITE and not data.get("venue"):
        raise DomainError(_("An on-site fair needs a venue."), field="venue")
    if data["format"] == FairFormat.HYBRID and not (data.get("venue") and data.get("online_url")):
        raise DomainError(_("A hybrid fair needs both a venue and an online link."), field="venue")


@transaction.atomic(durable=True)
def create_fair(
    *,
    access: Access,
    actor: User,
    centres: list[Centre],
    translations: dict[str, dict[str, Any]] | None = None,
    **data: Any,
) -> JobFair:
    """A centre manager creates a fair (as a draft) organised by their centres, with its texts in other languages
    (`portal.i18n_content`)."""
    managed = access.centre_ids(Role.CENTRE_MANAGER)
    if not centres or any(centre.pk not in managed for centre in centres):
        raise NotAllowed(_("This page does not exist."))
    _check_fair(data)
    fair = JobFair.objects.create(
        country_id=centres[0].country_id,
        translations=clean_translations(translations, FAIR_TRANSLATED_FIELDS),
        **{k: data[k] for k in FAIR_FIELDS if k in data},
    )
    fair.centres.set(centres)
    record_event(actor=actor, action=JobfairsAudit.FAIR_CREATED, target=fair, centre=centres[0])
    return fair


@transaction.atomic(durable=True)
def update_fair(
    *, access: Access, actor: User, fair: JobFair, translations: dict[str, dict[str, Any]] | None = None, **data: Any
) -> JobFair:
    """A manager of an organising centre changes a fair, and its title, description and questions in other
    languages (`portal.i18n_content`; None leaves them as they are)."""
    require_fair_staff(access, fair, Role.CENTRE_MANAGER)
    _check_fair(data)
    fair = lock_fair(fair)
    if fair.status not in (FairStatus.DRAFT, FairStatus.PUBLISHED):
        raise DomainError(_("A closed or archived fair cannot be changed."))
    for key in FAIR_FIELDS:
        if key in data:
            setattr(fair, key, data[key])
    if translations is not None:
        fair.translations = clean_translations(translations, FAIR_TRANSLATED_FIELDS)
    fair.save()
    record_event(actor=actor, action=JobfairsAudit.FAIR_UPDATED, target=fair)
    return fair


@transaction.atomic(durable=True)
def publish_fair(*, access: Access, actor: User, fair: JobFair) -> JobFair:
    """Publish a draft fair: from now on it is on the public list."""
    require_fair_staff(access, fair, Role.CENTRE_MANAGER)
    fair = lock_fair(fair)
    if fair.status != FairStatus.DRAFT:
        raise DomainError(_("Only a draft can be published."))
    if fair.ends_at <= timezone.now():
        raise DomainError(_("This fair is already over."))
    fair.status = FairStatus.PUBLISHED
    fair.save(update_fields=["status"])
    record_event(actor=actor, action=JobfairsAudit.FAIR_PUBLISHED, target=fair)
    return fair


# --- Booths, slots, vacancies (employers) -------------------------------------------------


BOOTH_FIELDS = ("description", "meeting_url", "documents", "staff")


@transaction.atomic(durable=True)
def save_booth(*, access: Access, actor: User, employer: Employer, fair: JobFair, **data: Any) -> Booth:
    """Ask for a booth at a published fair (or update the request or the booth). Only a verified employer may.

    A new booth waits for a manager of an organising centre (`approve_booth`): until then it is not
    public and the employer sees no candidate. Editing keeps the decision; a declined booth stays
    declined (the employer talks to the centre instead of asking again and again).
    """
    require_employer(access, employer.pk)
    require_verified(employer)
    if fair.status != FairStatus.PUBLISHED:
        raise NotAllowed(_("This job fair does not exist."))
    for url in [line.strip() for line in data.get("documents", "").splitlines() if line.strip()]:
        if not url.startswith("https://"):
            raise DomainError(_("Each document must be an https:// link on its own line."), field="documents")
    booth = Booth.objects.select_for_update().filter(fair=fair, employer=employer).first()
    if booth is not None and booth.status == BoothStatus.DECLINED:
        raise DomainError(_("The organising centre declined your booth at this fair. Please contact the centre."))
    created = booth is None
    booth = booth or Booth(fair=fair, employer=employer, status=BoothStatus.PENDING)
    for key in BOOTH_FIELDS:
        setattr(booth, key, data.get(key, ""))
    try:
        with transaction.atomic():
            booth.save()
    except IntegrityError as exc:  # the same request twice at once: the other one asked already
        raise DomainError(_("Your booth request has already been sent.")) from exc
    record_event(
        actor=actor,
        action=JobfairsAudit.BOOTH_REQUESTED if created else JobfairsAudit.BOOTH_UPDATED,
        target=booth,
        details={"status": booth.status},
    )
    return booth


def _decide_booth(*, access: Access, actor: User, booth: Booth, status: str, allowed_from: tuple[str, ...]) -> Booth:
    require_fair_staff(access, booth.fair, Role.CENTRE_MANAGER)
    booth = Booth.objects.select_for_update(of=("self",)).select_related("employer", "fair").get(pk=booth.pk)
    if booth.status not in allowed_from:
        raise DomainError(_("This booth request has already been decided."))
    if status == BoothStatus.APPROVED:
        _require_verified_to_approve(booth.employer)
    booth.status = status
    booth.decided_at = timezone.now()
    booth.decided_by = actor
    booth.save(update_fields=["status", "decided_at", "decided_by"])
    centre = booth.fair.centres.filter(pk__in=access.centre_ids(Role.CENTRE_MANAGER)).first()
    record_event(
        actor=actor,
        action=JobfairsAudit.BOOTH_APPROVED if status == BoothStatus.APPROVED else JobfairsAudit.BOOTH_DECLINED,
        target=booth,
        centre=centre,
        details={"employer": str(booth.employer.public_id)},
    )
    return booth


def _require_verified_to_approve(employer: Employer) -> None:
    if employer.vetting_status != VettingStatus.VERIFIED:
        raise DomainError(_("Only a verified employer's booth can be approved."))


@transaction.atomic(durable=True)
def approve_booth(*, access: Access, actor: User, booth: Booth) -> Booth:
    """A manager of an organising centre approves a booth request (or a booth declined earlier).

    From now on the booth, its slots and its fair's vacancies are public, and the (verified)
    employer sees the fair's candidates who agreed to share their profile.
    """
    return _decide_booth(
        access=access,
        actor=actor,
        booth=booth,
        status=BoothStatus.APPROVED,
        allowed_from=(BoothStatus.PENDING, BoothStatus.DECLINED),
    )


@transaction.atomic(durable=True)
def decline_booth(*, access: Access, actor: User, booth: Booth) -> Booth:
    """A manager of an organising centre declines a booth request, or takes back an approval.

    The booth leaves the public pages and the employer loses sight of the fair's candidates and
    bookings at once; nothing is deleted.
    """
    return _decide_booth(
        access=access,
        actor=actor,
        booth=booth,
        status=BoothStatus.DECLINED,
        allowed_from=(BoothStatus.PENDING, BoothStatus.APPROVED),
    )


@transaction.atomic(durable=True)
def add_slots(
    *, access: Access, actor: User, booth: Booth, first_start: dt.datetime, count: int, minutes: int
) -> list[MeetingSlot]:
    """Add `count` back-to-back slots of `minutes` from `first_start`, within the fair's hours.

    A booth waiting for approval may prepare its slots; they are public once it is approved.
    """
    require_employer(access, booth.employer_id)
    require_verified(booth.employer)
    if booth.status == BoothStatus.DECLINED:
        raise NotAllowed(_("This page does not exist."))
    fair = booth.fair
    if minutes not in SLOT_MINUTES:
        raise DomainError(_("Choose a slot length of 10, 15, 20 or 30 minutes."), field="minutes")
    if not 1 <= count <= MAX_SLOTS_AT_ONCE:
        raise DomainError(_("Add between 1 and 60 slots at a time."), field="count")
    last_end = first_start + dt.timedelta(minutes=minutes * count)
    if first_start < fair.starts_at or last_end > fair.ends_at:
        raise DomainError(_("The slots must lie within the fair's opening hours."), field="first_start")
    starts = [first_start + dt.timedelta(minutes=minutes * i) for i in range(count)]
    if MeetingSlot.objects.filter(booth=booth, starts_at__lt=last_end, ends_at__gt=first_start).exists():
        raise DomainError(_("These slots overlap slots the booth already has."), field="first_start")
    slots = MeetingSlot.objects.bulk_create(
        [MeetingSlot(booth=booth, starts_at=s, ends_at=s + dt.timedelta(minutes=minutes)) for s in starts]
    )
    record_event(actor=actor, action=JobfairsAudit.SLOTS_ADDED, target=booth, details={"count": count})
    return slots


VACANCY_FIELDS = (
    "title",
    "description",
    "isco_code",
    "employment_type",
    "country_id",
    "locality",
    "remote",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_unit",
    "languages",
    "skills",
    "valid_through",
    "how_to_apply",
    "fair",
)


def _check_vacancy(data: dict[str, Any]) -> None:
    low: Decimal | None = data.get("salary_min")
    high: Decimal | None = data.get("salary_max")
    if low is not None and high is not None and high < low:
        raise DomainError(_("The highest salary cannot be lower than the lowest."), field="salary_max")
    if (low is not None or high is not None) and not (data.get("salary_currency") and data.get("salary_unit")):
        raise DomainError(_("Give the currency and the period of the salary."), field="salary_currency")
    if not data.get("remote") and not data.get("locality"):
        raise DomainError(_("Give the town or city, or mark the job as remote."), field="locality")
    if data["valid_through"] < timezone.localdate():
        raise DomainError(_("The closing date cannot be in the past."), field="valid_through")
    isco = data.get("isco_code") or ""
    if isco and not (isco.isdigit() and len(isco) == 4):
        raise DomainError(_("An ISCO-08 code has four digits, e.g. 7212."), field="isco_code")


@transaction.atomic(durable=True)
def save_vacancy(
    *,
    access: Access,
    actor: User,
    employer: Employer,
    vacancy: Vacancy | None = None,
    publish: bool,
    translations: dict[str, dict[str, Any]] | None = None,
    **data: Any,
) -> Vacancy:
    """Create or change one of the employer's vacancies, with its title and description in other languages
    (None leaves those as they are); publishing needs a verified employer."""
    require_employer(access, employer.pk)
    if vacancy is not None and vacancy.employer_id != employer.pk:
        raise NotAllowed(_("This page does not exist."))
    _check_vacancy(data)
    if publish:
        require_verified(employer)
    fair = data.get("fair")
    if (
        fair is not None
        and not Booth.objects.filter(fair=fair, employer=employer).exclude(status=BoothStatus.DECLINED).exists()
    ):
        raise DomainError(_("Open a booth at this fair before linking a vacancy to it."), field="fair")
    created = vacancy is None
    vacancy = vacancy or Vacancy(employer=employer)
    for key in VACANCY_FIELDS:
        if key in data:
            setattr(vacancy, key, data[key])
    if translations is not None:
        vacancy.translations = clean_translations(translations, VACANCY_TRANSLATED_FIELDS)
    vacancy.is_published = publish
    vacancy.save()
    record_event(
        actor=actor,
        action=JobfairsAudit.VACANCY_CREATED if created else JobfairsAudit.VACANCY_UPDATED,
        target=vacancy,
        details={"published": publish},
    )
    return vacancy
