"""What every counselling service checks and writes: the scope, an open case, the case's timeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from counselling.models import CaseEvent, CaseFile, CaseStatus, Client
from portal.access import CASEWORK_ROLES, Access, unscoped
from portal.errors import DomainError, NotAllowed
from portal.models import Membership, User


class CaseClosed(DomainError):
    """The case is closed: nothing more can be logged on it."""


class StaleVersion(DomainError):
    """Someone else changed the case since this form was opened."""


def require_centre(access: Access, centre_id: int) -> None:
    """Refuse (`NotAllowed`, shown as 404) unless the user does casework at this centre."""
    if centre_id not in access.centre_ids(*CASEWORK_ROLES):
        # Not "forbidden" but "unknown": the views turn this into 404.
        raise NotAllowed(_("This case file does not exist."))


def require_open(case: CaseFile) -> None:
    """Refuse (`CaseClosed`) to add anything to a closed case."""
    if case.status == CaseStatus.CLOSED:
        raise CaseClosed(_("This case is closed. Reopen it before adding to it."))


def case_event(case: CaseFile, actor: User, kind: str, **params: Any) -> CaseEvent:
    """Append a line to the case's timeline (`counselling.timeline` says how each kind reads)."""
    return CaseEvent.objects.create(case=case, actor=actor, kind=kind, params=params)


def update_case(case: CaseFile, fields: dict[str, Any]) -> None:
    """Write case fields with UPDATE (versions are raised with F()) and reload them."""
    with unscoped():
        CaseFile.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db(fields=["version", "updated_at", *[f for f in fields if f not in ("version", "updated_at")]])


def latest_case(client: Client) -> CaseFile | None:
    """The client's most recent case file, whose timeline records client-level events such as consent."""
    with unscoped():
        return client.cases.order_by("-opened_on", "-pk").first()


def centre_caseworkers(centre_id: int) -> list[User]:
    """The people a case of this centre can be assigned to: its counsellors and managers with an active role."""
    with unscoped():
        ids = Membership.objects.filter(centre_id=centre_id, role__in=CASEWORK_ROLES, is_active=True).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("full_name", "pk"))


def locked_case(case: CaseFile) -> CaseFile:
    """The case re-read under a row lock (the caller checked the scope), so that writes to it queue up."""
    with unscoped():
        return CaseFile.objects.select_for_update().select_related("client").get(pk=case.pk)
