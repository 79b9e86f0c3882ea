"""Writes of the referrals app: the service directory and the closed-loop referral.

The referral follows a state machine (`ALLOWED`): each move says which side
may make it (the sending centre, the partner, or the system). Every move
writes a `ReferralEvent`, a line on the case timeline and an audit line, in
one transaction with a row lock on the referral.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from counselling.consent import ConsentMissing, has_consent, last_withdrawal, require_consent
from counselling.models import CaseEvent, CaseFile, CaseStatus, ConsentPurpose
from counselling.services import record_consent_within
from portal import outbox
from portal.access import CASEWORK_ROLES, Access, Role, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.forms_base import check_text
from portal.i18n_content import clean_translations
from portal.models import User
from referrals.audit import ReferralsAudit
from referrals.models import (
    FINAL_STATUSES,
    SEAT_STATUSES,
    Channel,
    Location,
    Organization,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Service,
    ServiceAtLocation,
    ServiceCategory,
    new_link_nonce,
)

S = ReferralStatus
SENDER, PARTNER, SYSTEM, CLIENT = "sender", "partner", "system", "client"

# from status -> {to status: the side that may make this move}
ALLOWED: dict[str, dict[str, str]] = {
    S.DRAFT: {S.SENT: SENDER, S.CANCELLED: SENDER},
    S.SENT: {S.ACCEPTED: PARTNER, S.DECLINED: PARTNER, S.CANCELLED: SENDER},
    S.WAITLISTED: {S.SENT: SYSTEM, S.ACCEPTED: PARTNER, S.DECLINED: PARTNER, S.CANCELLED: SENDER},
    S.ACCEPTED: {S.ENROLLED: PARTNER, S.DROPPED_OUT: PARTNER, S.CANCELLED: SENDER},
    S.ENROLLED: {S.COMPLETED: PARTNER, S.DROPPED_OUT: PARTNER},
}
DEFAULT_ANSWER_DAYS = 7
# Online courses: enrolment and completion come with evidence (a date; for completion a certificate number or an
# Open Badge or certificate link), which whoever holds it records: the sending centre, the partner or the client
# on their own page (`record_course_evidence_as_*`). The moves are those of `ALLOWED`, made by more sides.
ENROLLED, COMPLETED = "enrolled", "completed"  # the steps of `record_course_evidence`
EVIDENCE_MOVES: dict[str, dict[str, frozenset[str]]] = {
    S.ACCEPTED: {S.ENROLLED: frozenset({SENDER, PARTNER, CLIENT})},
    S.ENROLLED: {S.COMPLETED: frozenset({SENDER, PARTNER, CLIENT})},
}


class TransitionRefused(DomainError):
    """The referral cannot move to that status from where it is, or not by this side."""


def partner_moves(referral: Referral) -> list[str]:
    """The statuses a partner may move this referral to now."""
    return [to for to, side in ALLOWED.get(referral.status, {}).items() if side == PARTNER]


def seats_taken(service: Service) -> int:
    with unscoped():
        return Referral.objects.filter(service=service, status__in=SEAT_STATUSES).count()


def is_full(service: Service) -> bool:
    return service.capacity is not None and seats_taken(service) >= service.capacity


# --- Directory ---------------------------------------------------------------------------


def _require_directory_editor(access: Access, country_id: str) -> None:
    if country_id not in access.countries_of(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR):
        raise NotAllowed(_("You can only maintain the directory of your own country."))


@transaction.atomic(durable=True)
def save_organization(
    *, access: Access, actor: User, organization: Organization | None = None, **data: Any
) -> Organization:
    """Create or change a partner organisation of the user's country (managers and coordinators)."""
    _require_directory_editor(access, data["country"].pk)
    if organization is not None:
        _require_directory_editor(access, organization.country_id)
    organization = organization or Organization()
    for key, value in data.items():
        setattr(organization, key, value)
    organization.save()
    record_event(actor=actor, action=ReferralsAudit.ORGANIZATION_SAVED, target=organization)
    return organization


@transaction.atomic(durable=True)
def add_location(
    *, access: Access, actor: User, organization: Organization, name: str, city: str, address: str = ""
) -> Location:
    """Add a place where the organisation delivers services, in its own country."""
    _require_directory_editor(access, organization.country_id)
    location = Location.objects.create(
        organization=organization, name=name, city=city, address=address, country_id=organization.country_id
    )
    record_event(actor=actor, action=ReferralsAudit.LOCATION_ADDED, target=location)
    return location


# The service's texts that can be given in every interface language.
SERVICE_TRANSLATED_FIELDS = ("name", "description")


@transaction.atomic(durable=True)
def save_service(
    *,
    access: Access,
    actor: User,
    service: Service | None = None,
    locations: list[Location] | None = None,
    translations: dict[str, dict[str, Any]] | None = None,
    **data: Any,
) -> Service:
    """Create or change a service of an organisation in the user's country, with its name and description in
    other languages (`portal.i18n_content`; None leaves those as they are)."""
    organization: Organization = data["organization"]
    _require_directory_editor(access, organization.country_id)
    if service is not None:
        _require_directory_editor(access, service.country_id)
    min_age, max_age = data.get("min_age"), data.get("max_age")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise DomainError(_("The minimum age is above the maximum age."), field="max_age")
    service = service or Service()
    for key, value in data.items():
        setattr(service, key, value)
    service.country_id = organization.country_id
    if translations is not None:
        service.translations = clean_translations(translations, SERVICE_TRANSLATED_FIELDS)
    service.save()
    if locations is not None:
        if any(location.organization_id != organization.pk for location in locations):
            raise DomainError(_("Choose places of this organisation."), field="locations")
        ServiceAtLocation.objects.filter(service=service).delete()
        ServiceAtLocation.objects.bulk_create([ServiceAtLocation(service=service, location=loc) for loc in locations])
    record_event(actor=actor, action=ReferralsAudit.SERVICE_SAVED, target=service)
    return service


# --- Referrals -----------------------------------------------------------------------------


def _age(case: CaseFile, today: dt.date) -> int | None:
    client = case.client
    if client.birth_date:
        born = client.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return today.year - client.birth_year if client.birth_year else None


def _check_eligible(case: CaseFile, service: Service) -> None:
    today = timezone.localdate()
    if not service.is_active:
        raise DomainError(_("This service is not offered any more."), field="service")
    if not service.serves_country(case.centre.country_id):
        raise DomainError(
            _("This service is in another country and does not serve clients from here."), field="service"
        )
    if service.application_deadline and service.application_deadline < today:
        raise DomainError(_("The application deadline of this service has passed."), field="service")
    age = _age(case, today)
    if age is not None and (
        (service.min_age is not None and age < service.min_age)
        or (service.max_age is not None and age > service.max_age)
    ):
        raise DomainError(_("The client's age is outside the age range of this service."), field="service")


@transaction.atomic(durable=True)
def create_referral(
    *,
    access: Access,
    actor: User,
    case: CaseFile,
    service: Service,
    reason: str,
    urgency: str = "routine",
    shared_fields: list[str] | None = None,
    due_on: dt.date | None = None,
    send: bool = True,
    consent: ConsentAnswer | None = None,
) -> Referral:
    """Refer the case's client to a service; sent at once unless kept as a draft.

    Refused without the client's consent to share with this organisation,
    for a service that does not serve the client's country or age, on a
    closed case, and when an open referral of this case to this service
    exists (a double submission makes one referral, not two). Without a
    consent on record, the counsellor records the client's answer in the same
    step (`consent`): agreed, it is recorded as the consent form would
    (`counselling.services.record_consent_within`: the same checks, timeline
    line and audit) in this referral's transaction; declined, nothing is saved.
    """
    if case.centre_id not in access.centre_ids(*CASEWORK_ROLES):
        raise NotAllowed(_("This case file does not exist."))
    if case.status == CaseStatus.CLOSED:
        raise DomainError(_("This case is closed. Reopen it before adding to it."))
    _check_eligible(case, service)
    if not has_consent(case.client, ConsentPurpose.SHARE_WITH_PARTNER, service.organization):
        _record_consent_given_now(access, actor, case, service, consent)
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        raise DomainError(_("The answer cannot be expected in the past."), field="due_on")
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                case=case,
                centre_id=case.centre_id,
                service=service,
                organization_id=service.organization_id,
                created_by=actor,
                reason=reason,
                urgency=urgency,
                shared_fields=shared_fields or [],
                due_on=due_on or today + dt.timedelta(days=DEFAULT_ANSWER_DAYS),
            )
    except IntegrityError as exc:
        raise DomainError(_("This client already has an open referral to this service.")) from exc
    _log(referral, actor, Channel.STAFF, "", S.DRAFT, "")
    record_event(actor=actor, action=ReferralsAudit.REFERRAL_CREATED, target=referral, centre=case.centre_id)
    if send:
        referral = send_referral(access=access, actor=actor, referral=referral)
    return referral


@dataclass(frozen=True)
class ConsentAnswer:
    """What the client said, asked in the referral form, about sharing with the service's organisation."""

    agrees: bool
    method: str = ""
    legal_basis: str = "consent"
    witness: str = ""


def _record_consent_given_now(
    access: Access, actor: User, case: CaseFile, service: Service, consent: ConsentAnswer | None
) -> None:
    organisation = service.organization
    if consent is None:
        withdrawn = last_withdrawal(case.client, ConsentPurpose.SHARE_WITH_PARTNER, organisation)
        if withdrawn is not None:
            message = _(
                "The client withdrew the consent to share data with %(organisation)s on %(date)s. Record their "
                "answer below only if they agree again."
            ) % {
                "organisation": organisation.name,
                "date": date_format(timezone.localtime(withdrawn.withdrawn_at), "SHORT_DATE_FORMAT"),
            }
        else:
            message = _(
                "The client has not yet agreed to share data with %(organisation)s. Ask them and record their "
                "answer below."
            ) % {"organisation": organisation.name}
        raise ConsentMissing(message, field="consent_answer")
    if not consent.agrees:
        raise ConsentMissing(
            _(
                "The client does not agree to share data with %(organisation)s, so the referral cannot be made. "
                "Nothing was saved or shared."
            )
            % {"organisation": organisation.name},
            field="consent_answer",
        )
    if not consent.method:
        raise DomainError(_("Say how the client gave the consent."), field="consent_method")
    try:
        record_consent_within(
            access=access,
            actor=actor,
            client=case.client,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
            organisation=organisation,
            method=consent.method,
            legal_basis=consent.legal_basis,
            witness=consent.witness,
        )
    except DomainError as error:
        raise DomainError(error.message, field=f"consent_{error.field}" if error.field else None) from error


@transaction.atomic  # not durable: `create_referral` sends within its own transaction
def send_referral(*, access: Access, actor: User, referral: Referral) -> Referral:
    """Send a draft: to the waiting list when the service is full. The partner hears of it after commit."""
    _require_sender(access, referral)
    locked = _lock(referral)
    if locked.status != S.DRAFT:
        raise TransitionRefused(_("This referral was already sent."))
    require_consent(locked.case.client, ConsentPurpose.SHARE_WITH_PARTNER, locked.organization)
    to_status = S.WAITLISTED if is_full(locked.service) else S.SENT
    # A fresh nonce: no token minted while the referral was a draft (none should exist) can answer it.
    extra = {"sent_at": timezone.now(), "link_nonce": new_link_nonce()}
    _move(locked, to_status, actor=actor, channel=Channel.STAFF, extra=extra)
    _notify_partner(locked.pk, f"referral-sent:{locked.public_id}")
    return locked


def _notify_partner(referral_id: int, key: str) -> None:
    """E-mail the partner after commit, through the outbox (kept when the broker is down, sent once per `key`)."""
    outbox.enqueue("referrals.tasks.send_referral_to_partner_task", kwargs={"referral_id": referral_id}, key=key)


@transaction.atomic(durable=True)
def cancel_referral(*, access: Access, actor: User, referral: Referral, note: str = "") -> Referral:
    """The sending centre withdraws a referral that has not been taken up yet."""
    _require_sender(access, referral)
    return _transition(referral, S.CANCELLED, side=SENDER, actor=actor, channel=Channel.STAFF, note=note)


@transaction.atomic(durable=True)
def resend_link(*, access: Access, actor: User, referral: Referral) -> Referral:
    """Send the partner a new link; every older link stops working."""
    _require_sender(access, referral)
    locked = _lock(referral)
    if locked.is_final or locked.status == S.DRAFT:
        raise TransitionRefused(_("Only an open, sent referral can get a new link."))
    nonce = new_link_nonce()
    with unscoped():
        Referral.objects.filter(pk=locked.pk).update(link_nonce=nonce)
    record_event(actor=actor, action=ReferralsAudit.LINK_RENEWED, target=locked, centre=locked.centre_id)
    _notify_partner(locked.pk, f"referral-link:{locked.public_id}:{nonce}")  # one e-mail per new link
    return locked


def answer_as_partner(
    *,
    access: Access,
    actor: User,
    referral: Referral,
    to_status: str,
    note: str = "",
    outcome: str = "",
) -> Referral:
    """A signed-in user of the receiving organisation moves the referral."""
    if referral.organization_id not in access.organisation_ids():
        raise NotAllowed(_("This referral does not exist."))
    return _partner_move(referral, to_status, actor=actor, channel=Channel.PARTNER_ACCOUNT, note=note, outcome=outcome)


def answer_by_link(*, referral: Referral, to_status: str, note: str = "", outcome: str = "") -> Referral:
    """Someone holding a valid link (checked by `referrals.links.check_token`) moves the referral."""
    return _partner_move(referral, to_status, actor=None, channel=Channel.PARTNER_LINK, note=note, outcome=outcome)


@transaction.atomic(durable=True)
def _partner_move(
    referral: Referral, to_status: str, *, actor: User | None, channel: str, note: str, outcome: str
) -> Referral:
    if to_status == S.DECLINED and not note.strip():
        raise DomainError(_("Say why the referral is declined."), field="note")
    if to_status == S.COMPLETED and outcome not in Outcome.values:
        raise DomainError(_("Choose the outcome."), field="outcome")
    if to_status == S.ACCEPTED:
        locked_service = Service.objects.select_for_update().get(pk=referral.service_id)
        if is_full(locked_service):
            raise TransitionRefused(_("The service is full. The referral stays on the waiting list."))
    extra: dict[str, Any] = {}
    if to_status in (S.COMPLETED, S.DROPPED_OUT) and outcome:
        extra["outcome"] = outcome
    if to_status == S.DECLINED:
        extra["decline_reason"] = note
    return _transition(referral, to_status, side=PARTNER, actor=actor, channel=channel, note=note, extra=extra)


# --- Online courses: enrolment and completion with evidence ------------------------------------------------


@dataclass(frozen=True)
class CourseEvidence:
    """What was entered: the step (`ENROLLED` or `COMPLETED`), its date, and for completion the certificate."""

    step: str
    on: dt.date
    certificate_number: str = ""
    certificate_url: str = ""


_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def certificate_link_problem(value: str) -> str | None:
    """The translated problem with a certificate or Open Badge link, or None when it is a web address (http or
    https: never javascript:, data:, ftp: or bare text)."""
    problem = _("The certificate link must be a web address that starts with https:// or http://.")
    if any(char.isspace() for char in value) or check_text(value, multiline=False) is not None:
        return problem
    if urlsplit(value).scheme.lower() not in ("http", "https"):
        return problem
    try:
        _WEB_ADDRESS(value)
    except ValidationError:
        return problem
    return None


def evidence_steps(referral: Referral) -> list[str]:
    """The steps that can be recorded on this referral now: none unless it is an accepted or enrolled online
    course."""
    if referral.service.category != ServiceCategory.ONLINE_COURSE:
        return []
    if referral.status == S.ACCEPTED:
        return [ENROLLED, COMPLETED]
    if referral.status == S.ENROLLED:
        return [COMPLETED]
    return []


def record_course_evidence_as_sender(
    *, access: Access, actor: User, referral: Referral, evidence: CourseEvidence
) -> Referral:
    """A caseworker of the sending centre records the client's enrolment in, or completion of, an online course."""
    _require_sender(access, referral)
    return _record_course_evidence(referral, evidence, side=SENDER, actor=actor, channel=Channel.STAFF)


def record_course_evidence_as_partner(
    *, access: Access, actor: User, referral: Referral, evidence: CourseEvidence
) -> Referral:
    """A signed-in user of the receiving organisation records enrolment or completion of its online course."""
    if referral.organization_id not in access.organisation_ids():
        raise NotAllowed(_("This referral does not exist."))
    return _record_course_evidence(referral, evidence, side=PARTNER, actor=actor, channel=Channel.PARTNER_ACCOUNT)


def record_course_evidence_as_client(
    *, access: Access, actor: User, referral: Referral, evidence: CourseEvidence
) -> Referral:
    """The client records, on their own page, their enrolment in or completion of the online course they were
    referred to. Only the client whose record is linked to the signed-in account (`Client.portal_account`)."""
    with unscoped():
        owner = (
            CaseFile.objects.filter(pk=referral.case_id, client__anonymised_at__isnull=True)
            .values_list("client__portal_account_id", flat=True)
            .first()
        )
    if access.user_id is None or owner != access.user_id or actor.pk != access.user_id:
        raise NotAllowed(_("This referral does not exist."))
    if referral.status == S.DRAFT:
        raise NotAllowed(_("This referral does not exist."))
    return _record_course_evidence(referral, evidence, side=CLIENT, actor=actor, channel=Channel.RETURNEE)


@transaction.atomic(durable=True)
def _record_course_evidence(
    referral: Referral, evidence: CourseEvidence, *, side: str, actor: User, channel: str
) -> Referral:
    """Check the evidence against the referral (locked), then make the moves through `_transition`: enrolment
    moves an accepted referral to enrolled; completion moves an enrolled one to completed (an accepted one
    through enrolled first, two lines of history), with the outcome "certificate obtained". Each move writes
    its history, timeline and audit lines; the evidence gets its own audit line. Refused, nothing changes."""
    locked = _lock(referral)
    _check_evidence(locked, evidence)
    if evidence.step == ENROLLED:
        extra: dict[str, Any] = {"enrolled_on": evidence.on}
        locked = _transition(locked, S.ENROLLED, side=side, actor=actor, channel=channel, extra=extra, evidence=True)
    else:
        if locked.status == S.ACCEPTED:
            locked = _transition(locked, S.ENROLLED, side=side, actor=actor, channel=channel, evidence=True)
        extra = {
            "completed_on": evidence.on,
            "certificate_number": evidence.certificate_number.strip(),
            "certificate_url": _normalised_link(evidence.certificate_url),
            "outcome": Outcome.CERTIFICATE,
        }
        locked = _transition(locked, S.COMPLETED, side=side, actor=actor, channel=channel, extra=extra, evidence=True)
    record_event(
        actor=actor,
        action=ReferralsAudit.COURSE_EVIDENCE_RECORDED,
        target=locked,
        centre=locked.centre_id,
        details={
            "step": evidence.step,
            "on": evidence.on.isoformat(),
            "channel": channel,
            "certificate_number": bool(evidence.certificate_number.strip()),
            "certificate_url": bool(evidence.certificate_url.strip()),
        },
    )
    return locked


def _normalised_link(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    return parts._replace(scheme=parts.scheme.lower()).geturl()


def _check_evidence(referral: Referral, evidence: CourseEvidence) -> None:
    if referral.service.category != ServiceCategory.ONLINE_COURSE:
        raise DomainError(_("Enrolment and completion with evidence are recorded for online courses only."))
    if referral.status in (S.DECLINED, S.CANCELLED, S.DROPPED_OUT):
        raise TransitionRefused(
            _("This referral is closed (%(status)s): nothing can be recorded on it any more.")
            % {"status": S(referral.status).label}
        )
    if referral.status == S.COMPLETED:
        raise TransitionRefused(_("The completion of this course is already recorded."))
    if referral.status not in EVIDENCE_MOVES:
        raise TransitionRefused(
            _(
                "The organisation has not accepted this referral yet. Enrolment and completion can be recorded "
                "once it is accepted."
            )
        )
    if evidence.step not in (ENROLLED, COMPLETED):
        raise DomainError(_("Choose what to record: the enrolment or the completion."), field="step")
    if evidence.step == ENROLLED and referral.status == S.ENROLLED:
        raise TransitionRefused(_("The enrolment in this course is already recorded."), field="step")
    today = timezone.localdate()
    if evidence.on > today:
        raise DomainError(_("The date cannot be in the future."), field="on")
    sent_on = timezone.localdate(referral.sent_at) if referral.sent_at else None
    if sent_on and evidence.on < sent_on:
        raise DomainError(
            _("The date cannot be before the referral was sent (%(date)s).")
            % {"date": date_format(sent_on, "SHORT_DATE_FORMAT")},
            field="on",
        )
    if evidence.step == COMPLETED and referral.enrolled_on and evidence.on < referral.enrolled_on:
        raise DomainError(
            _("The completion cannot be before the enrolment (%(date)s).")
            % {"date": date_format(referral.enrolled_on, "SHORT_DATE_FORMAT")},
            field="on",
        )
    link = evidence.certificate_url.strip()
    if link:
        problem = certificate_link_problem(link)
        if problem:
            raise DomainError(problem, field="certificate_url")
    if evidence.step == COMPLETED and not (evidence.certificate_number.strip() or link):
        raise DomainError(
            _("Give the certificate number, the link to the certificate or Open Badge, or both."),
            field="certificate_number",
        )


def _require_sender(access: Access, referral: Referral) -> None:
    if referral.centre_id not in access.centre_ids(*CASEWORK_ROLES):
        raise NotAllowed(_("This referral does not exist."))


def _lock(referral: Referral) -> Referral:
    with unscoped():
        return (
            Referral.objects.select_for_update()
            .select_related("case__client", "service", "organization")
            .get(pk=referral.pk)
        )


def _transition(
    referral: Referral,
    to_status: str,
    *,
    side: str,
    actor: User | None,
    channel: str,
    note: str = "",
    extra: dict[str, Any] | None = None,
    evidence: bool = False,
) -> Referral:
    """Move the (locked) referral if `side` may: as `ALLOWED` says, or, with `evidence` of an online course,
    as `EVIDENCE_MOVES` says."""
    locked = _lock(referral)
    allowed = ALLOWED.get(locked.status, {})
    by_evidence = (
        evidence
        and locked.service.category == ServiceCategory.ONLINE_COURSE
        and side in EVIDENCE_MOVES.get(locked.status, {}).get(to_status, frozenset())
    )
    if allowed.get(to_status) != side and not by_evidence:
        raise TransitionRefused(
            _("A referral that is “%(current)s” cannot be set to “%(target)s”.")
            % {"current": S(locked.status).label, "target": S(to_status).label}
        )
    held_seat = locked.status in SEAT_STATUSES
    _move(locked, to_status, actor=actor, channel=channel, note=note, extra=extra or {})
    if held_seat and to_status not in SEAT_STATUSES:
        _promote_waitlist(locked.service)
    return locked


def _move(
    referral: Referral,
    to_status: str,
    *,
    actor: User | None,
    channel: str,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    from_status = referral.status
    fields: dict[str, Any] = {"status": to_status, "updated_at": timezone.now(), **(extra or {})}
    if to_status in (S.DECLINED, S.COMPLETED, S.DROPPED_OUT, S.CANCELLED):
        fields["closed_at"] = timezone.now()
    with unscoped():
        Referral.objects.filter(pk=referral.pk).update(version=F("version") + 1, **fields)
    for key, value in fields.items():
        setattr(referral, key, value)
    _log(referral, actor, channel, from_status, to_status, note)
    record_event(
        actor=actor,
        action=ReferralsAudit.REFERRAL_STATUS_CHANGED,
        target=referral,
        centre=referral.centre_id,
        details={"from": from_status, "to": to_status, "channel": channel},
    )


def _log(referral: Referral, actor: User | None, channel: str, from_status: str, to_status: str, note: str) -> None:
    ReferralEvent.objects.create(
        referral=referral, actor=actor, channel=channel, from_status=from_status, to_status=to_status, note=note
    )
    CaseEvent.objects.create(
        case_id=referral.case_id,
        actor=actor,
        kind="referral.status",
        params={"code": referral.code, "service": referral.service.name, "status": to_status},
    )


def _promote_waitlist(service: Service) -> None:
    """A seat came free: the longest-waiting referral to the service is sent to the partner."""
    locked_service = Service.objects.select_for_update().get(pk=service.pk)
    if is_full(locked_service):
        return
    with unscoped():
        waiting = (
            Referral.objects.select_for_update(skip_locked=True)
            .select_related("service")
            .filter(service=service, status=S.WAITLISTED)
            .order_by("sent_at", "pk")
            .first()
        )
    if waiting is not None:
        _move(waiting, S.SENT, actor=None, channel=Channel.SYSTEM, note="")
        _notify_partner(waiting.pk, f"referral-promoted:{waiting.public_id}")


def follow_transferred_case(*, transfer: Any, **kwargs: Any) -> int:
    """Receiver of `counselling.signals.case_transferred`: the case's open referrals move to the receiving
    centre with it, so that its staff see the partners' answers (and the old centre, which can no longer open
    the case, stops hearing of them). Closed referrals stay where they were made. Runs in the transfer's
    transaction."""
    with unscoped():
        return (
            Referral.objects.filter(case_id=transfer.case_id)
            .exclude(status__in=FINAL_STATUSES)
            .update(centre_id=transfer.to_centre_id, updated_at=timezone.now())
        )
