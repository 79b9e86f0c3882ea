from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounsellingConfig(AppConfig):
    name = "counselling"
    verbose_name = _("Counselling")

    def ready(self) -> None:
        from counselling.audit import CounsellingAudit
        from counselling.codes import centre_has_client_codes
        from counselling.dataprotection import find_client_for_audit
        from counselling.dataprotection.declarations import DECLARATIONS
        from counselling.documents import limit_image_decoding
        from counselling.navigation import nav_items
        from counselling.today import today_items
        from portal.audit import register_actions, register_client_finder
        from portal.context_processors import register_navigation
        from portal.dataprotection import declare_processing
        from portal.services import register_centre_code_user
        from portal.today import register_today

        limit_image_decoding()
        register_navigation(nav_items)
        declare_processing(DECLARATIONS)
        register_client_finder(find_client_for_audit)
        register_centre_code_user(centre_has_client_codes)
        register_actions(CounsellingAudit)
        register_today(today_items)
