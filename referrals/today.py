"""Referrals' lines of the "today" home (`portal.today`): drafts not sent, partners' answers overdue."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from portal.access import CASEWORK_ROLES, Access, Role
from portal.today import TodayItem
from referrals.models import AWAITING_ANSWER, Referral, ReferralStatus


def today_items(access: Access) -> list[TodayItem]:
    """A counsellor sees their own referrals; a manager those of the whole centre."""
    centres = access.centre_ids(*CASEWORK_ROLES)
    if not centres:
        return []
    managed = access.centre_ids(Role.CENTRE_MANAGER)
    whose = Q(centre_id__in=managed) | Q(created_by_id=access.user_id, centre_id__in=centres)
    counts = (
        Referral.objects.visible_to(access)
        .filter(whose)
        .aggregate(
            drafts=Count("pk", filter=Q(status=ReferralStatus.DRAFT, created_by_id=access.user_id)),
            overdue=Count("pk", filter=Q(status__in=AWAITING_ANSWER, due_on__lt=timezone.localdate())),
        )
    )
    board = reverse("referrals:board")
    items = []
    if counts["overdue"]:
        items.append(
            TodayItem(
                ngettext(
                    "%(count)s referral whose partner answer is overdue",
                    "%(count)s referrals whose partner answers are overdue",
                    counts["overdue"],
                )
                % {"count": counts["overdue"]},
                counts["overdue"],
                f"{board}?status={ReferralStatus.SENT}",
                urgent=True,
            )
        )
    if counts["drafts"]:
        items.append(
            TodayItem(
                ngettext(
                    "%(count)s referral draft not sent yet", "%(count)s referral drafts not sent yet", counts["drafts"]
                )
                % {"count": counts["drafts"]},
                counts["drafts"],
                f"{board}?status={ReferralStatus.DRAFT}",
            )
        )
    return items
