"""Reads shared by the portal's views, already scoped."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.access import CENTRE_ROLES, Access, Role
from portal.models import Centre, Country, Membership


def list_team(*, access: Access) -> QuerySet[Membership]:
    """The staff memberships the user may manage, newest first, with what the list shows."""
    return (
        Membership.objects.visible_to(access)
        .select_related("user", "centre", "country", "organisation", "employer", "invitation")
        .order_by("-created_at", "-pk")
    )


def list_invitable_centres(*, access: Access) -> QuerySet[Centre]:
    """Centres the user may invite staff into: managed centres, coordinated countries, or all (admin)."""
    centres = Centre.objects.filter(is_active=True).select_related("country")
    if access.has_role(Role.ADMIN) or access.is_superuser:
        return centres
    return centres.filter(
        Q(pk__in=access.centre_ids(Role.CENTRE_MANAGER))
        | Q(country_id__in=access.country_codes(Role.COUNTRY_COORDINATOR))
    )


def list_invitable_roles(*, access: Access) -> list[tuple[str, str]]:
    """Roles the user may hand out."""
    if access.has_role(Role.ADMIN) or access.is_superuser:
        return list(Role.choices)
    roles = set(CENTRE_ROLES) if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR) else set()
    if access.has_role(Role.COUNTRY_COORDINATOR):
        roles.add(Role.EDITOR)
    return [(value, label) for value, label in Role.choices if value in roles]


def list_invitable_countries(*, access: Access) -> QuerySet[Country]:
    if access.has_role(Role.ADMIN) or access.is_superuser:
        return Country.objects.all()
    return Country.objects.filter(code__in=access.country_codes(Role.COUNTRY_COORDINATOR))
