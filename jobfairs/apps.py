from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobfairsConfig(AppConfig):
    name = "jobfairs"
    verbose_name = _("Job fairs")

    def ready(self) -> None:
        from counselling.dataprotection import register_linked_rows
        from jobfairs.audit import JobfairsAudit
        from jobfairs.dataprotection import DECLARATIONS, LINKED_ROWS
        from jobfairs.navigation import nav_items
        from jobfairs.today import today_items
        from portal.audit import register_actions
        from portal.context_processors import register_navigation
        from portal.dataprotection import declare_processing
        from portal.today import register_today

        register_navigation(nav_items)
        declare_processing(DECLARATIONS)
        register_linked_rows(LINKED_ROWS)
        register_actions(JobfairsAudit)
        register_today(today_items)
