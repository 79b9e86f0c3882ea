"""The returnee portal's audit action codes, each with its label for the audit search screen.

Registered in `cms.returnees.apps.ReturneesConfig.ready` through `portal.audit.register_actions`;
`portal.audit.record_event` refuses a code that is not. A code never changes once lines carry it: add a
new member instead.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class ReturneesAudit(models.TextChoices):
    """The returnee portal's audit action codes: profile, CV, consents, saved opportunities, the link to a
    client record and the person's own export and deletion."""

    PROFILE_UPDATED = "returnees.profile.updated", pgettext_lazy("audit action", "Profile updated")
    CV_REMOVED = "returnees.cv.removed", pgettext_lazy("audit action", "CV removed")
    CONSENT_GIVEN = "returnees.consent.given", pgettext_lazy("audit action", "Consent given on the portal")
    CONSENT_WITHDRAWN = "returnees.consent.withdrawn", pgettext_lazy("audit action", "Consent withdrawn on the portal")
    OPPORTUNITY_SAVED = "returnees.opportunity.saved", pgettext_lazy("audit action", "Opportunity saved")
    OPPORTUNITY_UNSAVED = (
        "returnees.opportunity.unsaved",
        pgettext_lazy("audit action", "Opportunity removed from saved"),
    )
    LINK_CODE_ISSUED = "returnees.link_code.issued", pgettext_lazy("audit action", "Link code issued")
    CLIENT_LINKED = "returnees.client.linked", pgettext_lazy("audit action", "Portal account linked to a client")
    CLIENT_UNLINKED = (
        "returnees.client.unlinked",
        pgettext_lazy("audit action", "Portal account unlinked from a client"),
    )
    DATA_EXPORTED = "returnees.data.exported", pgettext_lazy("audit action", "Own data exported")
    ACCOUNT_DELETED = "returnees.account.deleted", pgettext_lazy("audit action", "Portal account deleted")
