from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal import signals  # noqa: F401  (connects audit receivers)
        from portal.audit import PortalAudit, register_actions

        register_actions(PortalAudit)
