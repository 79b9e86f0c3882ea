"""Steps the job fairs service tests share: registering and booking through the services, a vacancy's fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jobfairs import services
from portal.access import get_access


def register(user, fair, share: bool = True, answers=None):
    return services.register_for_fair(
        access=get_access(user), actor=user, fair=fair, share_profile=share, answers=answers
    )


def book(user, slot, registration):
    return services.book_slot(access=get_access(user), actor=user, slot=slot, registration=registration)


def vacancy_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Welder",
        "description": "MIG/MAG welding",
        "employment_type": "FULL_TIME",
        "country_id": "GH",
        "locality": "Tema",
        "remote": False,
        "valid_through": timezone.localdate() + dt.timedelta(days=20),
    }
    data.update(overrides)
    return data
