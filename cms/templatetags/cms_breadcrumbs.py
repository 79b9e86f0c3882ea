"""Breadcrumbs of the information pages (home → country or topic index → the page); a country's centres."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page

register = template.Library()

HOME_DEPTH = 2  # the language's home page, directly under Wagtail's root


@register.inclusion_tag("cms/_breadcrumbs.html", takes_context=True)
def breadcrumbs(context: template.Context, page: Page) -> Mapping[str, object]:
    """The trail to `page` (which is last, without a link). None on a language's home page.

    The home is named "Home" and linked to the language's home, so pages right under it cost no query;
    deeper pages cost one (their live ancestors between the home and the page).
    """
    if page.depth <= HOME_DEPTH:
        return {"crumbs": None}
    request = context.get("request")
    crumbs: list[dict[str, str | None]] = [{"title": _("Home"), "url": reverse("portal:home")}]
    if page.depth > HOME_DEPTH + 1:
        ancestors = page.get_ancestors().filter(depth__gt=HOME_DEPTH).live().public()
        crumbs += [{"title": ancestor.title, "url": ancestor.get_url(request)} for ancestor in ancestors]
    crumbs.append({"title": page.title, "url": None})
    return {"crumbs": crumbs}


@register.filter
def centre_pages(pages: Iterable[Page]) -> list[Page]:
    """The centre pages among a country page's (specific) children."""
    return [page for page in pages if getattr(page, "centre_id", None)]


@register.filter
def other_pages(pages: Iterable[Page]) -> list[Page]:
    """A country page's (specific) children that are not centre pages."""
    return [page for page in pages if not getattr(page, "centre_id", None)]
