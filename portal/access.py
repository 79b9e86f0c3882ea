"""One door for access to personal data.

Every model that holds personal data uses `ScopedManager` as its default
manager. Reading through it without a scope raises `ScopeError`: code must
say whose eyes the rows are for, with `Model.objects.visible_to(user)`, or
say that it is system work (a task, a migration, the seed) with
`with unscoped(): ...`. Reverse relations reached from an object that came
through the door (``case.sessions.all()``) are allowed: the object itself
was scoped.

Each scoped model's queryset implements `for_access(access)`: that is the
one place where the model's visibility rule lives. Views never filter by
role themselves; they call selectors, which call `visible_to`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from portal.models import Membership, User

_unscoped: ContextVar[bool] = ContextVar("portal_unscoped", default=False)


class ScopeError(RuntimeError):
    """A query of personal data was made without saying whose access it serves."""


@contextmanager
def unscoped() -> Iterator[None]:
    """Run system work (tasks, seeds, migrations, retention) outside any user's scope."""
    token = _unscoped.set(True)
    try:
        yield
    finally:
        _unscoped.reset(token)


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    CENTRE_MANAGER = "centre_manager", _("Centre manager")
    COUNTRY_COORDINATOR = "country_coordinator", _("Country coordinator")
    PROGRAMME_ANALYST = "programme_analyst", _("Programme analyst")
    PARTNER = "partner", _("Partner organisation")
    EMPLOYER = "employer", _("Employer")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Administrator")
    DATA_PROTECTION_OFFICER = "dpo", _("Data-protection officer")


# Which object a membership of each role hangs on. The database enforces it too.
CENTRE_ROLES = frozenset({Role.COUNSELLOR, Role.CENTRE_MANAGER})
COUNTRY_ROLES = frozenset({Role.COUNTRY_COORDINATOR, Role.EDITOR})
GLOBAL_ROLES = frozenset({Role.PROGRAMME_ANALYST, Role.ADMIN})
# Who reads and writes individual case files: the centre's own staff. Country
# coordinators see their countries aggregated (reports), never case by case.
CASEWORK_ROLES = frozenset({Role.COUNSELLOR, Role.CENTRE_MANAGER})
# The data-protection officer works per country, or for the whole programme (a membership
# without a country). They answer data-subject requests, read the audit log and the record
# of processing, and never do casework: case files and notes stay closed to them.
# Who acts on a data-subject request (export, erasure): a centre's manager for the centre's
# clients, the data-protection officer for the clients of their countries.
DATA_SUBJECT_ROLES = frozenset({Role.CENTRE_MANAGER, Role.DATA_PROTECTION_OFFICER})


@dataclass(frozen=True)
class Access:
    """What one user may see, computed once per request from their active memberships."""

    user_id: int | None
    # Django's superuser flag opens no data here: what a user sees comes from their memberships alone
    # (an administrator is a Role.ADMIN membership). A superuser still needs a second factor.
    is_superuser: bool = False
    memberships: tuple[Membership, ...] = field(default_factory=tuple)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    @property
    def has_membership(self) -> bool:
        return bool(self.memberships)

    @property
    def requires_mfa(self) -> bool:
        """Everyone who works with other people's data signs in with a second factor."""
        return self.has_membership or self.is_superuser

    def has_role(self, *roles: str) -> bool:
        return any(m.role in roles for m in self.memberships)

    def centre_ids(self, *roles: str) -> frozenset[int]:
        return frozenset(m.centre_id for m in self.memberships if m.role in roles and m.centre_id)

    def country_codes(self, *roles: str) -> frozenset[str]:
        return frozenset(m.country_id for m in self.memberships if m.role in roles and m.country_id)

    def organisation_ids(self) -> frozenset[int]:
        return frozenset(m.organisation_id for m in self.memberships if m.role == Role.PARTNER and m.organisation_id)

    def employer_ids(self) -> frozenset[int]:
        return frozenset(m.employer_id for m in self.memberships if m.role == Role.EMPLOYER and m.employer_id)

    def countries_of(self, *roles: str) -> frozenset[str]:
        """Countries the user works in with one of `roles`: their centres' countries and the countries they hold."""
        return frozenset(
            (m.centre.country_id if m.centre_id else m.country_id)
            for m in self.memberships
            if m.role in roles and (m.centre_id or m.country_id)
        )

    def centre_q(self, *roles: str, prefix: str = "") -> Q:
        """Rows whose centre is one of the user's centres (for `roles`), or in one of
        the countries they coordinate. `prefix` leads to the centre, e.g. ``"case__"``."""
        q = Q(pk__in=[])
        centre_ids = self.centre_ids(*roles)
        if centre_ids:
            q |= Q(**{f"{prefix}centre_id__in": centre_ids})
        if Role.COUNTRY_COORDINATOR in roles:
            countries = self.country_codes(Role.COUNTRY_COORDINATOR)
            if countries:
                q |= Q(**{f"{prefix}centre__country_id__in": countries})
        return q

    @property
    def is_programme_dpo(self) -> bool:
        """A data-protection officer for the whole programme (a membership without a country)."""
        return any(m.role == Role.DATA_PROTECTION_OFFICER and not m.country_id for m in self.memberships)

    def dpo_q(self, *, prefix: str = "") -> Q:
        """Rows whose centre lies in the countries the user is data-protection officer of (all, programme-wide).

        `prefix` leads to the centre, e.g. ``"case__"``.
        """
        if self.is_programme_dpo:
            # Every row; not an empty Q(), which would vanish when OR-ed with another condition.
            return Q(pk__isnull=False)
        countries = self.country_codes(Role.DATA_PROTECTION_OFFICER)
        if not countries:
            return Q(pk__in=[])
        return Q(**{f"{prefix}centre__country_id__in": countries})

    def data_subject_q(self, *, prefix: str = "") -> Q:
        """Clients (or rows of a client) whose data-subject requests the user may handle:
        the clients of the centres they manage, and those of the countries they are DPO of."""
        q = Q(**{f"{prefix}centre_id__in": self.centre_ids(Role.CENTRE_MANAGER)})
        if self.has_role(Role.DATA_PROTECTION_OFFICER):
            q |= self.dpo_q(prefix=prefix)
        return q

    def handles_data_subject_of(self, centre: Any) -> bool:
        """Whether the user may handle the data-subject requests of a client of `centre`."""
        if centre.pk in self.centre_ids(Role.CENTRE_MANAGER):
            return True
        if not self.has_role(Role.DATA_PROTECTION_OFFICER):
            return False
        return self.is_programme_dpo or centre.country_id in self.country_codes(Role.DATA_PROTECTION_OFFICER)

    def privacy_countries(self) -> frozenset[str] | None:
        """Countries whose retention and processing the user oversees; None means every country
        (administrators and programme-wide data-protection officers)."""
        if self.has_role(Role.ADMIN) or self.is_programme_dpo:
            return None
        return self.countries_of(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.DATA_PROTECTION_OFFICER)

    @property
    def timezone_name(self) -> str | None:
        """The time zone of the user's first centre or country, for showing and entering times."""
        for membership in self.memberships:
            country = membership.centre.country if membership.centre_id else membership.country
            if country is not None:
                return country.timezone
        return None

    def primary(self, *roles: str) -> Membership | None:
        """The first membership among `roles` (the acting membership for a service call)."""
        return next((m for m in self.memberships if m.role in roles), None)


ANONYMOUS = Access(user_id=None)


def get_access(user: User | Any) -> Access:
    """The user's `Access`, loaded once (one query) and cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_portal_access", None)
    if cached is not None:
        return cached
    from portal.models import Membership

    with unscoped():
        memberships = tuple(
            Membership.objects.filter(user_id=user.pk, is_active=True).select_related(
                "centre__country", "country", "organisation", "employer"
            )
        )
    access = Access(user_id=user.pk, is_superuser=user.is_superuser, memberships=memberships)
    user._portal_access = access
    return access


# The model of a scoped queryset or manager (covariant, as Django's own QuerySet and Manager are in django-stubs).
M = TypeVar("M", bound=models.Model, covariant=True)


class ScopedQuerySet(models.QuerySet[M]):
    """Base queryset of personal data. Subclasses define `for_access`."""

    def for_access(self, access: Access) -> Self:  # pragma: no cover - every subclass overrides
        raise NotImplementedError(f"{self.model.__name__} has no visibility rule")

    def visible_to(self, user: User | Any) -> Self:
        access = user if isinstance(user, Access) else get_access(user)
        if not access.is_authenticated:
            return self.none()
        return self.for_access(access)


class ScopedManager(models.Manager[M]):
    """Default manager for personal data: refuses to read without a scope."""

    def get_queryset(self) -> models.QuerySet[M]:
        # Related managers carry the instance they were reached from; that
        # instance already came through the door.
        if _unscoped.get() or getattr(self, "instance", None) is not None:
            return super().get_queryset()
        raise ScopeError(
            f"{self.model.__name__} read without a scope: use "
            f"{self.model.__name__}.objects.visible_to(user) or portal.access.unscoped()"
        )

    def visible_to(self, user: User | Any) -> models.QuerySet[M]:
        return super().get_queryset().visible_to(user)  # type: ignore[attr-defined]  # a ScopedQuerySet

    # Writes are not reads: creating rows needs no scope.
    def create(self, **kwargs: Any) -> M:
        return super().get_queryset().create(**kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[M]:
        return super().get_queryset().bulk_create(objs, *args, **kwargs)


def get_visible_or_404(queryset: models.QuerySet, **lookup: Any) -> Any:
    """Fetch one object from an already scoped queryset; outside scope is 404, never 403."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
