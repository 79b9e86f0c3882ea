"""The information site's audit action codes, each with its label for the audit search screen.

Registered in `cms.apps.CmsConfig.ready` through `portal.audit.register_actions`;
`portal.audit.record_event` refuses a code that is not. A code never changes once lines carry it: add a
new member instead.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class CmsAudit(models.TextChoices):
    """The information site's audit action codes."""

    EDITOR_ACCESS_GRANTED = "cms.editor_access.granted", pgettext_lazy("audit action", "Editor access granted")
