"""The referrals app's audit action codes, each with its label for the audit search screen.

Registered in `referrals.apps.ReferralsConfig.ready` through `portal.audit.register_actions`;
`portal.audit.record_event` refuses a code that is not. A code never changes once lines carry it: add a
new member instead.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class ReferralsAudit(models.TextChoices):
    """Referrals' audit action codes: the service directory, referrals, slips and the partners' signed links."""

    ORGANIZATION_SAVED = "referrals.organization.saved", pgettext_lazy("audit action", "Partner organisation saved")
    LOCATION_ADDED = "referrals.location.added", pgettext_lazy("audit action", "Partner location added")
    SERVICE_SAVED = "referrals.service.saved", pgettext_lazy("audit action", "Partner service saved")
    REFERRAL_CREATED = "referrals.referral.created", pgettext_lazy("audit action", "Referral created")
    REFERRAL_STATUS_CHANGED = (
        "referrals.referral.status_changed",
        pgettext_lazy("audit action", "Referral status changed"),
    )
    COURSE_EVIDENCE_RECORDED = (
        "referrals.referral.course_evidence_recorded",
        pgettext_lazy("audit action", "Online course enrolment or completion recorded"),
    )
    REFERRAL_VIEWED = "referrals.referral.viewed", pgettext_lazy("audit action", "Referral viewed")
    SLIP_PRINTED = "referrals.slip.printed", pgettext_lazy("audit action", "Referral slip printed")
    LINK_RENEWED = "referrals.link.renewed", pgettext_lazy("audit action", "Partner link renewed")
    LINK_USED = "referrals.link.used", pgettext_lazy("audit action", "Partner link used")
    LINK_REFUSED = "referrals.link.refused", pgettext_lazy("audit action", "Partner link refused")
