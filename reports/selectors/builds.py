"""The report archive: the PDF builds a reader may open."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from portal.access import Access
from reports.models import ReportBuild
from reports.selectors.scopes import CENTRE, COUNTRY, Scope, get_scope


def _builds_of(scope: Scope) -> Any:
    """Builds of a scope that its reader may open: eyes outside a centre only ever get suppressed builds."""
    builds = ReportBuild.objects.filter(scope_kind=scope.kind)
    if scope.kind == CENTRE:
        builds = builds.filter(centre=scope.centre)
    elif scope.kind == COUNTRY:
        builds = builds.filter(country=scope.country)
    if scope.suppressed:
        builds = builds.filter(suppressed=True)
    return builds


def get_build(*, access: Access, public_id: Any) -> tuple[ReportBuild, Scope]:
    """A build and its scope, if the user may open that scope (and, outside the centre, only a
    suppressed build). Unknown or forbidden: 404."""
    try:
        build = ReportBuild.objects.select_related("centre", "country").get(public_id=public_id)
    except (ReportBuild.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    key = build.centre.public_id if build.centre_id else build.country_id
    scope = get_scope(access=access, kind=build.scope_kind, key=key)
    if scope.suppressed and not build.suppressed:
        raise Http404
    return build, scope


def list_builds(*, scope: Scope, limit: int = 200) -> list[ReportBuild]:
    """The report archive of a scope, newest first, in one query."""
    return list(_builds_of(scope).order_by("-created_at")[:limit])
