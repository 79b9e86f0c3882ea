"""Job fairs' line of the "today" home (`portal.today`): the clients' fair registrations in the coming week."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from jobfairs.models import Registration, RegistrationStatus
from portal.access import CASEWORK_ROLES, Access, Role, unscoped
from portal.today import TodayItem


def today_items(access: Access) -> list[TodayItem]:
    """A counsellor counts the registrations of clients whose case they hold; a manager those of the centre."""
    centres = access.centre_ids(*CASEWORK_ROLES)
    if not centres:
        return []
    now = timezone.now()
    whose = Q(client__centre_id__in=access.centre_ids(Role.CENTRE_MANAGER)) | Q(
        client__centre_id__in=centres, client__cases__counsellor_id=access.user_id
    )
    with unscoped():  # counted, never listed: the fair pages show who (scoped)
        count = (
            Registration.objects.filter(whose)
            .filter(
                status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED],
                fair__starts_at__gte=now,
                fair__starts_at__lt=now + dt.timedelta(days=7),
            )
            .values("pk")
            .distinct()
            .count()
        )
    if not count:
        return []
    return [
        TodayItem(
            ngettext(
                "%(count)s fair registration of your clients this week",
                "%(count)s fair registrations of your clients this week",
                count,
            )
            % {"count": count},
            count,
            reverse("jobfairs:fair-list"),
        )
    ]
