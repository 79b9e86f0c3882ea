from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturneesConfig(AppConfig):
    name = "cms.returnees"
    label = "returnees"
    verbose_name = _("Returnee portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.returnees.audit import ReturneesAudit
        from cms.returnees.dataprotection import DECLARATIONS
        from portal.audit import register_actions
        from portal.dataprotection import declare_processing

        declare_processing(DECLARATIONS)
        register_actions(ReturneesAudit)
