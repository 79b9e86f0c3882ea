from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from counselling.dataprotection import register_linked_rows
        from counselling.timeline import register_event_kind
        from portal.audit import register_actions
        from portal.context_processors import register_navigation
        from portal.dataprotection import declare_processing
        from referrals.audit import ReferralsAudit
        from referrals.dataprotection import DECLARATIONS, LINKED_ROWS
        from referrals.navigation import nav_items
        from referrals.timeline import describe_referral_status

        register_navigation(nav_items)
        declare_processing(DECLARATIONS)
        register_linked_rows(LINKED_ROWS)
        register_event_kind("referral.status", describe_referral_status)
        register_actions(ReferralsAudit)
