"""Whether a client has agreed: the one place that reads consent (this app, referrals and job fairs ask here).

A consent (or another recorded legal basis) is for one purpose, and for one
partner organisation when data goes to a partner. It is never deleted, only
withdrawn; a withdrawn consent stops what depends on it at once. Recording and
withdrawing are services (`counselling.services.record_consent`, ...).
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from counselling.models import Client, Consent, ConsentPurpose
from portal.access import unscoped
from portal.errors import DomainError


class ConsentMissing(DomainError):
    """The client has not given the consent this action needs."""


def active_consents(purpose: str, organisation: Model | None = None) -> QuerySet[Consent]:
    """The consents for `purpose` (and `organisation`) not withdrawn, of every client: unscoped, for
    checks and subqueries (``.filter(client_id=OuterRef(...))``) that say whose consent they ask about."""
    with unscoped():
        return Consent.objects.filter(purpose=purpose, organisation=organisation, withdrawn_at__isnull=True)


def has_consent(client: Client, purpose: str, organisation: Model | None = None) -> bool:
    """Whether the client has an active consent (or other recorded basis) for this purpose.

    `organisation` is the partner (`referrals.Organization`) for `share_partner`, and None otherwise.
    """
    return active_consents(purpose, organisation).filter(client=client).exists()


def require_consent(client: Client, purpose: str, organisation: Model | None = None) -> None:
    """Refuse with a clear message (`ConsentMissing`) when data would leave the centre without consent."""
    if not has_consent(client, purpose, organisation):
        messages = {
            ConsentPurpose.SHARE_WITH_PARTNER: _(
                "The client has not agreed to share data with this organisation. Record the consent first."
            ),
            ConsentPurpose.SHARE_WITH_EMPLOYERS: _(
                "The client has not agreed to share a profile with employers. Record the consent first."
            ),
            ConsentPurpose.SENSITIVE_DATA: _(
                "Vulnerabilities can only be recorded with the client's consent to record sensitive information."
            ),
            ConsentPurpose.FOLLOW_UP_CONTACT: _("The client has not agreed to be contacted for follow-up."),
        }
        raise ConsentMissing(messages.get(purpose, _("The client has not given the consent this needs.")))


def consented_organisation_ids(client: Client) -> set[int]:
    """The partner organisations the client has an active consent to share with (for forms that mark them)."""
    return set(active_consents_of(client, ConsentPurpose.SHARE_WITH_PARTNER).values_list("organisation_id", flat=True))


def active_consents_of(client: Client, purpose: str) -> QuerySet[Consent]:
    with unscoped():
        return Consent.objects.filter(client=client, purpose=purpose, withdrawn_at__isnull=True)


def last_withdrawal(client: Client, purpose: str, organisation: Model | None = None) -> Consent | None:
    """The client's most recently withdrawn consent for this purpose (and organisation), if any."""
    with unscoped():
        return (
            Consent.objects.filter(
                client=client, purpose=purpose, organisation=organisation, withdrawn_at__isnull=False
            )
            .order_by("-withdrawn_at")
            .first()
        )
