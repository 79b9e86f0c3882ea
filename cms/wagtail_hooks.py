"""Wagtail hooks of the information site."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.urls import URLPattern
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.staticfiles import versioned_static
from wagtail.snippets.models import register_snippet

from cms.cache import mark_cacheable
from cms.models import CountryPage, HelpContact


@hooks.register("after_publish_page")
def grant_editors_on_new_country_page(request: Any, page: Any) -> None:
    """A country page published in a new language (or for the first time) gets its country's editors at once."""
    from cms.services import grant_editor_access

    specific = page.specific
    if isinstance(specific, CountryPage):
        grant_editor_access(country=specific.country)


@hooks.register("register_admin_urls", order=-1)  # before wagtail-localize's views at the same paths
def guarded_translation_urls() -> list[URLPattern]:
    """Submit and sync translations only for pages the user may edit (see cms/translation_access.py)."""
    from cms.translation_access import urls

    return urls()


@hooks.register("insert_editor_js")
def translation_editor_direction() -> str:
    """Right-to-left text boxes when translating into Arabic or Urdu (cms/static/cms/translation_editor.js)."""
    return format_html('<script src="{}"></script>', versioned_static("cms/translation_editor.js"))


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_on_title_in_another_script(request: Any, page: Any) -> None:
    """A title in Arabic script in a Latin-script tree (or Latin only in the Arabic or Urdu tree) is saved,
    with a warning: it is most often text pasted into the wrong language's page."""
    from django.conf import settings

    from cms.page_forms import title_script_mismatch

    code = page.locale.language_code
    if title_script_mismatch(page.title, code):
        messages.warning(
            request,
            _("The title “%(title)s” is not written in the script of %(language)s, the language of this page.")
            % {"title": page.title, "language": dict(settings.LANGUAGES).get(code, code)},
        )


register_snippet(HelpContact)
hooks.register("before_serve_page", mark_cacheable)
