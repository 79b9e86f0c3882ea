from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Information site")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.models import Page
        from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move
        from wagtail_localize.models import StringSegment

        from cms.audit import CmsAudit
        from cms.cache import purge_all
        from cms.home import home_page_response
        from cms.links import sync_default_site
        from cms.models import HelpContact
        from cms.translation_memory import segment_dropped
        from portal.audit import register_actions
        from portal.models import Centre
        from portal.views import register_home_page

        # The language's home is the editors' Wagtail home page when they made one (see cms/home.py).
        register_home_page(home_page_response)

        # Any change that a public page shows empties the page cache (see cms/cache.py).
        for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
            signal.connect(purge_all, dispatch_uid=f"cms-page-cache-{id(signal)}")
        post_delete.connect(purge_all, sender=Page, dispatch_uid="cms-page-cache-page-deleted")
        for model in (Centre, HelpContact):
            post_save.connect(purge_all, sender=model, dispatch_uid=f"cms-page-cache-{model.__name__}-saved")
            post_delete.connect(purge_all, sender=model, dispatch_uid=f"cms-page-cache-{model.__name__}-deleted")
        register_actions(CmsAudit)

        # A changed source sentence keeps its old translation as a suggestion (see cms/translation_memory.py).
        post_delete.connect(segment_dropped, sender=StringSegment, dispatch_uid="cms-translation-memory")

        # Wagtail's Site record follows SITE_URL: set after every `migrate` (see cms/links.py).
        post_migrate.connect(sync_default_site, sender=self, dispatch_uid="cms-site-follows-site-url")
