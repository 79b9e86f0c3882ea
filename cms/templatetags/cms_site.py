"""Template tags of the public site's frame: the help contacts in the footer."""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.utils.translation import get_language

from cms.selectors import help_contacts_for

register = template.Library()


@register.inclusion_tag("cms/help_contacts.html", takes_context=True)
def help_contacts(context: template.Context) -> Mapping[str, object]:
    """The footer's help numbers: the page's country, else every country in a <details> list.

    Only on the information site (a Wagtail page, or a view that asks with `show_help_contacts`),
    so that staff pages keep their query counts. Memoised on the request: two queries at most.
    """
    page = context.get("page")
    request = context.get("request")
    if request is None or not (hasattr(page, "path") or context.get("show_help_contacts")):
        return {"groups": None}
    memo = getattr(request, "_cms_help_contacts", None)
    if memo is None:
        memo = help_contacts_for(page=page if hasattr(page, "path") else None, language=get_language())
        request._cms_help_contacts = memo
    return memo
