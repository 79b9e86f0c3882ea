"""Reads of the referrals app, already scoped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet, Value
from django.utils import timezone

from counselling.consent import has_consent
from counselling.models import ConsentPurpose, Education, Sex
from portal.access import CASEWORK_ROLES, Access, get_visible_or_404
from portal.i18n_content import translated
from referrals.models import (
    AWAITING_ANSWER,
    FINAL_STATUSES,
    LINKED_STATUSES,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Service,
    ServiceCategory,
    SharedField,
)

BOARD_PAGE = 50
OPEN_STATUSES = tuple(s for s in ReferralStatus.values if s not in FINAL_STATUSES)
# What the board and inbox rows show, read as columns of the referral (no case, client, service or organisation
# objects are built for a list row): label -> path.
_ROW_FIELDS = ("public_id", "code", "status", "due_on")
BOARD_COLUMNS = {
    "client_code": "case__client__code",
    "client_given_name": "case__client__given_name",
    "client_family_name": "case__client__family_name",
    "service_public_id": "service__public_id",
    "service_name": "service__name",
    "service_translations": "service__translations",
    "organization_name": "organization__name",
}
INBOX_COLUMNS = {
    "service_name": "service__name",
    "service_translations": "service__translations",
    "centre_name": "centre__name",
}


@dataclass(frozen=True)
class Cursor:
    """Where a page of the board or inbox ends: (overdue group, due date, id) of its last row (keyset pagination)."""

    group: int  # 0: overdue, 1: the rest
    due_on: dt.date
    pk: int

    def __str__(self) -> str:
        return f"{self.group}.{self.due_on.isoformat()}.{self.pk}"

    @classmethod
    def parse(cls, value: str | None) -> Cursor | None:
        """The cursor of an `after` parameter; None (the first page) when it is missing or not one of ours."""
        try:
            group, due_on, pk = (value or "").split(".")
            cursor = cls(int(group), dt.date.fromisoformat(due_on), int(pk))
        except ValueError:
            return None
        return cursor if cursor.group in (0, 1) and cursor.pk > 0 else None


@dataclass(frozen=True)
class KeysetPage:
    """One page of referrals, overdue first, then by due date; `next_cursor` is None on the last page."""

    rows: list[Referral]
    next_cursor: Cursor | None
    is_first: bool

    def __iter__(self) -> Iterator[Referral]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _overdue_first_page(
    scoped: QuerySet[Referral],
    statuses: Iterable[str],
    *,
    after: Cursor | None,
    columns: dict[str, str],
) -> KeysetPage:
    """Overdue first (awaiting an answer and past due), then by due date and id, one page after ``after``.

    No COUNT and no OFFSET: each (status, overdue) branch reads at most one page from the index
    (centre or organisation, status, due_on, id) in order, the union keeps the first page of them
    (one query), and the rows of that page are read with their relations (a second query).
    """
    today = timezone.localdate()
    limit = BOARD_PAGE + 1
    branches = []
    for status in statuses:
        groups = [(0, Q(due_on__lt=today)), (1, Q(due_on__gte=today))] if status in AWAITING_ANSWER else [(1, Q())]
        for group, condition in groups:
            if after and group < after.group:
                continue
            branch = scoped.filter(condition, status=status)
            if after and group == after.group:
                branch = branch.filter(due_on__gte=after.due_on).filter(Q(due_on__gt=after.due_on) | Q(pk__gt=after.pk))
            branch = branch.annotate(group=Value(group, output_field=IntegerField()))
            branches.append(branch.order_by("due_on", "pk").values_list("group", "due_on", "pk")[:limit])
    if not branches:
        return KeysetPage(rows=[], next_cursor=None, is_first=after is None)
    keys = branches[0] if len(branches) == 1 else branches[0].union(*branches[1:], all=True)
    keys = list(keys.order_by("group", "due_on", "pk")[:limit]) if len(branches) > 1 else list(keys)
    page_keys = keys[:BOARD_PAGE]
    rows = (
        scoped.filter(pk__in=[pk for _, _, pk in page_keys])
        .only(*_ROW_FIELDS)
        .annotate(**{label: F(path) for label, path in columns.items()})
        .in_bulk()
        if page_keys
        else {}
    )
    ordered = []
    for group, _, pk in page_keys:
        referral = rows.get(pk)
        if referral is None:  # deleted between the two reads
            continue
        referral.overdue = group == 0
        if "client_given_name" in columns:  # as Client.display_name
            referral.client_display_name = f"{referral.client_given_name} {referral.client_family_name}".strip()
        ordered.append(referral)
    next_cursor = Cursor(*page_keys[-1]) if len(keys) > BOARD_PAGE else None
    return KeysetPage(rows=ordered, next_cursor=next_cursor, is_first=after is None)


def list_board(*, access: Access, status: str = "", service_id: Any = None, after: Cursor | None = None) -> KeysetPage:
    """One page of the referrals the user's centres sent, overdue first, filtered by status and service."""
    referrals = Referral.objects.visible_to(access).filter(centre_id__in=access.centre_ids(*CASEWORK_ROLES))
    if service_id:
        referrals = referrals.filter(service__public_id=service_id)
    statuses = [status] if status else OPEN_STATUSES
    return _overdue_first_page(referrals, statuses, after=after, columns=BOARD_COLUMNS)


def list_inbox(*, access: Access, status: str = "", after: Cursor | None = None) -> KeysetPage:
    """One page of the referrals sent to the user's organisations (never drafts), overdue first."""
    referrals = Referral.objects.visible_to(access).filter(organization_id__in=access.organisation_ids())
    statuses = [status] if status else OPEN_STATUSES
    statuses = [s for s in statuses if s in ReferralStatus.values and s != ReferralStatus.DRAFT]
    return _overdue_first_page(referrals, statuses, after=after, columns=INBOX_COLUMNS)


def get_sent_referral(*, access: Access, public_id: Any) -> Referral:
    """A referral of one of the user's centres, or 404."""
    return get_visible_or_404(
        Referral.objects.visible_to(access)
        .filter(centre_id__in=access.centre_ids(*CASEWORK_ROLES))
        .select_related("case__client", "service", "organization", "centre", "created_by"),
        public_id=public_id,
    )


def get_referral_with_slip(*, access: Access, public_id: Any) -> Referral:
    """A referral of one of the user's centres that has a partner link (sent and still open), or 404.

    A draft has not left the centre: it has no link, so it has no slip either.
    """
    return get_visible_or_404(
        Referral.objects.visible_to(access)
        .filter(centre_id__in=access.centre_ids(*CASEWORK_ROLES), status__in=LINKED_STATUSES)
        .select_related("case__client", "service", "organization", "centre", "created_by"),
        public_id=public_id,
    )


def get_received_referral(*, access: Access, public_id: Any) -> Referral:
    """A referral sent to one of the user's organisations, or 404."""
    return get_visible_or_404(
        Referral.objects.visible_to(access)
        .filter(organization_id__in=access.organisation_ids())
        .exclude(status="draft")
        .select_related("case__client", "service", "organization", "centre", "created_by"),
        public_id=public_id,
    )


def list_case_referrals(*, access: Access, case: Any) -> list[Referral]:
    """The referrals of a case the user may see, newest first, with their service and organisation and the
    evidence of an online course (columns of the referral): one query, whatever their number."""
    return list(
        Referral.objects.visible_to(access)
        .filter(case_id=case.pk, centre_id__in=access.centre_ids(*CASEWORK_ROLES))
        .select_related("service", "organization")
        .order_by("-created_at", "-pk")
    )


def list_events(*, referral: Referral) -> list[ReferralEvent]:
    return list(referral.events.select_related("actor").order_by("occurred_at", "pk"))


@dataclass(frozen=True)
class SharedProfile:
    consent_active: bool
    rows: list[tuple[str, str]]


def shared_profile(referral: Referral) -> SharedProfile:
    """What the partner may see of the client: the fields chosen at referral, while consent lasts."""
    client = referral.case.client
    if not has_consent(client, ConsentPurpose.SHARE_WITH_PARTNER, referral.organization):
        return SharedProfile(consent_active=False, rows=[])
    rows: list[tuple[str, str]] = []
    labels = dict(SharedField.choices)
    for field in referral.shared_fields:
        if field == SharedField.NAME:
            value = " · ".join(v for v in (client.display_name, client.name_native) if v)
        elif field == SharedField.PHONE:
            value = client.phone
        elif field == SharedField.BIRTH_YEAR:
            value = str(client.age_or_year or "")
        elif field == SharedField.SEX:
            value = str(Sex(client.sex).label) if client.sex in Sex.values else ""
        elif field == SharedField.EDUCATION:
            value = str(Education(client.education).label) if client.education in Education.values else ""
        elif field == SharedField.LANGUAGES:
            value = ", ".join(client.languages)
        elif field == SharedField.OCCUPATION:
            value = " · ".join(v for v in (client.occupation, client.skills) if v)
        else:
            continue
        rows.append((str(labels[field]), value or "—"))
    return SharedProfile(consent_active=True, rows=rows)


@dataclass(frozen=True)
class PartnerView:
    """Everything a partner is shown of a referral (signed in or through the link), and nothing else.

    The partner's pages get this instead of the referral, so that no template can reach the case, the
    client or a free text through it. The referral's facts (code, status, service, centre, urgency, due
    date) are the organisations' business; the client's data (the fields chosen at referral) and every
    free text written about the client (the reason) follow the client's consent: once it is withdrawn,
    the partner sees neither.
    """

    code: str
    status_label: str
    centre_name: str
    service_name: str
    urgency_label: str
    due_on: dt.date
    reason: str
    profile: SharedProfile
    # An online course's evidence of enrolment and completion (about the client: shown while the consent lasts).
    is_online_course: bool = False
    enrolled_on: dt.date | None = None
    completed_on: dt.date | None = None
    certificate_number: str = ""
    certificate_url: str = ""


def partner_view(referral: Referral) -> PartnerView:
    """What the partner may see of this referral now (see `PartnerView`); a draft was never shared."""
    if referral.status == ReferralStatus.DRAFT:
        profile = SharedProfile(consent_active=False, rows=[])
    else:
        profile = shared_profile(referral)
    return PartnerView(
        code=referral.code,
        status_label=str(referral.get_status_display()),
        centre_name=referral.centre.name,
        service_name=translated(referral.service, "name").text,
        urgency_label=str(referral.get_urgency_display()),
        due_on=referral.due_on,
        reason=referral.reason if profile.consent_active else "",
        profile=profile,
        is_online_course=referral.service.category == ServiceCategory.ONLINE_COURSE,
        **(_course_evidence(referral) if profile.consent_active else {}),
    )


def _course_evidence(referral: Referral) -> dict[str, Any]:
    return {
        "enrolled_on": referral.enrolled_on,
        "completed_on": referral.completed_on,
        "certificate_number": referral.certificate_number,
        "certificate_url": referral.certificate_url,
    }


@dataclass(frozen=True)
class DirectoryFilter:
    q: str = ""
    category: str = ""
    country: str = ""
    language: str = ""
    delivery: str = ""


def list_services(*, filters: DirectoryFilter) -> QuerySet[Service]:
    """Active services, searched by name/description and filtered; online ones count for every country they serve."""
    services = Service.objects.filter(is_active=True).select_related("organization", "country")
    if filters.q:
        services = services.filter(
            Q(name__icontains=filters.q)
            | Q(description__icontains=filters.q)
            | Q(organization__name__icontains=filters.q)
        )
    if filters.category:
        services = services.filter(category=filters.category)
    if filters.country:
        services = services.filter(Q(country_id=filters.country) | Q(areas_served__contains=[filters.country]))
    if filters.language:
        services = services.filter(languages__contains=[filters.language])
    if filters.delivery:
        services = services.filter(delivery=filters.delivery)
    return services.annotate(
        taken=Count("referrals", filter=Q(referrals__status__in=["accepted", "enrolled"]))
    ).order_by("name", "pk")


def services_for_case(*, country_code: str) -> QuerySet[Service]:
    """Services a case of this country can be referred to."""
    return (
        Service.objects.filter(is_active=True)
        .filter(Q(country_id=country_code) | Q(areas_served__contains=[country_code]))
        .select_related("organization")
        .order_by("organization__name", "name")
    )
