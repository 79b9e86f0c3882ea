"""What the job fairs' views share: who may see a page, a refusal shown as a message, times in the fair's zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from portal.access import CASEWORK_ROLES, Role
from portal.errors import DomainError, NotAllowed
from portal.http import AuthenticatedRequest
from portal.views import role_required

employer_only = role_required(Role.EMPLOYER)
fair_staff = role_required(Role.COUNSELLOR, Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
casework = role_required(*CASEWORK_ROLES)
managers = role_required(Role.CENTRE_MANAGER)
reporting = role_required(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
# Lessons learned: managers (their centres' fairs), coordinators (their countries'), analysts (every fair,
# aggregated).
lessons_readers = role_required(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.PROGRAMME_ANALYST)


def returnee_only(view: Callable) -> Callable:
    """Pages of candidates: signed-in people without a staff membership; for staff the page does not exist."""

    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.access.has_membership:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def flash_error(request: HttpRequest, error: DomainError) -> None:
    if isinstance(error, NotAllowed):
        raise Http404
    messages.error(request, str(error))


def in_zone(value: Any, zone_name: str) -> Any:
    """A datetime typed as wall-clock time in the fair's zone (the form parsed it in the viewer's)."""
    return value.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(zone_name))
