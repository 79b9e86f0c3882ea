"""Who sees which counselling rows: one `for_access` rule per model, built from the user's memberships."""

from __future__ import annotations

from typing import Self

from django.db.models import Q

from portal.access import CASEWORK_ROLES, Access, ScopedQuerySet


class CentreScopedQuerySet(ScopedQuerySet):
    """Rows of a centre: counsellors and managers of that centre, coordinators of its country."""

    centre_path = ""

    def for_access(self, access: Access) -> Self:
        return self.filter(access.centre_q(*CASEWORK_ROLES, prefix=self.centre_path))


class ClientQuerySet(CentreScopedQuerySet):
    pass


class CaseFileQuerySet(CentreScopedQuerySet):
    pass


class CaseChildQuerySet(CentreScopedQuerySet):
    """Rows that belong to a case follow the case: a transferred case takes its history along."""

    centre_path = "case__"


class ConsentQuerySet(CentreScopedQuerySet):
    centre_path = "client__"


class TransferQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """Both centres see a transfer: the sending one its request, the receiving one what to decide."""
        return self.filter(
            access.centre_q(*CASEWORK_ROLES, prefix="from_") | access.centre_q(*CASEWORK_ROLES, prefix="to_")
        )


class SessionQuerySet(CaseChildQuerySet):
    pass


class SessionRevisionQuerySet(CentreScopedQuerySet):
    centre_path = "session__case__"


class AppointmentRequestQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """The centre's counsellors and managers see its requests; a returnee sees their own."""
        own = Q(user_id=access.user_id) if access.user_id is not None else Q(pk__in=[])
        return self.filter(access.centre_q(*CASEWORK_ROLES) | own)


class GroupSessionQuerySet(CentreScopedQuerySet):
    pass
