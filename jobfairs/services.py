"""Writes of the job fairs app: one function per use case, atomic and audited.

Every function takes the acting user's `Access` and the acting `User`, checks
that the objects it touches are theirs to change (an object outside the scope
is "unknown": `NotAllowed`, which views turn into 404), writes, appends an
`AuditEvent`, and queues e-mails after commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.models import CaseEvent, Client, Consent, ConsentPurpose
from counselling.services import has_consent
from jobfairs.models import (
    FINAL_APPLICATION,
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    Booth,
    BoothStatus,
    Employer,
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
from portal.access import CASEWORK_ROLES, Access, Role, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.models import Centre, User

# Where an application may go next; the employer moves it on, the applicant withdraws.
APPLICATION_STEPS: dict[str, tuple[str, ...]] = {
    ApplicationStatus.SUBMITTED: (ApplicationStatus.SHORTLISTED, ApplicationStatus.REJECTED),
    ApplicationStatus.SHORTLISTED: (ApplicationStatus.INTERVIEW, ApplicationStatus.REJECTED),
    ApplicationStatus.INTERVIEW: (ApplicationStatus.OFFER, ApplicationStatus.REJECTED),
    ApplicationStatus.OFFER: (ApplicationStatus.HIRED, ApplicationStatus.REJECTED),
}
SLOT_MINUTES = (10, 15, 20, 30)
MAX_SLOTS_AT_ONCE = 60


# --- Guards ----------------------------------------------------------------------


def _require_employer(access: Access, employer_id: int) -> None:
    if employer_id not in access.employer_ids():
        raise NotAllowed(_("This page does not exist."))


def _require_fair_staff(access: Access, fair: JobFair, *roles: str) -> None:
    if not JobFair.objects.staffed_by(access, *roles).filter(pk=fair.pk).exists():
        raise NotAllowed(_("This job fair does not exist."))


def _require_verified(employer: Employer) -> None:
    if employer.vetting_status == VettingStatus.SUSPENDED:
        raise DomainError(_("Your organisation is suspended. Please contact the centre."))
    if employer.vetting_status != VettingStatus.VERIFIED:
        raise DomainError(
            _("Your organisation has not been verified yet. A centre will check it before you can publish.")
        )


def _lock_fair(fair: JobFair) -> JobFair:
    return JobFair.objects.select_for_update().get(pk=fair.pk)


def _lock_registration(registration: Registration) -> Registration:
    with unscoped():
        return Registration.objects.select_for_update(of=("self",)).select_related("fair").get(pk=registration.pk)


def _notify(task: Any, **kwargs: Any) -> None:
    """Queue an e-mail through the outbox: written with the change, sent after commit, kept if the broker is down."""
    from portal import outbox

    outbox.enqueue(task, kwargs=kwargs, key=f"{task.name}:{uuid.uuid4().hex}")


# --- Employers ---------------------------------------------------------------------


@transaction.atomic
def vet_employer(*, access: Access, actor: User, employer: Employer, status: str, note: str = "") -> Employer:
    """A centre manager of the employer's country (or an admin) verifies or suspends an employer.

    Suspending takes the employer off every public page (the public selectors
    show verified employers only); its data stays.
    """
    if not access.has_role(Role.ADMIN) and employer.country_id not in access.countries_of(Role.CENTRE_MANAGER):
        raise NotAllowed(_("This page does not exist."))
    if status not in VettingStatus.values:
        raise DomainError(_("Choose a vetting status."), field="status")
    employer.vetting_status = status
    employer.vetting_note = note
    employer.save(update_fields=["vetting_status", "vetting_note"])
    record_event(actor=actor, action="jobfairs.employer.vetted", target=employer, details={"status": status})
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


@transaction.atomic
def create_fair(*, access: Access, actor: User, centres: list[Centre], **data: Any) -> JobFair:
    """A centre manager creates a fair (as a draft) organised by their centres."""
    managed = access.centre_ids(Role.CENTRE_MANAGER)
    if not centres or any(centre.pk not in managed for centre in centres):
        raise NotAllowed(_("This page does not exist."))
    _check_fair(data)
    fair = JobFair.objects.create(country_id=centres[0].country_id, **{k: data[k] for k in FAIR_FIELDS if k in data})
    fair.centres.set(centres)
    record_event(actor=actor, action="jobfairs.fair.created", target=fair, centre=centres[0])
    return fair


@transaction.atomic
def update_fair(
    *, access: Access, actor: User, fair: JobFair, translations: dict[str, dict[str, str]] | None = None, **data: Any
) -> JobFair:
    """A manager of an organising centre changes a fair, and its title and description in other languages."""
    _require_fair_staff(access, fair, Role.CENTRE_MANAGER)
    _check_fair(data)
    fair = _lock_fair(fair)
    if fair.status not in (FairStatus.DRAFT, FairStatus.PUBLISHED):
        raise DomainError(_("A closed or archived fair cannot be changed."))
    for key in FAIR_FIELDS:
        if key in data:
            setattr(fair, key, data[key])
    if translations is not None:
        fair.translations = {
            language: {k: v for k, v in texts.items() if v}
            for language, texts in translations.items()
            if any(texts.values())
        }
    fair.save()
    record_event(actor=actor, action="jobfairs.fair.updated", target=fair)
    return fair


@transaction.atomic
def publish_fair(*, access: Access, actor: User, fair: JobFair) -> JobFair:
    """Publish a draft fair: from now on it is on the public list."""
    _require_fair_staff(access, fair, Role.CENTRE_MANAGER)
    fair = _lock_fair(fair)
    if fair.status != FairStatus.DRAFT:
        raise DomainError(_("Only a draft can be published."))
    if fair.ends_at <= timezone.now():
        raise DomainError(_("This fair is already over."))
    fair.status = FairStatus.PUBLISHED
    fair.save(update_fields=["status"])
    record_event(actor=actor, action="jobfairs.fair.published", target=fair)
    return fair


# --- Booths, slots, vacancies (employers) -------------------------------------------------


BOOTH_FIELDS = ("description", "meeting_url", "documents", "staff")


@transaction.atomic
def save_booth(*, access: Access, actor: User, employer: Employer, fair: JobFair, **data: Any) -> Booth:
    """Ask for a booth at a published fair (or update the request or the booth). Only a verified employer may.

    A new booth waits for a manager of an organising centre (`approve_booth`): until then it is not
    public and the employer sees no candidate. Editing keeps the decision; a declined booth stays
    declined (the employer talks to the centre instead of asking again and again).
    """
    _require_employer(access, employer.pk)
    _require_verified(employer)
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
        action="jobfairs.booth.requested" if created else "jobfairs.booth.updated",
        target=booth,
        details={"status": booth.status},
    )
    return booth


def _decide_booth(*, access: Access, actor: User, booth: Booth, status: str, allowed_from: tuple[str, ...]) -> Booth:
    _require_fair_staff(access, booth.fair, Role.CENTRE_MANAGER)
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
        action=f"jobfairs.booth.{status}",
        target=booth,
        centre=centre,
        details={"employer": str(booth.employer.public_id)},
    )
    return booth


def _require_verified_to_approve(employer: Employer) -> None:
    if employer.vetting_status != VettingStatus.VERIFIED:
        raise DomainError(_("Only a verified employer's booth can be approved."))


@transaction.atomic
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


@transaction.atomic
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


@transaction.atomic
def add_slots(
    *, access: Access, actor: User, booth: Booth, first_start: dt.datetime, count: int, minutes: int
) -> list[MeetingSlot]:
    """Add `count` back-to-back slots of `minutes` from `first_start`, within the fair's hours.

    A booth waiting for approval may prepare its slots; they are public once it is approved.
    """
    _require_employer(access, booth.employer_id)
    _require_verified(booth.employer)
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
    record_event(actor=actor, action="jobfairs.slots.added", target=booth, details={"count": count})
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


@transaction.atomic
def save_vacancy(
    *, access: Access, actor: User, employer: Employer, vacancy: Vacancy | None = None, publish: bool, **data: Any
) -> Vacancy:
    """Create or change one of the employer's vacancies; publishing needs a verified employer."""
    _require_employer(access, employer.pk)
    if vacancy is not None and vacancy.employer_id != employer.pk:
        raise NotAllowed(_("This page does not exist."))
    _check_vacancy(data)
    if publish:
        _require_verified(employer)
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
    vacancy.is_published = publish
    vacancy.save()
    record_event(
        actor=actor,
        action="jobfairs.vacancy.created" if created else "jobfairs.vacancy.updated",
        target=vacancy,
        details={"published": publish},
    )
    return vacancy


# --- Registrations -----------------------------------------------------------------------------


def _place(fair: JobFair) -> str:
    """Registered, or waitlisted when the fair is full; refuses when the waiting list is full too."""
    with unscoped():
        counts = Registration.objects.filter(fair=fair)
        taken = counts.exclude(status__in=[RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED]).count()
        if taken < fair.capacity:
            return RegistrationStatus.REGISTERED
        waiting = counts.filter(status=RegistrationStatus.WAITLISTED).count()
    if waiting < fair.waiting_list_size:
        return RegistrationStatus.WAITLISTED
    raise DomainError(_("This fair is full, and so is its waiting list."))


def _check_window(fair: JobFair) -> None:
    now = timezone.now()
    if fair.status != FairStatus.PUBLISHED:
        raise DomainError(_("Registration for this fair is closed."))
    if now < fair.registration_opens_at:
        raise DomainError(_("Registration for this fair has not opened yet."))
    if now >= fair.registration_closes_at:
        raise DomainError(_("Registration for this fair has closed."))


def _check_answers(fair: JobFair, answers: dict[str, str]) -> dict[str, str]:
    cleaned = {question: (answers.get(question) or "").strip() for question in fair.questions}
    if any(not value for value in cleaned.values()):
        raise DomainError(_("Please answer every question."), field="answers")
    return cleaned


# What a returnee may declare about themselves for the anonymous statistics (portal.reports).
DECLARED_FIELDS = ("declared_sex", "declared_age_band", "declared_target_group")


def _declared(declared: dict[str, str] | None) -> dict[str, str]:
    """Known choices only; anything else is "prefer not to say" (blank)."""
    out = {}
    for name in DECLARED_FIELDS:
        value = (declared or {}).get(name) or ""
        out[name] = value if value in dict(Registration._meta.get_field(name).choices) else ""
    return out


@transaction.atomic
def register_for_fair(
    *,
    access: Access,
    actor: User,
    fair: JobFair,
    share_profile: bool,
    answers: dict[str, str] | None = None,
    declared: dict[str, str] | None = None,
) -> Registration:
    """A returnee registers themselves: within the window; waitlisted when the fair is full.

    The fair row is locked so that two people taking the last place at once
    cannot both get it. Consent to share the profile is stored with its time.
    `declared`: optional sex, age band and target group for the statistics (DECLARED_FIELDS).
    """
    if access.has_membership:
        raise DomainError(_("Staff accounts cannot register as candidates."))
    fair = _lock_fair(fair)
    _check_window(fair)
    with unscoped():
        if Registration.objects.filter(fair=fair, user=actor).exclude(status=RegistrationStatus.CANCELLED).exists():
            raise DomainError(_("You are already registered for this fair."))
    status = _place(fair)
    registration = Registration.objects.create(
        fair=fair,
        user=actor,
        registered_by=actor,
        status=status,
        answers=_check_answers(fair, answers or {}),
        consent_given_at=timezone.now() if share_profile else None,
        **_declared(declared),
    )
    record_event(
        actor=actor,
        action="jobfairs.registration.created",
        target=registration,
        details={"status": status, "shares_profile": share_profile},
    )
    from jobfairs.tasks import send_registration_confirmation_task

    _notify(send_registration_confirmation_task, registration_id=registration.pk)
    return registration


@transaction.atomic
def register_client_for_fair(
    *, access: Access, actor: User, fair: JobFair, client: Client, answers: dict[str, str] | None = None
) -> Registration:
    """A counsellor registers a client of their centre. Sharing follows the client's recorded consent."""
    if client.centre_id not in access.centre_ids(*CASEWORK_ROLES):
        raise NotAllowed(_("This page does not exist."))
    fair = _lock_fair(fair)
    _check_window(fair)
    with unscoped():
        if Registration.objects.filter(fair=fair, client=client).exclude(status=RegistrationStatus.CANCELLED).exists():
            raise DomainError(_("This client is already registered for this fair."), field="client")
    status = _place(fair)
    registration = Registration.objects.create(
        fair=fair, client=client, registered_by=actor, status=status, answers=_check_answers(fair, answers or {})
    )
    record_event(
        actor=actor,
        action="jobfairs.registration.created",
        target=registration,
        centre=client.centre_id,
        details={
            "status": status,
            "shares_profile": has_consent(client, ConsentPurpose.SHARE_WITH_EMPLOYERS),
        },
    )
    return registration


def _owns(access: Access, registration: Registration) -> None:
    if registration.user_id is None or registration.user_id != access.user_id:
        raise NotAllowed(_("This page does not exist."))


@transaction.atomic
def set_profile_sharing(*, access: Access, actor: User, registration: Registration, share: bool) -> Registration:
    """Give or withdraw consent to share the profile with the fair's employers (kept with its times)."""
    _owns(access, registration)
    registration = _lock_registration(registration)
    now = timezone.now()
    if share:
        registration.consent_given_at, registration.consent_withdrawn_at = now, None
    elif registration.consent_given_at is not None:
        registration.consent_withdrawn_at = now
    registration.save(update_fields=["consent_given_at", "consent_withdrawn_at"])
    record_event(
        actor=actor,
        action="jobfairs.consent.given" if share else "jobfairs.consent.withdrawn",
        target=registration,
    )
    return registration


@transaction.atomic
def withdraw_profile_sharing(*, access: Access, actor: User) -> int:
    """The person withdraws, in one step, every consent to share their profile with job-fair employers:
    on each of their own registrations, and the one recorded in the client record linked to their
    account (a counsellor's registration of that client shares by it).

    Employers lose sight of them with their next request (the scope rules read these consents).
    Each withdrawal keeps its time and is audited; the case timeline shows the client's. Giving a
    consent again later re-shares nothing by itself. Returns how many consents were withdrawn.
    """
    if not access.is_authenticated or access.has_membership:
        raise NotAllowed(_("This page does not exist."))
    now = timezone.now()
    withdrawn = 0
    with unscoped():
        registrations = list(
            Registration.objects.select_for_update(of=("self",)).filter(
                user_id=actor.pk, consent_given_at__isnull=False, consent_withdrawn_at__isnull=True
            )
        )
        consents = list(
            Consent.objects.select_for_update(of=("self",))
            .select_related("client")
            .filter(
                client__portal_account_id=actor.pk,
                client__anonymised_at__isnull=True,
                purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS,
                withdrawn_at__isnull=True,
            )
        )
    for registration in registrations:
        registration.consent_withdrawn_at = now
        registration.save(update_fields=["consent_withdrawn_at"])
        record_event(actor=actor, action="jobfairs.consent.withdrawn", target=registration, details={"via": "profile"})
        withdrawn += 1
    for consent in consents:
        consent.withdrawn_at, consent.withdrawn_by = now, actor
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        with unscoped():
            case = consent.client.cases.order_by("-opened_on", "-pk").first()
        if case is not None:
            CaseEvent.objects.create(
                case=case, actor=actor, kind="consent.withdrawn", params={"purpose": consent.purpose}
            )
        record_event(
            actor=actor,
            action="counselling.consent.withdrawn",
            target=consent,
            centre=consent.client.centre_id,
            details={"purpose": consent.purpose, "via": "returnee_profile"},
        )
        withdrawn += 1
    return withdrawn


def _promote_from_waiting_list(fair: JobFair, actor: User) -> Registration | None:
    with unscoped():
        taken = (
            Registration.objects.filter(fair=fair)
            .exclude(status__in=[RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED])
            .count()
        )
        if taken >= fair.capacity:
            return None
        waiting = (
            Registration.objects.select_for_update()
            .filter(fair=fair, status=RegistrationStatus.WAITLISTED)
            .order_by("created_at", "pk")
            .first()
        )
    if waiting is None:
        return None
    waiting.status = RegistrationStatus.REGISTERED
    waiting.save(update_fields=["status"])
    record_event(actor=actor, action="jobfairs.registration.promoted", target=waiting)
    from jobfairs.tasks import send_promotion_notice_task

    if waiting.user_id:
        _notify(send_promotion_notice_task, registration_id=waiting.pk)
    return waiting


@transaction.atomic
def cancel_registration(*, access: Access, actor: User, registration: Registration) -> Registration:
    """Cancel a registration and its bookings; the first on the waiting list moves up."""
    if registration.user_id != access.user_id and not (
        registration.client_id and registration.client.centre_id in access.centre_ids(*CASEWORK_ROLES)
    ):
        raise NotAllowed(_("This page does not exist."))
    fair = _lock_fair(registration.fair)
    registration = _lock_registration(registration)
    if registration.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED):
        raise DomainError(_("This registration can no longer be cancelled."))
    if fair.starts_at <= timezone.now():
        raise DomainError(_("The fair has started; registrations can no longer be cancelled."))
    now = timezone.now()
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    with unscoped():
        Booking.objects.filter(registration=registration, status=BookingStatus.ACTIVE).update(
            status=BookingStatus.CANCELLED, cancelled_at=now
        )
    record_event(actor=actor, action="jobfairs.registration.cancelled", target=registration)
    _promote_from_waiting_list(fair, actor)
    return registration


# --- Slots and bookings --------------------------------------------------------------------------


@transaction.atomic
def book_slot(*, access: Access, actor: User, slot: MeetingSlot, registration: Registration) -> Booking:
    """Book a meeting slot for the candidate's registration at the same fair.

    Safe under concurrency: the slot row is locked (two people clicking the
    same slot wait for each other, and the second sees the first's booking),
    the candidate's registration row is locked (two tabs booking overlapping
    slots wait for each other), and a partial unique index allows one active
    booking per slot whatever happens.
    """
    _owns(access, registration)
    registration = _lock_registration(registration)
    slot = (
        MeetingSlot.objects.select_for_update(of=("self",))
        .select_related("booth__fair", "booth__employer")
        .get(pk=slot.pk)
    )
    if slot.booth.fair_id != registration.fair_id or not (slot.booth.employer.is_verified and slot.booth.is_approved):
        raise NotAllowed(_("This page does not exist."))
    if not registration.can_book:
        raise DomainError(_("Only registered candidates can book meetings. You are not (or not yet) registered."))
    if slot.starts_at <= timezone.now():
        raise DomainError(_("This slot is in the past. Choose a later one."), field="slot")
    with unscoped():
        if Booking.objects.filter(slot=slot, status=BookingStatus.ACTIVE).exists():
            raise DomainError(_("Someone else has just booked this slot. Choose another one."), field="slot")
        overlapping = Booking.objects.filter(
            registration=registration,
            status=BookingStatus.ACTIVE,
            slot__starts_at__lt=slot.ends_at,
            slot__ends_at__gt=slot.starts_at,
        )
        if overlapping.exists():
            raise DomainError(_("You already have a meeting at this time."), field="slot")
    try:
        with transaction.atomic():
            booking = Booking.objects.create(slot=slot, registration=registration)
    except IntegrityError as exc:
        raise DomainError(_("Someone else has just booked this slot. Choose another one."), field="slot") from exc
    record_event(actor=actor, action="jobfairs.booking.created", target=booking)
    from jobfairs.tasks import send_booking_confirmation_task

    _notify(send_booking_confirmation_task, booking_id=booking.pk)
    return booking


@transaction.atomic
def cancel_booking(*, access: Access, actor: User, booking: Booking) -> Booking:
    """The candidate cancels a booking, up to the fair's deadline before the slot."""
    _owns(access, booking.registration)
    with unscoped():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("slot__booth__fair").get(pk=booking.pk)
    if booking.status != BookingStatus.ACTIVE:
        raise DomainError(_("This booking is already cancelled."))
    fair = booking.slot.booth.fair
    deadline = booking.slot.starts_at - dt.timedelta(minutes=fair.cancel_deadline_minutes)
    if timezone.now() > deadline:
        raise DomainError(_("It is too late to cancel this meeting. Please tell the employer instead."))
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    record_event(actor=actor, action="jobfairs.booking.cancelled", target=booking)
    return booking


# --- Attendance ----------------------------------------------------------------------------------


@transaction.atomic
def check_in(*, access: Access, actor: User, fair: JobFair, code: str) -> Registration:
    """On-site check-in by the code (or QR) on the registration, by the organising centres' staff."""
    _require_fair_staff(access, fair, Role.COUNSELLOR, Role.CENTRE_MANAGER)
    code = code.strip().upper().replace(" ", "")
    with unscoped():
        registration = (
            Registration.objects.select_for_update(of=("self",)).filter(fair=fair, check_in_code=code).first()
        )
    if registration is None:
        raise DomainError(_("No registration for this fair has this code."), field="code")
    if registration.status == RegistrationStatus.ATTENDED:
        raise DomainError(_("This person has already checked in."), field="code")
    if registration.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.NO_SHOW):
        raise DomainError(_("This registration is cancelled or on the waiting list."), field="code")
    registration.status = RegistrationStatus.ATTENDED
    registration.attended_at = timezone.now()
    registration.save(update_fields=["status", "attended_at"])
    record_event(actor=actor, action="jobfairs.registration.checked_in", target=registration)
    return registration


# A virtual fair's room opens a little before the start.
JOIN_EARLY = dt.timedelta(minutes=30)


@transaction.atomic
def join_online(*, access: Access, actor: User, registration: Registration) -> str:
    """Virtual attendance: joining through the portal records it and returns the online link."""
    _owns(access, registration)
    registration = _lock_registration(registration)
    fair = registration.fair
    if not fair.is_virtual or not fair.online_url:
        raise DomainError(_("This fair has no online part."))
    if not registration.can_book:
        raise DomainError(_("Only registered candidates can join."))
    now = timezone.now()
    if now < fair.starts_at - JOIN_EARLY:
        raise DomainError(_("The fair has not started yet. The link opens 30 minutes before the start."))
    if now > fair.ends_at:
        raise DomainError(_("This fair is over."))
    if registration.joined_online_at is None:
        registration.joined_online_at = now
        registration.attended_at = registration.attended_at or now
        registration.status = RegistrationStatus.ATTENDED
        registration.save(update_fields=["joined_online_at", "attended_at", "status"])
        record_event(actor=actor, action="jobfairs.registration.joined", target=registration)
    return fair.online_url


# --- Applications --------------------------------------------------------------------------------


@transaction.atomic
def apply_to_vacancy(*, access: Access, actor: User, vacancy: Vacancy, cover_note: str = "") -> Application:
    """A returnee applies to a public vacancy; applying shares their name and e-mail with this employer."""
    if access.has_membership:
        raise DomainError(_("Staff accounts cannot apply to vacancies."))
    if not Vacancy.objects.public().filter(pk=vacancy.pk).exists():
        raise NotAllowed(_("This page does not exist."))
    registration = None
    with unscoped():
        if (
            Application.objects.filter(vacancy=vacancy, applicant=actor)
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .exists()
        ):
            raise DomainError(_("You have already applied to this vacancy."))
        if vacancy.fair_id:
            registration = (
                Registration.objects.filter(fair_id=vacancy.fair_id, user=actor)
                .exclude(status=RegistrationStatus.CANCELLED)
                .first()
            )
    application = Application.objects.create(
        vacancy=vacancy, applicant=actor, registration=registration, cover_note=cover_note
    )
    record_event(actor=actor, action="jobfairs.application.submitted", target=application)
    return application


@transaction.atomic
def update_application_status(*, access: Access, actor: User, application: Application, status: str) -> Application:
    """The employer moves an application on: submitted → shortlisted → interview → offer → hired, or rejects it.

    A suspended (or not yet verified) employer sees no application, so it may not move one either.
    """
    _require_employer(access, application.vacancy.employer_id)
    if not application.vacancy.employer.is_verified:
        raise NotAllowed(_("This page does not exist."))
    with unscoped():
        application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if status not in APPLICATION_STEPS.get(application.status, ()):
        raise DomainError(
            _("An application that is “%(current)s” cannot become “%(new)s”.")
            % {
                "current": ApplicationStatus(application.status).label,
                "new": ApplicationStatus(status).label if status in ApplicationStatus.values else status,
            },
            field="status",
        )
    now = timezone.now()
    application.status = status
    application.updated_at = now
    if status == ApplicationStatus.HIRED:
        application.hired_at = now
    application.save(update_fields=["status", "updated_at", "hired_at"])
    record_event(
        actor=actor, action="jobfairs.application.status_changed", target=application, details={"status": status}
    )
    return application


@transaction.atomic
def withdraw_application(*, access: Access, actor: User, application: Application) -> Application:
    """The applicant withdraws an application that is still open."""
    if application.applicant_id != access.user_id:
        raise NotAllowed(_("This page does not exist."))
    if application.status in FINAL_APPLICATION:
        raise DomainError(_("This application is already closed."))
    application.status = ApplicationStatus.WITHDRAWN
    application.updated_at = timezone.now()
    application.save(update_fields=["status", "updated_at"])
    record_event(actor=actor, action="jobfairs.application.withdrawn", target=application)
    return application


# --- Surveys -------------------------------------------------------------------------------------


def survey_role(*, access: Access, actor: User, fair: JobFair) -> str | None:
    """How the actor may answer the fair's survey: as an attending candidate, as an employer with a booth, or not."""
    if access.employer_ids():
        if Booth.objects.approved().filter(fair=fair, employer_id__in=access.employer_ids()).exists():
            return RespondentKind.EMPLOYER
        return None
    with unscoped():
        attended = Registration.objects.filter(fair=fair, user=actor, status=RegistrationStatus.ATTENDED).exists()
    return RespondentKind.CANDIDATE if attended else None


@transaction.atomic
def submit_survey(
    *,
    access: Access,
    actor: User,
    fair: JobFair,
    satisfaction: int,
    technical_problems: bool,
    what_worked: str = "",
    to_improve: str = "",
) -> SurveyResponse:
    """Answer the post-event survey once, after the fair, as an attendee or a booth's employer."""
    kind = survey_role(access=access, actor=actor, fair=fair)
    if kind is None:
        raise NotAllowed(_("This page does not exist."))
    if fair.ends_at > timezone.now():
        raise DomainError(_("The survey opens when the fair is over."))
    if not 1 <= satisfaction <= 5:
        raise DomainError(_("Choose a rating from 1 to 5."), field="satisfaction")
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                fair=fair,
                respondent=actor,
                kind=kind,
                satisfaction=satisfaction,
                technical_problems=technical_problems,
                what_worked=what_worked,
                to_improve=to_improve,
            )
    except IntegrityError as exc:
        raise DomainError(_("You have already answered this survey. Thank you!")) from exc
    record_event(actor=actor, action="jobfairs.survey.answered", target=response, details={"kind": kind})
    return response
