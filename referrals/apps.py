from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from counselling.dataprotection import register_linked_rows
        from counselling.signals import case_transferred
        from counselling.timeline import register_event_kind
        from portal.audit import register_actions
        from portal.context_processors import register_navigation
        from portal.dataprotection import declare_processing
        from portal.today import register_today
        from referrals.audit import ReferralsAudit
        from referrals.dataprotection import DECLARATIONS, LINKED_ROWS
        from referrals.navigation import nav_items
        from referrals.services import follow_transferred_case
        from referrals.timeline import describe_referral_status
        from referrals.today import today_items

        register_navigation(nav_items)
        declare_processing(DECLARATIONS)
        register_linked_rows(LINKED_ROWS)
        register_event_kind("referral.status", describe_referral_status)
        register_actions(ReferralsAudit)
        register_today(today_items)
        case_transferred.connect(follow_transferred_case, dispatch_uid="referrals.follow_transferred_case")
