"""The reports app's audit action codes, each with its label for the audit search screen.

Registered in `reports.apps.ReportsConfig.ready` through `portal.audit.register_actions`;
`portal.audit.record_event` refuses a code that is not. A code never changes once lines carry it: add a
new member instead.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class ReportsAudit(models.TextChoices):
    """Reports' audit action codes: builds, downloads, exports and the roll-ups' rebuild and check."""

    BUILD_REQUESTED = "reports.build.requested", pgettext_lazy("audit action", "Report requested")
    BUILD_SCHEDULED = "reports.build.scheduled", pgettext_lazy("audit action", "Report scheduled")
    BUILD_DONE = "reports.build.done", pgettext_lazy("audit action", "Report built")
    BUILD_RESTARTED = "reports.build.restarted", pgettext_lazy("audit action", "Report build restarted")
    BUILD_DOWNLOADED = "reports.build.downloaded", pgettext_lazy("audit action", "Report downloaded")
    EXPORT_DOWNLOADED = "reports.export.downloaded", pgettext_lazy("audit action", "Indicator export downloaded")
    ROLLUP_REBUILT = "reports.rollup.rebuilt", pgettext_lazy("audit action", "Report roll-ups rebuilt")
    ROLLUP_CHECKED = "reports.rollup.checked", pgettext_lazy("audit action", "Report roll-ups checked")
