from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Outcome reporting, above the domain apps: it reads their tables and hooks into their signals."""

    name = "reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from counselling.signals import case_transferred
        from portal.audit import register_actions
        from reports import live, receivers, tasks  # noqa: F401  (tasks: registers them and their old names)
        from reports.audit import ReportsAudit

        case_transferred.connect(receivers.rebuild_after_transfer, dispatch_uid="reports.rebuild_after_transfer")
        register_actions(ReportsAudit)
        live.connect()  # today's figures follow the writes (reports/live.py)
