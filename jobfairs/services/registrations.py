"""Registrations: returnees and counsellors' clients register, share or withdraw the profile, cancel; the
waiting list moves up.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.audit import CounsellingAudit
from counselling.consent import has_consent
from counselling.models import CaseEvent, Client, Consent, ConsentPurpose
from jobfairs.audit import JobfairsAudit
from jobfairs.models import (
    CONSENT_WORDING,
    Booking,
    BookingStatus,
    FairStatus,
    JobFair,
    Registration,
    RegistrationStatus,
)
from jobfairs.services._guards import lock_fair, lock_registration, require_own_registration
from portal import outbox
from portal.access import CASEWORK_ROLES, Access, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.models import User


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


# What a returnee may declare about themselves for the anonymous statistics (reports).
DECLARED_FIELDS = ("declared_sex", "declared_age_band", "declared_target_group")


def _declared(declared: dict[str, str] | None) -> dict[str, str]:
    """Known choices only; anything else is "prefer not to say" (blank)."""
    out = {}
    for name in DECLARED_FIELDS:
        value = (declared or {}).get(name) or ""
        out[name] = value if value in dict(Registration._meta.get_field(name).choices) else ""
    return out


@transaction.atomic(durable=True)
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
    fair = lock_fair(fair)
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
        consent_wording=CONSENT_WORDING,
        **_declared(declared),
    )
    record_event(
        actor=actor,
        action=JobfairsAudit.REGISTRATION_CREATED,
        target=registration,
        details={"status": status, "shares_profile": share_profile},
    )
    outbox.enqueue(
        "jobfairs.tasks.send_registration_confirmation_task",
        kwargs={"registration_id": registration.pk},
        key=f"fair-registration:{registration.public_id}",
    )
    return registration


@transaction.atomic(durable=True)
def register_client_for_fair(
    *, access: Access, actor: User, fair: JobFair, client: Client, answers: dict[str, str] | None = None
) -> Registration:
    """A counsellor registers a client of their centre. Sharing follows the client's recorded consent."""
    if client.centre_id not in access.centre_ids(*CASEWORK_ROLES):
        raise NotAllowed(_("This page does not exist."))
    fair = lock_fair(fair)
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
        action=JobfairsAudit.REGISTRATION_CREATED,
        target=registration,
        centre=client.centre_id,
        details={
            "status": status,
            "shares_profile": has_consent(client, ConsentPurpose.SHARE_WITH_EMPLOYERS),
        },
    )
    return registration


@transaction.atomic(durable=True)
def set_profile_sharing(*, access: Access, actor: User, registration: Registration, share: bool) -> Registration:
    """Give or withdraw consent to share the profile with the fair's employers (kept with its times).

    Giving it records the current wording (`CONSENT_WORDING`): what employers may see from now on."""
    require_own_registration(access, registration)
    registration = lock_registration(registration)
    now = timezone.now()
    if share:
        registration.consent_given_at, registration.consent_withdrawn_at = now, None
        registration.consent_wording = CONSENT_WORDING
    elif registration.consent_given_at is not None:
        registration.consent_withdrawn_at = now
    registration.save(update_fields=["consent_given_at", "consent_withdrawn_at", "consent_wording"])
    record_event(
        actor=actor,
        action=JobfairsAudit.CONSENT_GIVEN if share else JobfairsAudit.CONSENT_WITHDRAWN,
        target=registration,
    )
    return registration


@transaction.atomic  # not durable: also part of the returnee's consent change (cms.returnees.services)
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
        record_event(
            actor=actor, action=JobfairsAudit.CONSENT_WITHDRAWN, target=registration, details={"via": "profile"}
        )
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
            action=CounsellingAudit.CONSENT_WITHDRAWN,
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
    record_event(actor=actor, action=JobfairsAudit.REGISTRATION_PROMOTED, target=waiting)
    if waiting.user_id:  # a registration leaves the waiting list once: one notice
        outbox.enqueue(
            "jobfairs.tasks.send_promotion_notice_task",
            kwargs={"registration_id": waiting.pk},
            key=f"fair-promotion:{waiting.public_id}",
        )
    return waiting


@transaction.atomic  # not durable: also part of a returnee's erasure (cms.returnees.dataprotection)
def cancel_registration(*, access: Access, actor: User, registration: Registration) -> Registration:
    """Cancel a registration and its bookings; the first on the waiting list moves up."""
    if registration.user_id != access.user_id and not (
        registration.client_id and registration.client.centre_id in access.centre_ids(*CASEWORK_ROLES)
    ):
        raise NotAllowed(_("This page does not exist."))
    fair = lock_fair(registration.fair)
    registration = lock_registration(registration)
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
    record_event(actor=actor, action=JobfairsAudit.REGISTRATION_CANCELLED, target=registration)
    _promote_from_waiting_list(fair, actor)
    return registration
