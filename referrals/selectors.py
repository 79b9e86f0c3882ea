"""Reads of the referrals app, already scoped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from counselling.models import ConsentPurpose, Education, Sex
from counselling.services import has_consent
from portal.access import CASEWORK_ROLES, Access, get_visible_or_404
from referrals.models import AWAITING_ANSWER, Referral, ReferralEvent, Service, SharedField

BOARD_PAGE = 50


def _overdue_first(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    today = timezone.localdate()
    return queryset.annotate(
        overdue=Case(
            When(status__in=AWAITING_ANSWER, due_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by("-overdue", "due_on", "pk")


def list_board(*, access: Access, status: str = "", service_id: Any = None) -> QuerySet[Referral]:
    """The referrals the user's centres sent, overdue first, filtered by status and service."""
    referrals = Referral.objects.visible_to(access).filter(centre_id__in=access.centre_ids(*CASEWORK_ROLES))
    if status:
        referrals = referrals.filter(status=status)
    else:
        referrals = referrals.exclude(status__in=["completed", "cancelled", "declined", "dropped_out"])
    if service_id:
        referrals = referrals.filter(service__public_id=service_id)
    return _overdue_first(referrals.select_related("case__client", "service", "organization"))


def board_counts(*, access: Access) -> dict[str, int]:
    """How many referrals of the user's centres are in each status (one query)."""
    rows = (
        Referral.objects.visible_to(access)
        .filter(centre_id__in=access.centre_ids(*CASEWORK_ROLES))
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {row["status"]: row["n"] for row in rows}


def list_inbox(*, access: Access, status: str = "") -> QuerySet[Referral]:
    """Referrals sent to the user's organisations, overdue and new first."""
    referrals = Referral.objects.visible_to(access).filter(organization_id__in=access.organisation_ids())
    referrals = referrals.exclude(status="draft")
    if status:
        referrals = referrals.filter(status=status)
    else:
        referrals = referrals.exclude(status__in=["completed", "cancelled", "declined", "dropped_out"])
    return _overdue_first(referrals.select_related("service", "centre"))


def get_sent_referral(*, access: Access, public_id: Any) -> Referral:
    """A referral of one of the user's centres, or 404."""
    return get_visible_or_404(
        Referral.objects.visible_to(access)
        .filter(centre_id__in=access.centre_ids(*CASEWORK_ROLES))
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
