"""Reads of the returnee portal. Everything here is the returnee's own data, or derived from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from cms.returnees.models import ReturneeConsent, ReturneeProfile, SavedOpportunity
from portal.access import Access, unscoped
from portal.i18n_content import translated

if TYPE_CHECKING:
    from counselling.models import AppointmentRequest, Client
    from jobfairs.models import Registration
    from referrals.models import Referral


def get_profile(*, access: Access) -> ReturneeProfile | None:
    return ReturneeProfile.objects.visible_to(access).first()


def list_consents(*, access: Access) -> QuerySet[ReturneeConsent]:
    """Every consent the person gave, with its withdrawal if any (the history, oldest first)."""
    return ReturneeConsent.objects.visible_to(access).order_by("given_at", "pk")


def shares_with_employers(*, access: Access) -> bool:
    """Whether any job-fair employer may see this person now (see `jobfairs.selectors`)."""
    from jobfairs.selectors import shares_with_employers as jobfair_sharing

    return jobfair_sharing(access=access)


def list_saved(*, access: Access) -> QuerySet[SavedOpportunity]:
    """Saved services, fairs and vacancies, newest first: one query, whatever their number."""
    return (
        SavedOpportunity.objects.visible_to(access)
        .select_related("service__organization", "service__country", "fair__country", "vacancy__employer")
        .order_by("-created_at", "-pk")
    )


def saved_keys(*, access: Access) -> set[tuple[str, int]]:
    """("service", pk), ("fair", pk), ("vacancy", pk) of everything saved: for the Save buttons of a listing."""
    keys: set[tuple[str, int]] = set()
    for service_id, fair_id, vacancy_id in SavedOpportunity.objects.visible_to(access).values_list(
        "service_id", "fair_id", "vacancy_id"
    ):
        if service_id:
            keys.add(("service", service_id))
        elif fair_id:
            keys.add(("fair", fair_id))
        else:
            keys.add(("vacancy", vacancy_id))
    return keys


def list_appointment_requests(*, access: Access) -> QuerySet[AppointmentRequest]:
    from counselling.models import AppointmentRequest

    if access.user_id is None:
        return AppointmentRequest.objects.none()
    return (
        AppointmentRequest.objects.visible_to(access)
        .filter(user_id=access.user_id)
        .select_related("centre")
        .order_by("-created_at")
    )


def get_linked_client(*, access: Access) -> Client | None:
    """The client record linked to this account, if any (only to know whose referrals to show)."""
    from counselling.models import Client

    if not access.is_authenticated:
        return None
    with unscoped():
        return (
            Client.objects.filter(portal_account_id=access.user_id, anonymised_at__isnull=True)
            .only("pk", "centre_id", "portal_account_id")
            .select_related(None)
            .first()
        )


@dataclass(frozen=True)
class ReferralStatusLine:
    service: str
    organisation: str
    text: str
    status: str
    updated_at: datetime
    public_id: UUID | None = None
    # An online course: the evidence of enrolment and completion, and whether the person can record it now.
    is_online_course: bool = False
    can_record: bool = False
    enrolled_on: date | None = None
    completed_on: date | None = None
    certificate_number: str = ""
    certificate_url: str = ""

    @property
    def has_course_evidence(self) -> bool:
        return bool(self.enrolled_on or self.completed_on or self.certificate_number or self.certificate_url)


def plain_status(referral: Referral) -> str:
    """A referral's status in words a returnee understands; never a note, a reason or a name of staff."""
    from referrals.models import ReferralStatus

    organisation = referral.organization.name
    status = referral.status
    if status == ReferralStatus.SENT:
        return _("Sent to %(organisation)s – waiting for their answer") % {"organisation": organisation}
    if status == ReferralStatus.WAITLISTED:
        return _("%(organisation)s has put you on their waiting list") % {"organisation": organisation}
    if status == ReferralStatus.ACCEPTED:
        if referral.service.starts_on:
            date = formats.date_format(referral.service.starts_on, "DATE_FORMAT")
            return _("Accepted – you can start on %(date)s") % {"date": date}
        return _("Accepted – %(organisation)s will tell you when you can start") % {"organisation": organisation}
    if status == ReferralStatus.DECLINED:
        return _(
            "%(organisation)s cannot take you this time – your counsellor will talk with you about other options"
        ) % {"organisation": organisation}
    if status == ReferralStatus.ENROLLED:
        return _("You are taking part")
    if status == ReferralStatus.COMPLETED:
        return _("Completed")
    if status == ReferralStatus.DROPPED_OUT:
        return _("Ended before the end of the programme")
    return _("Cancelled")


# What a returnee's referral lines read of the referral, its service and organisation (nothing else: never the
# reason, a note or a name of staff).
_LINE_FIELDS = (
    "public_id",
    "case",
    "status",
    "updated_at",
    "enrolled_on",
    "completed_on",
    "certificate_number",
    "certificate_url",
    "service__name",
    "service__translations",
    "service__starts_on",
    "service__category",
    "service__url",
    "organization__name",
)


def status_line(referral: Referral) -> ReferralStatusLine:
    """A referral as its client sees it: the service, the organisation, the status in plain words, an online
    course's evidence."""
    from referrals.models import ServiceCategory
    from referrals.services import evidence_steps

    return ReferralStatusLine(
        service=translated(referral.service, "name").text,
        organisation=referral.organization.name,
        text=plain_status(referral),
        status=referral.status,
        updated_at=referral.updated_at,
        public_id=referral.public_id,
        is_online_course=referral.service.category == ServiceCategory.ONLINE_COURSE,
        can_record=bool(evidence_steps(referral)),
        enrolled_on=referral.enrolled_on,
        completed_on=referral.completed_on,
        certificate_number=referral.certificate_number,
        certificate_url=referral.certificate_url,
    )


def _my_referrals(client: Client) -> QuerySet[Referral]:
    from referrals.models import Referral, ReferralStatus

    return (
        Referral.objects.filter(case__client_id=client.pk)
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("service", "organization")
        .only(*_LINE_FIELDS)
    )


def list_my_referrals(*, access: Access, client: Client | None = None) -> list[ReferralStatusLine]:
    """The referrals made for the client record linked to this account, in plain words (drafts left out)."""
    client = client or get_linked_client(access=access)
    if client is None:
        return []
    with unscoped():
        return [status_line(referral) for referral in _my_referrals(client).order_by("-updated_at")]


def get_my_referral(*, access: Access, public_id: UUID) -> Referral | None:
    """One referral (not a draft) made for the client record linked to this account, with what its page shows;
    None for anyone else's, a draft, or an unknown id (the page answers 404 for all three)."""
    client = get_linked_client(access=access)
    if client is None:
        return None
    with unscoped():
        return _my_referrals(client).filter(public_id=public_id).first()


@dataclass(frozen=True)
class Dashboard:
    registrations: list[Registration]
    saved: list[SavedOpportunity]
    appointments: list[AppointmentRequest]
    referrals: list[ReferralStatusLine]
    linked: bool


def dashboard(*, access: Access) -> Dashboard:
    """Everything on "My page": a fixed number of queries, whatever the number of rows."""
    from jobfairs.selectors import list_my_registrations

    client = get_linked_client(access=access)
    return Dashboard(
        registrations=list(list_my_registrations(access=access)[:20]),
        saved=list(list_saved(access=access)[:20]),
        appointments=list(list_appointment_requests(access=access)[:20]),
        referrals=list_my_referrals(access=access, client=client) if client else [],
        linked=client is not None,
    )
