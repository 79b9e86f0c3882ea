"""Reads shared by the portal's views, already scoped."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from portal.access import CENTRE_ROLES, Access, Role
from portal.audit import CLIENT_KEY, find_client
from portal.geography import COUNTRIES
from portal.models import AuditEvent, Centre, Country, Membership


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
    if access.has_role(Role.ADMIN):
        return centres
    return centres.filter(
        Q(pk__in=access.centre_ids(Role.CENTRE_MANAGER))
        | Q(country_id__in=access.country_codes(Role.COUNTRY_COORDINATOR))
    )


def list_invitable_roles(*, access: Access) -> list[tuple[str, str]]:
    """Roles the user may hand out."""
    if access.has_role(Role.ADMIN):
        return list(Role.choices)
    roles = set(CENTRE_ROLES) if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR) else set()
    if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR):
        roles |= {Role.PARTNER, Role.EMPLOYER}  # people of the partner organisations and employers of the country
    if access.has_role(Role.COUNTRY_COORDINATOR):
        roles.add(Role.EDITOR)
    return [(value, label) for value, label in Role.choices if value in roles]


def _invitable_country_codes(access: Access) -> frozenset[str] | None:
    """The countries whose organisations and employers the user may invite people of; None: all (admin)."""
    if access.has_role(Role.ADMIN):
        return None
    return access.countries_of(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)


def list_invitable_organisations(*, access: Access) -> QuerySet[Any]:
    """Partner organisations the user may invite people of: those of their countries (all for an admin).

    The model is reached through `Membership.organisation` (it lives in the referrals app, above this one)."""
    organisations = Membership._meta.get_field("organisation").related_model._default_manager.order_by("name")
    countries = _invitable_country_codes(access)
    return organisations if countries is None else organisations.filter(country_id__in=countries)


def list_invitable_employers(*, access: Access) -> QuerySet[Any]:
    """Employers the user may invite people of: those of their countries (all for an admin)."""
    employers = Membership._meta.get_field("employer").related_model._default_manager.order_by("name")
    countries = _invitable_country_codes(access)
    return employers if countries is None else employers.filter(country_id__in=countries)


def list_invitable_countries(*, access: Access) -> QuerySet[Country]:
    if access.has_role(Role.ADMIN):
        return Country.objects.all()
    return Country.objects.filter(code__in=access.country_codes(Role.COUNTRY_COORDINATOR))


def list_manageable_countries(*, access: Access) -> QuerySet[Country]:
    """The countries an administrator sets up (all of them); nobody else manages any."""
    return Country.objects.all() if access.has_role(Role.ADMIN) else Country.objects.none()


def list_manageable_centres(*, access: Access) -> QuerySet[Centre]:
    """The centres an administrator sets up (all of them, closed ones too); nobody else manages any."""
    centres = Centre.objects.select_related("country")
    return centres if access.has_role(Role.ADMIN) else centres.none()


def list_countries_with_centres(*, access: Access) -> list[Country]:
    """Every country the user manages, by name in the current language, each with its centres by name
    (`country.centres.all()`, prefetched): two queries however many there are."""
    centres = Prefetch("centres", queryset=Centre.objects.order_by("name", "pk"))
    countries = list_manageable_countries(access=access).prefetch_related(centres)
    return sorted(countries, key=lambda country: str(country.name))


def list_countries_to_set_up(*, access: Access) -> list[tuple[str, str]]:
    """The programme's countries (`portal.geography.COUNTRIES`) not set up yet, as (code, name) by name."""
    if not access.has_role(Role.ADMIN):
        return []
    existing = set(Country.objects.values_list("code", flat=True))
    return sorted(
        ((code, str(facts.name)) for code, facts in COUNTRIES.items() if code not in existing),
        key=lambda choice: choice[1],
    )


def list_audit_events(
    *, access: Access, client_code: str = "", action: str = "", since: Any = None, until: Any = None
) -> QuerySet[AuditEvent]:
    """Audit lines the user may read (their centres or countries), newest first.

    A client code finds every line about that client, its case files and what hangs on them
    (sessions, documents, referrals, slips, partner views, fair registrations): every such line names
    the client (`portal.audit.CLIENT_KEY`); lines written before they did are found by their target.
    """
    events = AuditEvent.objects.visible_to(access).select_related("actor").order_by("-occurred_at", "-pk")
    if client_code:
        # Identifiers only, and only inside the user's own centres (the events are scoped).
        found = find_client(client_code)
        if found is None:
            return events.none()
        client_pk, target_ids = found
        events = events.filter(Q(**{f"details__{CLIENT_KEY}": client_pk}) | Q(target_id__in=target_ids))
    if action:
        events = events.filter(action__startswith=action.strip())
    if since:
        events = events.filter(occurred_at__date__gte=since)
    if until:
        events = events.filter(occurred_at__date__lte=until)
    return events
