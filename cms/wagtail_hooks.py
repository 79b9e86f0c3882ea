"""Wagtail hooks of the information site."""

from __future__ import annotations

from typing import Any

from wagtail import hooks
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


register_snippet(HelpContact)
hooks.register("before_serve_page", mark_cacheable)
