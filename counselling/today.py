"""Counselling's lines of the "today" home (`portal.today`): follow-ups, intake, cases without a counsellor,
transfers; for coordinators, the centres of their country with overdue follow-ups."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from counselling.models import (
    AppointmentRequest,
    AppointmentStatus,
    CaseFile,
    CaseStatus,
    FollowUp,
    Transfer,
    TransferStatus,
)
from portal.access import CASEWORK_ROLES, Access, Role, unscoped
from portal.today import TodayItem


def today_items(access: Access) -> list[TodayItem]:
    items: list[TodayItem] = []
    today = timezone.localdate()
    caseworker_centres = access.centre_ids(*CASEWORK_ROLES)
    if caseworker_centres:
        items += _my_follow_ups(access, today)
        new_requests = (
            AppointmentRequest.objects.visible_to(access)
            .filter(centre_id__in=caseworker_centres, status=AppointmentStatus.NEW)
            .count()
        )
        if new_requests:
            items.append(
                TodayItem(
                    ngettext("%(count)s new appointment request", "%(count)s new appointment requests", new_requests)
                    % {"count": new_requests},
                    new_requests,
                    f"{reverse('counselling:intake-list')}?status={AppointmentStatus.NEW}",
                )
            )
    managed = access.centre_ids(Role.CENTRE_MANAGER)
    if managed:
        items += _centre_work(access, managed, today)
    countries = access.country_codes(Role.COUNTRY_COORDINATOR)
    if countries:
        items += _country_work(countries, today)
    return items


def _my_follow_ups(access: Access, today) -> list[TodayItem]:
    counts = (
        FollowUp.objects.visible_to(access)
        .filter(assigned_to_id=access.user_id, done_at__isnull=True)
        .aggregate(overdue=Count("pk", filter=Q(due_on__lt=today)), due=Count("pk", filter=Q(due_on=today)))
    )
    url = reverse("counselling:follow-up-list")
    items = []
    if counts["overdue"]:
        items.append(
            TodayItem(
                ngettext("%(count)s follow-up overdue", "%(count)s follow-ups overdue", counts["overdue"])
                % {"count": counts["overdue"]},
                counts["overdue"],
                f"{url}?overdue=1",
                urgent=True,
            )
        )
    if counts["due"]:
        items.append(
            TodayItem(
                ngettext("%(count)s follow-up due today", "%(count)s follow-ups due today", counts["due"])
                % {"count": counts["due"]},
                counts["due"],
                url,
            )
        )
    return items


def _centre_work(access: Access, managed: frozenset[int], today) -> list[TodayItem]:
    items = []
    cases = (
        CaseFile.objects.visible_to(access)
        .filter(centre_id__in=managed)
        .exclude(status=CaseStatus.CLOSED)
        .aggregate(
            unassigned=Count("pk", filter=Q(counsellor__isnull=True)),
            overdue=Count("pk", filter=Q(next_follow_up_on__lt=today)),
        )
    )
    if cases["unassigned"]:
        items.append(
            TodayItem(
                ngettext(
                    "%(count)s case waiting for a counsellor",
                    "%(count)s cases waiting for a counsellor",
                    cases["unassigned"],
                )
                % {"count": cases["unassigned"]},
                cases["unassigned"],
                f"{reverse('counselling:case-list')}?unassigned=on",
                urgent=True,
            )
        )
    if cases["overdue"]:
        items.append(
            TodayItem(
                ngettext(
                    "%(count)s case of your centre with an overdue follow-up",
                    "%(count)s cases of your centre with an overdue follow-up",
                    cases["overdue"],
                )
                % {"count": cases["overdue"]},
                cases["overdue"],
                f"{reverse('counselling:case-list')}?follow_up_due=on",
            )
        )
    with unscoped():  # transfers to the manager's centres: the cases are not theirs until they accept
        waiting = Transfer.objects.filter(to_centre_id__in=managed, status=TransferStatus.PENDING).count()
    if waiting:
        items.append(
            TodayItem(
                ngettext(
                    "%(count)s transfer waiting for your decision",
                    "%(count)s transfers waiting for your decision",
                    waiting,
                )
                % {"count": waiting},
                waiting,
                reverse("counselling:transfer-list"),
                urgent=True,
            )
        )
    return items


def _country_work(countries: frozenset[str], today) -> list[TodayItem]:
    """Counts only: coordinators oversee centres and do not open case files."""
    with unscoped():
        pending = Transfer.objects.filter(status=TransferStatus.PENDING, to_centre__country_id__in=countries).count()
        overdue_by_centre = list(
            CaseFile.objects.filter(centre__country_id__in=countries, next_follow_up_on__lt=today)
            .exclude(status=CaseStatus.CLOSED)
            .values("centre__name")
            .annotate(cases=Count("pk"))
            .order_by("-cases", "centre__name")
        )
    items = []
    if pending:
        items.append(
            TodayItem(
                ngettext(
                    "%(count)s transfer into your country waiting for a centre's decision",
                    "%(count)s transfers into your country waiting for a centre's decision",
                    pending,
                )
                % {"count": pending},
                pending,
            )
        )
    for row in overdue_by_centre:
        items.append(
            TodayItem(
                ngettext(
                    "%(centre)s: %(count)s case with an overdue follow-up",
                    "%(centre)s: %(count)s cases with an overdue follow-up",
                    row["cases"],
                )
                % {"centre": row["centre__name"], "count": row["cases"]},
                row["cases"],
                urgent=True,
            )
        )
    return items
