"""The scopes of the reports: whose numbers a user may open (one centre, one country, the programme)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from portal.access import Access, Role
from portal.models import Centre, Country
from reports.models import ReportBuild

REPORT_ROLES = (Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.PROGRAMME_ANALYST)
CENTRE, COUNTRY, PROGRAMME = "centre", "country", "programme"


@dataclass(frozen=True)
class Scope:
    """Whose numbers: one centre, one country or the programme. ``suppressed``: aggregates for eyes
    outside the centre, with small cells hidden."""

    kind: str
    label: str
    suppressed: bool
    centre_ids: tuple[int, ...] | None = None  # None: every centre
    centre: Centre | None = None
    country: Country | None = None

    def centre_q(self, prefix: str = "") -> Q:
        return Q() if self.centre_ids is None else Q(**{f"{prefix}centre_id__in": self.centre_ids})


def get_centre_scope(*, access: Access, public_id: Any) -> Scope:
    """One centre: its managers (every number), the coordinators of its country and analysts
    (aggregated, suppressed). Anyone else, or an unknown centre: 404."""
    try:
        centre = Centre.objects.select_related("country").get(public_id=public_id)
    except (Centre.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    own = centre.pk in access.centre_ids(Role.CENTRE_MANAGER)
    coordinated = centre.country_id in access.country_codes(Role.COUNTRY_COORDINATOR)
    if not (own or coordinated or access.has_role(Role.PROGRAMME_ANALYST)):
        raise Http404
    return Scope(CENTRE, centre.name, suppressed=not own, centre_ids=(centre.pk,), centre=centre)


def get_country_scope(*, access: Access, code: str) -> Scope:
    """Every centre of one country, aggregated and suppressed: its coordinators and analysts."""
    code = code.upper()
    if code not in access.country_codes(Role.COUNTRY_COORDINATOR) and not access.has_role(Role.PROGRAMME_ANALYST):
        raise Http404
    try:
        country = Country.objects.get(code=code)
    except Country.DoesNotExist as exc:
        raise Http404 from exc
    centre_ids = tuple(Centre.objects.filter(country=country).values_list("pk", flat=True))
    return Scope(COUNTRY, str(country.name), suppressed=True, centre_ids=centre_ids, country=country)


def get_programme_scope(*, access: Access) -> Scope:
    """Every centre of the programme, aggregated and suppressed: analysts only."""
    if not access.has_role(Role.PROGRAMME_ANALYST):
        raise Http404
    return Scope(PROGRAMME, _("The whole programme"), suppressed=True)


def default_scope(access: Access) -> tuple[str, dict[str, Any]] | None:
    """The URL name and kwargs of the dashboard a user starts from, or None without a report role."""
    if access.has_role(Role.PROGRAMME_ANALYST):
        return "reports:programme-dashboard", {}
    countries = sorted(access.country_codes(Role.COUNTRY_COORDINATOR))
    if countries:
        return "reports:country-dashboard", {"code": countries[0]}
    managed = [m.centre for m in access.memberships if m.role == Role.CENTRE_MANAGER and m.centre_id]
    if managed:
        return "reports:centre-dashboard", {"public_id": managed[0].public_id}
    return None


def list_scope_centres(*, scope: Scope) -> list[Centre]:
    """The centres inside a country scope, to drill down to (aggregated as well)."""
    if scope.kind != COUNTRY:
        return []
    return list(Centre.objects.filter(pk__in=scope.centre_ids).only("public_id", "name").order_by("name"))


def get_scope(*, access: Access, kind: str, key: Any = None) -> Scope:
    """The scope of `kind` (centre: its public id; country: its code), checked as the dashboards check it: 404."""
    if kind == CENTRE:
        return get_centre_scope(access=access, public_id=key)
    if kind == COUNTRY:
        return get_country_scope(access=access, code=str(key or ""))
    if kind == PROGRAMME:
        return get_programme_scope(access=access)
    raise Http404


def scope_key(scope: Scope) -> Any:
    """What names a scope in a URL or a build: the centre's public id, the country's code, or nothing."""
    if scope.kind == CENTRE and scope.centre is not None:
        return scope.centre.public_id
    if scope.kind == COUNTRY and scope.country is not None:
        return scope.country.code
    return None


def scope_of_build(build: ReportBuild) -> Scope:
    """System work (the build task): the scope a build was requested for, without an access check.

    The suppression is the build's, fixed when it was requested.
    """
    if build.scope_kind == CENTRE:
        centre = build.centre
        return Scope(CENTRE, centre.name, suppressed=build.suppressed, centre_ids=(centre.pk,), centre=centre)
    if build.scope_kind == COUNTRY:
        centre_ids = tuple(Centre.objects.filter(country=build.country_id).values_list("pk", flat=True))
        return Scope(
            COUNTRY, str(build.country.name), suppressed=build.suppressed, centre_ids=centre_ids, country=build.country
        )
    return Scope(PROGRAMME, _("The whole programme"), suppressed=True)
