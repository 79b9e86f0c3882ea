"""The language home page: the Wagtail home page of the active language, when the editors made one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from wagtail.models import Locale, Site


def home_page_response(request: HttpRequest) -> HttpResponse | None:
    """The served Wagtail home page of the active locale, or None to fall back to the portal's own home
    (registered in `CmsConfig.ready` with `portal.views.register_home_page`).

    Served through Wagtail's own `serve` view, so its hooks (view restrictions, ...) apply.
    """
    from wagtail.views import serve

    from cms.models import HomePage

    site = Site.find_for_request(request)
    if site is None:
        return None
    home = site.root_page.get_translation_or_none(Locale.get_active())
    if home is None or not home.live or home.specific_class is not HomePage:
        return None
    return serve(request, "")
